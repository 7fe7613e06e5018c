"""E-mails through the real broker and a real Celery worker process, configured as `make run` configures
it (DEBUG=1, no EMAIL_BACKEND: the console backend): the worker sends, and prints what it sends.

Like tests/feeds/test_worker_faults.py, the worker is `celery -A partnership worker` on the session's
test database and a queue of its own, and these tests run outside pytest-django's transactions (the
worker must see committed rows); they delete the deliveries they made.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from feeds.alerts import TEMPLATE
from partnership.celery import app
from partnership.notifications import services
from partnership.notifications.enums import DeliveryStatus, Purpose
from partnership.notifications.models import Delivery
from partnership.notifications.tasks import send_delivery

pytestmark = pytest.mark.celery_worker

ROOT = Path(__file__).resolve().parents[2]

CONTEXT = {
    "feed_name": "Emplois du Centre",
    "state": "en échec",
    "dry_run": False,
    "reason": "XML invalide",
    "url": "http://127.0.0.1:8000/pilotage/flux/emplois-centre/synchronisations/1/",
    **dict.fromkeys(
        ("records", "created", "updated", "unchanged", "withdrawn", "withheld_withdrawals", "rejected"), "0"
    ),
}


class Worker:
    def __init__(self, env: dict[str, str], queue: str, log: Path) -> None:
        self.env, self.queue, self.log = env, queue, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [sys.executable, "-m", "celery", "-A", "partnership", "worker", "-Q", self.queue]
                + ["-n", f"{self.queue}@%h", "--pool=solo", "--without-gossip", "--without-mingle"]
                + ["--without-heartbeat", "--loglevel=INFO"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if " ready." in self.text():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited at start:\n{self.text()}")
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready after 60 s:\n{self.text()[-4000:]}")

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="module")
def db_access(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            Delivery.objects.all().delete()
            connection.close()


@pytest.fixture(scope="module")
def worker(db_access: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    queue = f"notifications-test-{uuid.uuid4().hex[:8]}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # what this process sends goes to the test worker only
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "1", "DB_CONN_MAX_AGE": "0", "LOG_FORMAT": "text"}
    env.pop("EMAIL_BACKEND", None)  # as with `make run`: the debug default, the console backend
    worker = Worker(env, queue, tmp_path_factory.mktemp("worker") / "worker.log")
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_default_queue = previous_queue
        with app.connection_for_write() as conn:  # drop what is left of the test queue
            conn.default_channel.client.delete(queue)


def wait_until_finished(delivery: Delivery, timeout: float = 30) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status in (DeliveryStatus.SENT, DeliveryStatus.ABANDONED):
            return delivery
        time.sleep(0.1)
    raise AssertionError(f"delivery {delivery.pk} still {delivery.status}")


@pytest.mark.django_db  # also makes pytest-django create the test database when this module runs alone
def test_the_worker_uses_the_test_database() -> None:
    assert connection.settings_dict["NAME"].startswith("test_")
    assert database_url().endswith(f"/{connection.settings_dict['NAME']}")


def test_the_worker_sends_after_commit_and_prints_the_message_in_debug(worker: Worker) -> None:
    key = (uuid.uuid4().int % 10**9, "user-1")
    delivery = services.send(
        purpose=Purpose.FEED_ALERT, key=key, to="equipe@anct.gouv.fr", template=TEMPLATE, context=CONTEXT
    )  # autocommit: the task is queued at once, through Redis
    assert delivery is not None
    delivery = wait_until_finished(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)

    log = worker.text()
    assert "To: equipe@anct.gouv.fr" in log  # the console backend's print
    assert "Content-Type: multipart/alternative;" in log
    assert "La synchronisation du flux « Emplois du Centre » est en échec." in log
    assert f"delivery {delivery.pk} (feed-alert) sent" in log

    # The same task delivered again (a lost acknowledgement, a requeue): nothing more is sent.
    send_delivery.delay(delivery.pk)
    deadline = time.monotonic() + 30
    while f"delivery {delivery.pk} not claimed" not in worker.text():
        assert time.monotonic() < deadline, "the second task did not run"
        time.sleep(0.1)
    assert worker.text().count(f"Message-ID: <delivery-{delivery.pk}.") == 1
