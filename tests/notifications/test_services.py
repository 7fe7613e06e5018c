"""`notifications.services.send`: a delivery recorded once per (purpose, key), its task queued after commit."""

from __future__ import annotations

import email
from contextlib import suppress

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone
from kombu.exceptions import OperationalError

from feeds.alerts import TEMPLATE, alert_context
from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from partnership.notifications import services
from partnership.notifications.enums import DeliveryStatus, Purpose
from partnership.notifications.models import Delivery
from partnership.notifications.rendering import Attachment
from partnership.notifications.tasks import send_delivery
from tests.notifications.factories import DeliveryFactory
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


class Rollback(Exception):
    pass


@pytest.fixture
def context() -> dict:
    feed = Feed.objects.create(
        name="Emplois du Centre", slug="emplois-centre", format="xml-jobs", location="/dev/null", default_kind="vte"
    )
    run = FeedRun.objects.create(feed=feed, trigger=RunTrigger.SCHEDULE, status=RunStatus.FAILED, error="XML invalide")
    return alert_context(run)


def send(context: dict, *, key: object = (1, "user-2"), to: str = "equipe@anct.gouv.fr", **kwargs) -> Delivery | None:
    return services.send(purpose=Purpose.FEED_ALERT, key=key, to=to, template=TEMPLATE, context=context, **kwargs)


def test_send_records_the_rendered_message_and_queues_its_task_on_commit(
    context: dict, django_capture_on_commit_callbacks
) -> None:
    with sending_on_commit(django_capture_on_commit_callbacks) as callbacks:
        delivery = send(context)
        assert delivery is not None
        row = Delivery.objects.get()
        assert (row.purpose, row.key, row.status, row.attempts) == ("feed-alert", "1:user-2", "pending", 0)
        assert row.recipient_email == "equipe@anct.gouv.fr"
        assert row.subject == "[Talents des territoires] Flux « Emplois du Centre » : synchronisation en échec"
        assert row.body_text.startswith("La synchronisation du flux « Emplois du Centre » est en échec.")
        assert row.body_html.startswith("<!DOCTYPE html>")
        assert mail.outbox == []  # nothing sent before the commit
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["equipe@anct.gouv.fr"] and message.subject == row.subject
    assert message.body == row.body_text and message.alternatives[0][0] == row.body_html
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT and row.sent_at and row.attempts == 1


def test_nothing_is_recorded_or_queued_when_the_transaction_rolls_back(
    context: dict, django_capture_on_commit_callbacks
) -> None:
    with sending_on_commit(django_capture_on_commit_callbacks) as callbacks, suppress(Rollback), transaction.atomic():
        send(context)
        raise Rollback
    assert callbacks == []
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_the_same_purpose_and_key_is_recorded_and_queued_once(
    context: dict, django_capture_on_commit_callbacks
) -> None:
    with sending_on_commit(django_capture_on_commit_callbacks) as callbacks:
        first = send(context)
        assert send(context) is None
        assert send(context, to="autre@anct.gouv.fr") is None  # the key, not the address, says « once »
        other = send(context, key=(1, "user-3"))
    assert first and other and first.pk != other.pk
    assert len(callbacks) == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["equipe@anct.gouv.fr", "equipe@anct.gouv.fr"]
    assert services.is_recorded(purpose=Purpose.FEED_ALERT, key=(1, "user-2"))
    assert not services.is_recorded(purpose=Purpose.FEED_ALERT, key=(1, "user-4"))
    with sending_on_commit(django_capture_on_commit_callbacks) as callbacks:
        assert send(context) is None  # in a later transaction too
    assert callbacks == [] and len(mail.outbox) == 2


def test_a_key_recorded_before_is_skipped_without_rendering(context: dict, django_assert_num_queries) -> None:
    """A digest run again after a crash skips the delegates it did, at the cost of one query each."""
    send(context)
    with django_assert_num_queries(1):
        assert (
            services.send(
                purpose=Purpose.FEED_ALERT, key=(1, "user-2"), to="a@exemple.fr", template="nulle/part", context={}
            )
            is None
        )


def test_the_database_refuses_a_second_row_with_the_same_purpose_and_key() -> None:
    DeliveryFactory(key="7:user-1")
    with pytest.raises(IntegrityError, match="delivery_once_per_purpose_and_key"), transaction.atomic():
        DeliveryFactory(key="7:user-1")


@pytest.mark.parametrize(
    ("key", "expected"),
    [(12, "12"), ("clct-digest", "clct-digest"), ((12, "user-3"), "12:user-3"), ([4, "2026-W07"], "4:2026-W07")],
)
def test_keys_are_ids_joined_by_colons(key: object, expected: str) -> None:
    assert services.make_key(key) == expected


@pytest.mark.parametrize("key", ["", (), (1, ""), "marie@exemple.fr", (1, "marie@exemple.fr"), "a b", "x" * 201])
def test_a_key_with_an_address_a_space_or_nothing_is_refused(context: dict, key: object) -> None:
    with pytest.raises(ValueError, match="invalid delivery key"):
        send(context, key=key)
    assert not Delivery.objects.exists()


def test_the_database_refuses_an_address_in_a_key() -> None:
    with pytest.raises(IntegrityError, match="delivery_key_valid"), transaction.atomic():
        DeliveryFactory(key="1:marie@exemple.fr")


@pytest.mark.parametrize("to", ["", "pas-une-adresse", "Marie <marie@exemple.fr>", "a@b.fr, c@d.fr"])
def test_one_bare_address_per_delivery(context: dict, to: str) -> None:
    with pytest.raises(ValidationError):
        send(context, to=to)
    assert not Delivery.objects.exists()


def test_a_missing_template_records_nothing(context: dict) -> None:
    with pytest.raises(TemplateDoesNotExist):
        services.send(purpose=Purpose.FEED_ALERT, key=1, to="a@exemple.fr", template="nulle/part", context=context)
    assert not Delivery.objects.exists()


def test_headers_and_attachments_are_kept_and_sent(context: dict, django_capture_on_commit_callbacks) -> None:
    headers = {
        "List-Unsubscribe": "<https://talents.example.fr/alertes/desinscription/jeton/>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with sending_on_commit(django_capture_on_commit_callbacks):
        delivery = send(context, headers=headers, attachments=[Attachment("reunion.ics", ICS, "text/calendar")])
    assert delivery is not None
    delivery.refresh_from_db()
    assert delivery.headers == headers
    assert [item["filename"] for item in delivery.attachments] == ["reunion.ics"]
    [message] = mail.outbox
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [attachment] = [part for part in parsed.walk() if part.get_filename()]
    assert attachment.get_filename() == "reunion.ics" and attachment.get_content_type() == "text/calendar"
    # Text parts travel with the message's line endings: CRLF on the wire (the SMTP backend), LF here.
    assert attachment.get_payload(decode=True).decode() == ICS.replace("\r\n", "\n")


def test_every_attempt_of_a_delivery_carries_the_same_message_id() -> None:
    delivery = DeliveryFactory()
    first, second = services.message_of(delivery), services.message_of(delivery)
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].startswith(f"<delivery-{delivery.pk}.")
    assert first.extra_headers["Message-ID"].endswith("@talents-territoires.fr>")
    assert services.message_of(DeliveryFactory()).extra_headers["Message-ID"] != first.extra_headers["Message-ID"]


def test_a_broker_down_at_commit_fails_nothing_and_the_sweeper_queues_the_delivery_later(
    context: dict, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    def broker_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_delivery, "delay", broker_down)
    with sending_on_commit(django_capture_on_commit_callbacks):
        delivery = send(context)  # the caller's work commits all the same
    assert delivery is not None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and mail.outbox == []

    monkeypatch.undo()  # the broker is back
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - services.LOST_AFTER * 2)
    with sending_on_commit(django_capture_on_commit_callbacks):
        assert services.sweep()["requeued"] == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(mail.outbox) == 1
