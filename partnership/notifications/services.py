"""E-mails of the portal: recorded once, sent by a task after commit, never twice.

The one way to send an e-mail is `send(purpose=…, key=…, to=…, template=…, context=…)`:

1. it renders the message (partnership/notifications/rendering.py) and records a `Delivery` row, unique
   by (purpose, key), in the caller's transaction. A second `send` with the same purpose and key
   records nothing, queues nothing and returns None: a feature states what « once » means through its
   key (`("feed-alert", run_id, "user-<id>")`, `("clct-digest", delegate_id, "2026-W07")`…). A message
   to several people is several deliveries, one key each. Keys hold ids, never addresses.
2. once the transaction commits, the task `send_delivery(delivery_id)` is queued (nothing is queued
   when it rolls back: the row is gone too).
3. the task calls `deliver`, which *claims* the row: one UPDATE … WHERE status IN ('pending', 'failed')
   that sets it « sending », committed before the SMTP conversation. Two workers claiming the same row
   at once (a duplicated task, the sweeper's requeue, two digest runs) are serialised by PostgreSQL's
   row lock: one UPDATE changes the row, the other changes nothing and that worker sends nothing. Then
   it sends and marks the row « sent ».
4. an SMTP or network error (smtplib.SMTPException, OSError — ConnectionError and timeouts included)
   marks the row « failed », with the attempt count and the error's type (never its text: it can hold
   the address); the task retries with exponential back-off, MAX_ATTEMPTS attempts in all, then the
   row is « abandoned ». A permanent refusal (an SMTP 5xx reply) is abandoned at once.

At most once. A worker lost between the claim and the « sent » mark (killed, out of memory, time
limit) leaves the row « sending »: the SMTP server may or may not have taken the message, and we
cannot tell. We choose never to send it again (a task delivered again finds the row « sending » and
does nothing): a digest or an alert missed once is better than e-mails sent twice to the same people,
and the window is a single SMTP conversation (EMAIL_TIMEOUT). The sweeper (`sweep`, Celery beat every
10 minutes) marks such rows « abandoned » after STALE_SENDING, with the reason, for staff to see in the
admin. It also queues again the rows whose task was lost (pending or failed, LOST_AFTER past their
due time: the broker was down when the transaction committed, or a retry message was lost); the
claim makes that harmless. The one case sent twice is an SMTP error raised after the server took
the message (a timeout waiting for its reply): the retry carries the same Message-ID.

`render(to=…, template=…, context=…)` builds the same message without recording or sending anything
(a command's --dry-run prints it with Django's console backend).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from partnership.notifications.enums import CLAIMABLE_STATUSES, DeliveryStatus, Purpose
from partnership.notifications.models import KEY_PATTERN, Delivery
from partnership.notifications.rendering import (
    Attachment,
    Parts,
    build_message,
    check_attachments,
    clean_headers,
    clean_recipient,
    message_id,
    render_parts,
)

logger = logging.getLogger(__name__)

Key = str | int | Sequence[str | int]

# Attempts of one delivery (the first one included) before it is abandoned.
MAX_ATTEMPTS = 8
# Seconds before attempt n + 1 after n failed attempts: RETRY_BACKOFF * 2**(n - 1), at most RETRY_BACKOFF_MAX
# (60 s, 2 min, 4 min … 1 h: about 2 h in all before a delivery is abandoned).
RETRY_BACKOFF = 60.0
RETRY_BACKOFF_MAX = 3600.0
# A delivery « sending » for this long lost its worker mid-send (an attempt takes at most the task's time
# limit, partnership.notifications.tasks.TIME_LIMIT).
STALE_SENDING = dt.timedelta(minutes=15)
# A pending or failed delivery this long past its due time lost its task: the sweeper queues it again.
LOST_AFTER = dt.timedelta(minutes=10)
# Deliveries queued again by one sweep, at most.
SWEEP_BATCH = 1000

SMTP_ERRORS = (smtplib.SMTPException, OSError)

INTERRUPTED = "Interrompu pendant l’envoi : le message n’est pas renvoyé, il a pu partir (au plus une fois)."


@dataclass(frozen=True)
class Outcome:
    """What `deliver` did: `sent`, `skipped` (not claimable), `failed` (retry in `retry_in` seconds) or
    `abandoned`."""

    status: str
    retry_in: float | None = None


def make_key(key: Key) -> str:
    """`(12, "user-3")` → `"12:user-3"`; ids, slugs and ISO weeks only (see models.KEY_PATTERN)."""
    parts = [key] if isinstance(key, str | int) else list(key)
    text = ":".join(str(part) for part in parts)
    if not parts or any(str(part) == "" for part in parts) or len(text) > 200 or not re.match(KEY_PATTERN, text):
        raise ValueError(f"invalid delivery key {text!r}: ids, slugs and ISO weeks joined by ':', no address")
    return text


def is_recorded(*, purpose: Purpose, key: Key) -> bool:
    """Whether (purpose, key) was already recorded: a caller can skip building an expensive context."""
    return Delivery.objects.filter(purpose=purpose, key=make_key(key)).exists()


def render(
    *,
    to: str,
    template: str,
    context: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMultiAlternatives:
    """The message `send` would record, built and returned without touching the database or sending."""
    return build_message(
        to=clean_recipient(to),
        parts=render_parts(template, context),
        headers=clean_headers(headers),
        attachments=check_attachments(attachments),
    )


def send(
    *,
    purpose: Purpose,
    key: Key,
    to: str,
    template: str,
    context: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> Delivery | None:
    """Record the message (purpose, key) for `to` and queue its sending after commit; None when that
    purpose and key were recorded before (then nothing is queued). See the module docstring."""
    purpose = Purpose(purpose)
    key_text = make_key(key)
    if Delivery.objects.filter(purpose=purpose, key=key_text).exists():
        logger.info("delivery already recorded", extra={"purpose": str(purpose), "key": key_text})
        return None
    parts = render_parts(template, context)
    delivery = Delivery(
        purpose=purpose,
        key=key_text,
        recipient_email=clean_recipient(to),
        subject=parts.subject,
        body_text=parts.text,
        body_html=parts.html,
        headers=clean_headers(headers),
        attachments=[attachment.as_json() for attachment in check_attachments(attachments)],
        next_attempt_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            delivery.save(force_insert=True)
    except IntegrityError as error:
        # Recorded meanwhile by another transaction (it waited for that one to commit).
        if _constraint_name(error) != "delivery_once_per_purpose_and_key":
            raise
        logger.info("delivery already recorded", extra={"purpose": str(purpose), "key": key_text})
        return None
    queue_after_commit(delivery.pk)
    logger.info(
        "delivery %s recorded (%s)", delivery.pk, purpose, extra={"delivery_id": delivery.pk, "purpose": str(purpose)}
    )
    return delivery


def queue_after_commit(delivery_id: int) -> None:
    """Queue the delivery's task once the current transaction commits (at once outside one). Robust: once
    the caller's work has committed, a broker that is down must not make it look failed; the error is
    logged, the row stays pending, and the sweeper queues it again."""
    from partnership.notifications.tasks import send_delivery

    def queue() -> None:  # a named function: Django logs a robust callback's error by its __qualname__
        send_delivery.delay(delivery_id)

    transaction.on_commit(queue, robust=True)


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after `attempts` failed ones."""
    return min(RETRY_BACKOFF * 2 ** max(attempts - 1, 0), RETRY_BACKOFF_MAX)


def describe(error: BaseException) -> str:
    """The error's type and code, never its text (an SMTP refusal quotes the address)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"{type(error).__name__} ({', '.join(map(str, codes))})"
    if isinstance(error, OSError) and error.errno is not None:
        return f"{type(error).__name__} (errno {error.errno})"
    return type(error).__name__


def is_permanent(error: BaseException) -> bool:
    """An SMTP 5xx reply means « do not send this again » (RFC 5321), except a failed login (the
    configuration is wrong: back-off gives the team time to fix it)."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(500 <= code < 600 for code, _ in error.recipients.values())
    return False


def message_of(delivery: Delivery) -> EmailMultiAlternatives:
    """The message of a recorded delivery, as it will be sent (same Message-ID at every attempt)."""
    headers = {
        **delivery.headers,
        "Message-ID": message_id(delivery.pk, delivery.created_at.strftime("%Y%m%d%H%M%S%f")),
    }
    return build_message(
        to=delivery.recipient_email,
        parts=Parts(subject=delivery.subject, text=delivery.body_text, html=delivery.body_html),
        headers=headers,
        attachments=[Attachment.from_json(item) for item in delivery.attachments],
    )


def deliver(delivery_id: int) -> Outcome:
    """Claim the delivery, send it, record the outcome (see the module docstring). Runs outside any
    transaction (in a task): the claim must be committed before the SMTP conversation starts."""
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status__in=CLAIMABLE_STATUSES).update(
        status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now, next_attempt_at=None
    )
    if not claimed:
        # Sent, being sent, abandoned, or gone: a duplicate task or one delivered again.
        logger.info("delivery %s not claimed: nothing to send", delivery_id, extra={"delivery_id": delivery_id})
        return Outcome("skipped")
    delivery = Delivery.objects.get(pk=delivery_id)
    log = {"delivery_id": delivery.pk, "purpose": delivery.purpose, "attempt": delivery.attempts}
    if not delivery.recipient_email:  # erased by purge_personal_data before it could be sent
        return _abandon(delivery, "Destinataire effacé avant l’envoi", log)
    try:
        message_of(delivery).send()
    except SMTP_ERRORS as error:
        return _failed(delivery, error, log)
    except Exception as error:  # noqa: BLE001 - recorded on the row and logged; retrying would not help
        return _abandon(delivery, f"Erreur interne : {type(error).__name__}", log)
    # By primary key only: even if the sweeper gave the row up meanwhile, the truth is it was sent.
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="")
    logger.info("delivery %s (%s) sent", delivery.pk, delivery.purpose, extra=log)
    return Outcome(DeliveryStatus.SENT)


def _failed(delivery: Delivery, error: BaseException, log: dict[str, Any]) -> Outcome:
    reason = describe(error)
    if is_permanent(error) or delivery.attempts >= MAX_ATTEMPTS:
        return _abandon(delivery, reason, log)
    retry_in = backoff(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED,
        last_error=reason,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=retry_in),
    )
    logger.warning(
        "delivery %s (%s) failed: %s; retry in %.0f s", delivery.pk, delivery.purpose, reason, retry_in, extra=log
    )
    return Outcome(DeliveryStatus.FAILED, retry_in=retry_in)


def _abandon(delivery: Delivery, reason: str, log: dict[str, Any]) -> Outcome:
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.ABANDONED, last_error=reason)
    logger.error(
        "delivery %s (%s) abandoned after %s attempt(s): %s",
        delivery.pk,
        delivery.purpose,
        delivery.attempts,
        reason,
        extra=log,
    )
    return Outcome(DeliveryStatus.ABANDONED)


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Give up the deliveries whose sender was lost mid-send; queue again those whose task was lost."""
    now = now or timezone.now()
    abandoned = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_SENDING).update(
        status=DeliveryStatus.ABANDONED, last_error=INTERRUPTED
    )
    if abandoned:
        logger.error("%s delivery(ies) interrupted mid-send, not sent again", abandoned)
    lost = list(
        Delivery.objects.filter(status__in=CLAIMABLE_STATUSES, next_attempt_at__lt=now - LOST_AFTER)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if lost:
        # Due now: queued again at the next sweep only if still unclaimed LOST_AFTER from now.
        Delivery.objects.filter(pk__in=lost, status__in=CLAIMABLE_STATUSES).update(next_attempt_at=now)
        for pk in lost:
            queue_after_commit(pk)
        logger.warning("%s delivery(ies) queued again (their task was lost)", len(lost))
    return {"abandoned": abandoned, "requeued": len(lost)}
