"""Two real Celery workers on a queue of their own, for the tests of tasks that must run once (alerts,
CLCT digests): `with two_workers("alerts-test", logs_dir) as (a, b): …`."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from partnership.celery import app
from tests.feeds.test_worker_faults import Worker, database_url


@contextmanager
def two_workers(prefix: str, logs: Path) -> Iterator[tuple[Worker, Worker]]:
    previous_queue = app.conf.task_default_queue
    queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "1",  # the console e-mail backend: the worker prints what it sends
        "DB_CONN_MAX_AGE": "0",
        "LOG_FORMAT": "text",
        # A task left unacknowledged by a lost worker comes back after 3 s (2 h in production).
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    }
    env.pop("EMAIL_BACKEND", None)
    # The workers also consume Celery's default queue, where the tasks they queue themselves go
    # (the e-mails, queued after their commit).
    queues = f"{queue},{previous_queue or 'celery'}"
    pair = (Worker(env, queues, logs / "a.log"), Worker(env, queues, logs / "b.log"))
    try:
        yield pair
    finally:
        for worker in pair:
            worker.stop()
        app.conf.task_default_queue = previous_queue
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue, f"{queue}\x06\x163", f"{queue}\x06\x166", f"{queue}\x06\x169")
