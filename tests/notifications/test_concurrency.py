"""Two senders at once on the real PostgreSQL: committed rows, one connection per thread, and the moment
of the race forced with a row lock (both contenders are waiting on it when it is released).

No pytest-django transaction here (`committed_db`): each thread must see the others' commits.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections, transaction

from feeds.alerts import TEMPLATE
from partnership.notifications import services
from partnership.notifications.enums import DeliveryStatus, Purpose
from partnership.notifications.models import Delivery
from tests.notifications.factories import DeliveryFactory
from tests.notifications.support import eager_tasks

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


def in_thread(target: Callable[[], Any], results: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        except BaseException as error:  # noqa: BLE001 - reported by the test
            results.append(error)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_for_lock_waiters(count: int, results: list[Any], timeout: float = 10) -> None:
    """Until `count` other backends of this database wait on a lock (a row lock or a unique index entry)."""
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view would not change
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"{count} lock waiter(s) expected; results so far: {results}")


@pytest.mark.django_db  # also makes pytest-django create the test database when this module runs alone
def test_the_claim_is_one_conditional_update_committed_before_sending(django_assert_num_queries) -> None:
    delivery = DeliveryFactory()
    with django_assert_num_queries(3) as queries:  # claim, load, mark sent
        services.deliver(delivery.pk)
    claim = queries.captured_queries[0]["sql"]
    assert claim.startswith('UPDATE "notifications_delivery" SET "status" = \'sending\'')
    assert f'WHERE ("notifications_delivery"."id" = {delivery.pk} AND "notifications_delivery"."status" IN (' in claim


def test_two_workers_claiming_the_same_delivery_at_once_send_it_once(committed_db: None) -> None:
    delivery = DeliveryFactory()
    results: list[Any] = []
    with transaction.atomic():
        Delivery.objects.select_for_update().get(pk=delivery.pk)  # both claims will wait on this row
        threads = [in_thread(lambda: services.deliver(delivery.pk), results) for _ in range(2)]
        wait_for_lock_waiters(2, results)
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(outcome.status for outcome in results) == ["sent", "skipped"], results
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_two_transactions_recording_the_same_key_at_once_record_and_send_it_once(committed_db: None) -> None:
    first_recorded, release = threading.Event(), threading.Event()
    results: list[Any] = []

    def first() -> Delivery | None:
        with transaction.atomic():
            delivery = services.send(
                purpose=Purpose.FEED_ALERT,
                key=(9, "user-1"),
                to="equipe@anct.gouv.fr",
                template=TEMPLATE,
                context=CONTEXT,
            )
            first_recorded.set()
            release.wait(10)  # still uncommitted while the second one tries
        return delivery

    def second() -> Delivery | None:
        first_recorded.wait(10)
        with transaction.atomic():
            return services.send(
                purpose=Purpose.FEED_ALERT,
                key=(9, "user-1"),
                to="equipe@anct.gouv.fr",
                template=TEMPLATE,
                context=CONTEXT,
            )

    with eager_tasks():  # each commit runs the task it queued, in its thread
        threads = [in_thread(first, results), in_thread(second, results)]
        wait_for_lock_waiters(1, results)  # the second insert waits on the first one's uncommitted key
        release.set()
        for thread in threads:
            thread.join(timeout=20)

    assert sorted(type(result).__name__ for result in results) == ["Delivery", "NoneType"], results
    assert Delivery.objects.filter(purpose=Purpose.FEED_ALERT, key="9:user-1", status=DeliveryStatus.SENT).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("workers", [4])
def test_a_burst_of_duplicated_tasks_sends_each_delivery_once(committed_db: None, workers: int) -> None:
    deliveries = DeliveryFactory.create_batch(5)
    results: list[Any] = []

    def worker() -> list[str]:
        return [services.deliver(delivery.pk).status for delivery in deliveries]

    threads = [in_thread(worker, results) for _ in range(workers)]
    for thread in threads:
        thread.join(timeout=30)

    statuses = [status for result in results for status in result]
    assert statuses.count("sent") == 5 and statuses.count("skipped") == 5 * (workers - 1), results
    assert sorted(message.to[0] for message in mail.outbox) == sorted(d.recipient_email for d in deliveries)
