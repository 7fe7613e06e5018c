"""Sending a recorded delivery (`services.deliver`, the task `send_delivery`, the sweeper): once only,
retried with back-off on SMTP and network errors, never an address in the logs.

SMTP errors come from a real SMTP server on 127.0.0.1 (smtpserver.py) through Django's SMTP backend, or
from a port where nothing listens; the locmem backend stands for a server that takes everything.
"""

from __future__ import annotations

import datetime as dt
import email
import smtplib
import socket
from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import timezone

from partnership.notifications import services
from partnership.notifications.enums import DeliveryStatus
from partnership.notifications.models import Delivery
from partnership.notifications.tasks import send_delivery, sweep_deliveries
from tests.notifications.factories import DeliveryFactory
from tests.notifications.smtpserver import SMTPServer
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db

ADDRESS = "marie.curie@exemple.fr"


def state(delivery: Delivery) -> tuple[str, int]:
    delivery.refresh_from_db()
    return delivery.status, delivery.attempts


@pytest.fixture
def closed_port(settings) -> Iterator[int]:
    """Django's SMTP backend pointed at a local port where nothing listens: a real ConnectionRefusedError."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield port


# --- Once only --------------------------------------------------------------------------------------


def test_a_task_run_twice_sends_once(eager) -> None:
    delivery = DeliveryFactory()
    assert send_delivery.apply(args=[delivery.pk]).get() == "sent"
    assert send_delivery.apply(args=[delivery.pk]).get() == "skipped"
    assert len(mail.outbox) == 1
    assert state(delivery) == (DeliveryStatus.SENT, 1)


@pytest.mark.parametrize("trait", ["sending", "sent"])
def test_a_duplicated_task_for_a_delivery_being_sent_or_sent_sends_nothing(trait: str) -> None:
    delivery = DeliveryFactory(**{trait: True})
    assert services.deliver(delivery.pk).status == "skipped"
    assert mail.outbox == []
    assert state(delivery) == (trait, 1)


def test_a_task_for_a_delivery_that_is_gone_sends_nothing() -> None:
    assert services.deliver(123456789).status == "skipped"
    assert mail.outbox == []


def test_the_message_sent_is_the_recorded_one(smtp_server: SMTPServer) -> None:
    delivery = DeliveryFactory(recipient_email=ADDRESS, subject="Réunion du CLCT", body_text="Ordre du jour\n")
    assert services.deliver(delivery.pk).status == "sent"
    [received] = smtp_server.messages
    assert received.rcpt_to == [ADDRESS]
    parsed = email.message_from_bytes(received.data)
    assert str(email.header.make_header(email.header.decode_header(parsed["Subject"]))) == "Réunion du CLCT"
    assert parsed["Message-ID"].startswith(f"<delivery-{delivery.pk}.")
    assert [part.get_content_type() for part in parsed.walk()] == ["multipart/alternative", "text/plain", "text/html"]


# --- Retries ------------------------------------------------------------------------------------------


def test_an_smtp_failure_is_retried_with_back_off_then_succeeds(smtp_server: SMTPServer) -> None:
    delivery = DeliveryFactory(recipient_email=ADDRESS)
    smtp_server.fail("DATA", "451 4.3.0 Réessayez plus tard")

    before = timezone.now()
    outcome = services.deliver(delivery.pk)
    assert outcome == services.Outcome("failed", retry_in=60.0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 1, "SMTPDataError (451)")
    assert before + dt.timedelta(seconds=59) < delivery.next_attempt_at < timezone.now() + dt.timedelta(seconds=61)
    assert smtp_server.messages == []

    assert services.deliver(delivery.pk).status == "sent"
    assert state(delivery) == ("sent", 2)
    assert len(smtp_server.messages) == 1


def test_the_task_retries_a_failed_attempt(smtp_server: SMTPServer, eager) -> None:
    delivery = DeliveryFactory(recipient_email=ADDRESS)
    smtp_server.fail("MAIL", "421 4.7.0 Trop de connexions", times=2)
    # Eager mode runs Celery's retries at once instead of after their countdown.
    assert send_delivery.apply(args=[delivery.pk]).get() == "sent"
    assert state(delivery) == ("sent", 3)
    assert len(smtp_server.messages) == 1


def test_a_server_hanging_up_is_retried(smtp_server: SMTPServer) -> None:
    delivery = DeliveryFactory()
    smtp_server.fail("MAIL", "")
    assert services.deliver(delivery.pk).status == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error == "SMTPServerDisconnected"
    assert services.deliver(delivery.pk).status == "sent" and len(smtp_server.messages) == 1


def test_a_refused_connection_is_retried(closed_port: int) -> None:
    delivery = DeliveryFactory()
    outcome = services.deliver(delivery.pk)
    assert outcome.status == "failed" and outcome.retry_in == 60.0
    delivery.refresh_from_db()
    assert delivery.last_error == "ConnectionRefusedError (errno 111)"


def test_the_back_off_doubles_up_to_an_hour() -> None:
    assert [services.backoff(n) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_delivery_is_abandoned_after_its_last_attempt(closed_port: int) -> None:
    delivery = DeliveryFactory(failed=True, attempts=services.MAX_ATTEMPTS - 1)
    assert services.deliver(delivery.pk) == services.Outcome("abandoned")
    assert state(delivery) == ("abandoned", services.MAX_ATTEMPTS)
    assert services.deliver(delivery.pk).status == "skipped"


def test_a_permanent_refusal_is_abandoned_at_once(smtp_server: SMTPServer, eager) -> None:
    delivery = DeliveryFactory(recipient_email=ADDRESS)
    smtp_server.fail("RCPT", f"550 5.1.1 <{ADDRESS}>: utilisateur inconnu")
    assert send_delivery.apply(args=[delivery.pk]).get() == "abandoned"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("abandoned", 1, "SMTPRecipientsRefused (550)")


def test_which_smtp_errors_are_permanent() -> None:
    """5xx replies are, but a failed login (535) means our configuration is wrong: retried while it gets fixed."""
    assert not services.is_permanent(smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication failed"))
    assert services.is_permanent(smtplib.SMTPSenderRefused(553, b"5.1.8 refused", "x"))
    assert not services.is_permanent(smtplib.SMTPDataError(452, b"4.3.1 full"))


def test_a_message_that_cannot_be_built_is_abandoned() -> None:
    delivery = DeliveryFactory(headers={"X-Bad": "deux\nlignes"})
    assert services.deliver(delivery.pk).status == "abandoned"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("abandoned", "Erreur interne : BadHeaderError")
    assert mail.outbox == []


def test_a_delivery_whose_recipient_was_erased_is_abandoned() -> None:
    delivery = DeliveryFactory(recipient_email="")
    assert services.deliver(delivery.pk).status == "abandoned"
    assert mail.outbox == []


# --- Logs -------------------------------------------------------------------------------------------


def test_logs_name_the_delivery_and_its_purpose_never_the_address(smtp_server: SMTPServer, eager, caplog) -> None:
    caplog.set_level("DEBUG")
    delivery = DeliveryFactory(recipient_email=ADDRESS)
    smtp_server.fail("RCPT", f"450 4.2.0 <{ADDRESS}>: boîte pleine")
    assert send_delivery.apply(args=[delivery.pk]).get() == "sent"
    assert send_delivery.apply(args=[delivery.pk]).get() == "skipped"
    assert state(delivery) == ("sent", 2)

    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert "curie" not in text, f"address in the log: {text}"
    ours = [record for record in caplog.records if record.name == "partnership.notifications.services"]
    assert {
        (record.levelname, record.delivery_id, record.purpose) for record in ours if record.levelname != "INFO"
    } == {("WARNING", delivery.pk, "feed-alert")}
    messages = [record.getMessage() for record in ours]
    assert f"delivery {delivery.pk} (feed-alert) failed: SMTPRecipientsRefused (450); retry in 60 s" in messages
    assert f"delivery {delivery.pk} (feed-alert) sent" in messages


# --- A worker lost mid-send, a task lost on the way: the sweeper -------------------------------------------


def test_a_delivery_left_sending_is_abandoned_by_the_sweeper_and_never_sent_again(django_capture_on_commit_callbacks):
    lost = DeliveryFactory(sending=True, claimed_at=timezone.now() - services.STALE_SENDING - dt.timedelta(minutes=1))
    busy = DeliveryFactory(sending=True)  # being sent right now by a live worker
    with sending_on_commit(django_capture_on_commit_callbacks):
        assert sweep_deliveries.apply().get() == {"abandoned": 1, "requeued": 0}
    lost.refresh_from_db()
    assert (lost.status, lost.last_error) == ("abandoned", services.INTERRUPTED)
    assert state(busy) == ("sending", 1)
    assert services.deliver(lost.pk).status == "skipped"
    assert mail.outbox == []


def test_the_sweeper_queues_again_the_deliveries_whose_task_was_lost(django_capture_on_commit_callbacks) -> None:
    now = timezone.now()
    lost_pending = DeliveryFactory(next_attempt_at=now - services.LOST_AFTER - dt.timedelta(minutes=1))
    lost_retry = DeliveryFactory(failed=True, next_attempt_at=now - services.LOST_AFTER - dt.timedelta(minutes=1))
    waiting = DeliveryFactory(next_attempt_at=now - dt.timedelta(minutes=2))  # its task is in the queue
    retry_later = DeliveryFactory(failed=True, next_attempt_at=now + dt.timedelta(minutes=30))
    with sending_on_commit(django_capture_on_commit_callbacks) as callbacks:
        assert services.sweep() == {"abandoned": 0, "requeued": 2}
    assert len(callbacks) == 2
    assert state(lost_pending) == ("sent", 1) and state(lost_retry) == ("sent", 2)
    assert state(waiting) == ("pending", 0) and state(retry_later) == ("failed", 1)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [lost_pending.recipient_email, lost_retry.recipient_email]
    )


def test_a_requeued_delivery_is_not_queued_again_at_the_next_sweep(django_capture_on_commit_callbacks) -> None:
    DeliveryFactory(next_attempt_at=timezone.now() - services.LOST_AFTER - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks() as callbacks:  # queued, not run: the queue is slow today
        assert services.sweep()["requeued"] == 1
        assert services.sweep()["requeued"] == 0
    assert len(callbacks) == 1


def test_the_sweeper_is_scheduled(settings) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "partnership.notifications.tasks.sweep_deliveries" in tasks
