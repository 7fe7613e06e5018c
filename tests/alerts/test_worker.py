"""Alert sends through the real broker and real Celery worker processes: a duplicated task run by two
workers at once, and a worker killed mid-send whose task is delivered again, each send the period's
e-mail once (the delivery record of (alert, period) under the alert's row lock).

Like tests/feeds/test_worker_faults.py (whose worker harness this uses), the workers run
`celery -A partnership worker` on the session's test database and a queue of their own, with DEBUG=1
and no EMAIL_BACKEND: the console backend prints each e-mail in the worker's log, where they are
counted. These tests commit; they delete what they made.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from offers.models import Offer
from partnership.alerts.models import Alert, Subscriber
from partnership.alerts.tasks import send_alert
from partnership.notifications.enums import DeliveryStatus, Purpose
from partnership.notifications.models import Delivery
from tests.alerts.support import publish
from tests.feeds.test_worker_faults import Worker, database_url
from tests.workers import two_workers

pytestmark = pytest.mark.celery_worker

EMAIL = "alerte-worker@example.org"


@pytest.fixture(scope="module")
def db_access(django_db_setup: None, territories_present: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            Subscriber.objects.filter(email=EMAIL).delete()
            Offer.objects.filter(title__startswith="Alerte worker").delete()
            Delivery.objects.filter(purpose=Purpose.SEARCH_ALERT).delete()
            connections.close_all()


@pytest.fixture(scope="module")
def workers(db_access: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Worker, Worker]]:
    with two_workers("alerts-test", tmp_path_factory.mktemp("workers")) as pair:
        yield pair


@pytest.fixture
def alert(db_access: None) -> Iterator[Alert]:
    subscriber = Subscriber.objects.create(email=EMAIL)
    alert = Alert.objects.create(
        subscriber=subscriber,
        query="type=chef-de-projet",
        description="Chef de projet",
        frequency="daily",
        confirmed_at=timezone.now() - dt.timedelta(days=2),
    )
    offer = publish(
        timezone.now() - dt.timedelta(days=1), chef_de_projet=True, title=f"Alerte worker {uuid.uuid4().hex[:6]}"
    )
    yield alert
    subscriber.delete()
    offer.delete()


def printed(workers: tuple[Worker, Worker]) -> int:
    """E-mails to EMAIL the workers printed (the console backend)."""
    return sum(Path(worker.log).read_text(errors="replace").count(f"To: {EMAIL}") for worker in workers)


def finished(key: str, timeout: float = 60) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = Delivery.objects.filter(purpose=Purpose.SEARCH_ALERT, key=key).first()
        if delivery is not None and delivery.status in (DeliveryStatus.SENT, DeliveryStatus.ABANDONED):
            return delivery
        time.sleep(0.1)
    raise AssertionError(f"no finished delivery {key}")


def tasks_done(workers: tuple[Worker, Worker], count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sum(
            Path(worker.log).read_text(errors="replace").count("partnership.alerts.tasks.send_alert[") // 2
            for worker in workers
        )  # « Task … received » and « Task … succeeded »: two lines a task
        if done >= count:
            return
        time.sleep(0.1)
    raise AssertionError("the tasks did not all run")


@pytest.mark.django_db  # also makes pytest-django create the test database when this module runs alone
def test_the_workers_use_the_test_database() -> None:
    assert connection.settings_dict["NAME"].startswith("test_")
    assert database_url().endswith(f"/{connection.settings_dict['NAME']}")


def test_a_task_duplicated_on_two_workers_sends_one_email(workers: tuple[Worker, Worker], alert: Alert) -> None:
    for worker in workers:
        worker.start()
    before = printed(workers)
    for _ in range(4):
        send_alert.delay(alert.pk, "2026-12-01")

    delivery = finished(f"{alert.pk}:2026-12-01")
    tasks_done(workers, 4)
    time.sleep(1)
    assert delivery.status == DeliveryStatus.SENT
    assert Delivery.objects.filter(purpose=Purpose.SEARCH_ALERT, key__startswith=f"{alert.pk}:").count() == 1
    assert alert.sent_offers.count() == 1
    assert printed(workers) - before == 1
    for worker in workers:
        worker.stop()


def test_a_worker_killed_mid_send_its_task_comes_back_and_sends_once(
    workers: tuple[Worker, Worker], alert: Alert
) -> None:
    first, second = workers
    first.start()
    before = printed(workers)
    with transaction.atomic():
        # The test holds the alert's row: the worker's send waits on it, mid-task, when it is killed.
        Alert.objects.select_for_update().get(pk=alert.pk)
        send_alert.delay(alert.pk, "2026-12-02")  # queued at once (no on_commit for a plain delay)
        deadline = time.monotonic() + 30
        while not waiting_on_a_lock():
            assert time.monotonic() < deadline, "the worker never reached the alert's row"
            time.sleep(0.05)
        first.kill()
    second.start()

    delivery = finished(f"{alert.pk}:2026-12-02")
    time.sleep(2)  # time for any second delivery of the task
    assert delivery.status == DeliveryStatus.SENT
    assert Delivery.objects.filter(purpose=Purpose.SEARCH_ALERT, key=f"{alert.pk}:2026-12-02").count() == 1
    assert alert.sent_offers.count() == 1
    assert printed(workers) - before == 1
    second.stop()


def waiting_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view is read once per transaction
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock')"
        )
        return bool(cursor.fetchone()[0])
