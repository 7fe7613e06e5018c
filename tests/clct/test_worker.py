"""The weekly digest through the real broker and real Celery worker processes: two workers running the
week's dispatch at once, and a worker killed mid-send whose task is delivered again, each send every
delegate's digest once (the delivery record of (delegate, week), under the delegate's row lock).

Like tests/alerts/test_worker.py (whose harness, tests/feeds/test_worker_faults.py's Worker, this uses), the
workers run `celery -A partnership worker` on the session's test database with DEBUG=1 and no
EMAIL_BACKEND: the console backend prints each e-mail in the worker's log, where they are counted. These
tests commit; they delete what they made.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections, transaction

from partnership.accounts.models import Delegate, User
from partnership.clct.models import DelegateSettings
from partnership.clct.tasks import dispatch_digests, send_digest
from partnership.notifications.enums import DeliveryStatus, Purpose
from partnership.notifications.models import Delivery
from tests.alerts.test_worker import waiting_on_a_lock
from tests.factories import DelegateFactory
from tests.feeds.test_worker_faults import Worker
from tests.workers import two_workers

pytestmark = pytest.mark.celery_worker

EMAILS = [f"digest-worker-{n}@apec.fr" for n in range(3)]


@pytest.fixture(scope="module")
def delegates(django_db_setup: None, territories_present: None, django_db_blocker: Any) -> Iterator[list[Delegate]]:
    with django_db_blocker.unblock():
        made = [DelegateFactory(user__email=email) for email in EMAILS]
        # An empty week still sends a (short) digest: nothing else to seed.
        DelegateSettings.objects.filter(delegate__in=made).update(digest_when_empty=True)
        try:
            yield made
        finally:
            Delivery.objects.filter(purpose=Purpose.CLCT_DIGEST).delete()
            User.objects.filter(email__in=EMAILS).delete()
            connections.close_all()


@pytest.fixture(scope="module")
def workers(delegates: list[Delegate], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Worker, Worker]]:
    with two_workers("clct-test", tmp_path_factory.mktemp("workers")) as pair:
        yield pair


def printed(workers: tuple[Worker, Worker], email: str) -> int:
    return sum(Path(worker.log).read_text(errors="replace").count(f"To: {email}") for worker in workers)


def sent(week: str, count: int, timeout: float = 90) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = list(Delivery.objects.filter(purpose=Purpose.CLCT_DIGEST, key__endswith=f":{week}"))
        if len(rows) >= count and all(row.status == DeliveryStatus.SENT for row in rows):
            return rows
        time.sleep(0.2)
    raise AssertionError(f"the digests of {week} were not all sent")


@pytest.mark.django_db  # also makes pytest-django create the test database when this module runs alone
def test_the_workers_use_the_test_database() -> None:
    assert connection.settings_dict["NAME"].startswith("test_")


def test_two_workers_running_the_week_at_once_send_each_digest_once(
    workers: tuple[Worker, Worker], delegates: list[Delegate]
) -> None:
    for worker in workers:
        worker.start()
    before = {email: printed(workers, email) for email in EMAILS}
    for _ in range(2):  # the week dispatched twice (beat and the command, two beats…), on two workers
        dispatch_digests.delay("2026-W45")
    for delegate in delegates:  # and a duplicated task of each delegate
        send_digest.delay(delegate.pk, "2026-W45")

    rows = sent("2026-W45", len(delegates))
    time.sleep(3)  # time for any late duplicate to do its damage
    assert sorted(row.key for row in rows) == sorted(f"{delegate.pk}:2026-W45" for delegate in delegates)
    assert Delivery.objects.filter(purpose=Purpose.CLCT_DIGEST, key__endswith=":2026-W45").count() == len(delegates)
    assert {email: printed(workers, email) - before[email] for email in EMAILS} == dict.fromkeys(EMAILS, 1)
    for worker in workers:
        worker.stop()


def test_a_worker_killed_mid_run_leaves_the_rest_to_the_next_one_and_sends_once(
    workers: tuple[Worker, Worker], delegates: list[Delegate]
) -> None:
    first, second = workers
    first.start()
    before = {email: printed(workers, email) for email in EMAILS}
    blocked = delegates[1]
    with transaction.atomic():
        # The test holds one delegate's row: the worker's run waits on it, mid-run, when it is killed.
        DelegateSettings.objects.select_for_update().get(delegate=blocked)
        dispatch_digests.delay("2026-W46")
        deadline = time.monotonic() + 60
        while not waiting_on_a_lock():
            assert time.monotonic() < deadline, "the worker never reached the delegate's row"
            time.sleep(0.05)
        first.kill()
    assert not Delivery.objects.filter(purpose=Purpose.CLCT_DIGEST, key=f"{blocked.pk}:2026-W46").exists()
    second.start()
    dispatch_digests.delay("2026-W46")  # and the week run again, as the next run would

    sent("2026-W46", len(delegates))
    time.sleep(4)  # past the visibility timeout: the killed worker's task comes back, and sends nothing
    assert Delivery.objects.filter(purpose=Purpose.CLCT_DIGEST, key__endswith=":2026-W46").count() == len(delegates)
    assert {email: printed(workers, email) - before[email] for email in EMAILS} == dict.fromkeys(EMAILS, 1)
    second.stop()
