"""Helpers for tests that send e-mails through partnership.notifications.

In tests, Celery tasks are not eager (CELERY_TASK_ALWAYS_EAGER is False, as in production) and
pytest-django's test transaction never commits, so `notifications.services.send` records a delivery
and queues nothing. A test that wants the e-mail sent wraps the code in `sending_on_commit(...)`:
the on-commit callbacks run when the block ends (`django_capture_on_commit_callbacks(execute=True)`)
and the task they queue runs at once in this process, through Celery's own `apply` (the same task
code a worker runs, without the broker). tests/notifications/test_worker.py covers the broker and a
real worker process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from celery.signals import task_failure

from partnership.celery import app


@contextmanager
def eager_tasks() -> Iterator[None]:
    """Celery tasks sent inside the block run at once in this process, as a worker would run them: their
    retries run at once (without their countdown), and a task that fails fails the test at the end of
    the block (Celery's eager mode only retries when it does not propagate errors)."""
    failures: list[tuple[str, BaseException]] = []

    def record(sender: Any = None, exception: BaseException | None = None, **kwargs: Any) -> None:
        failures.append((getattr(sender, "name", "?"), exception or RuntimeError("?")))

    task_failure.connect(record, weak=False)
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved
        task_failure.disconnect(record)
    if failures:
        raise AssertionError(f"tasks failed: {failures}")


@contextmanager
def sending_on_commit(capture: Callable[..., Any]) -> Iterator[list[Callable[[], Any]]]:
    """`capture` is pytest-django's `django_capture_on_commit_callbacks`: the e-mails recorded inside the
    block are sent when it ends, as they would be when the transaction commits."""
    with eager_tasks(), capture(execute=True) as callbacks:
        yield callbacks
