"""E-mails to staff about a suspicious or failed feed run (the guard stopped withdrawals, the document
was wrong, the source stayed unreachable), through partnership.notifications.

One delivery per run and recipient, keyed `<run id>:user-<user id>` for a staff account and
`<run id>:extra-<digest>` for an address of FEEDS_ALERT_EMAILS (a keyed hash: keys never hold
addresses): telling staff about the same run again sends nothing more. Templates:
`templates/feeds/emails/alert.*`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from feeds.enums import RunStatus
from feeds.models import FeedRun
from partnership.formatting import number
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from partnership.notifications.services import send

TEMPLATE = "feeds/emails/alert"


@dataclass(frozen=True)
class Recipient:
    key: str  # the recipient's part of the delivery key, never the address
    email: str


def alert_recipients() -> list[Recipient]:
    """Active staff accounts with an address, and FEEDS_ALERT_EMAILS; each address once."""
    from partnership.accounts.models import User

    recipients: dict[str, Recipient] = {}
    staff = User.objects.filter(is_staff=True, is_active=True).exclude(email="").order_by("pk")
    for pk, email in staff.values_list("pk", "email"):
        recipients.setdefault(email.lower(), Recipient(f"user-{pk}", email))
    for email in settings.FEEDS_ALERT_EMAILS:
        digest = salted_hmac("feeds.alerts.recipient", email.lower(), algorithm="sha256").hexdigest()[:20]
        recipients.setdefault(email.lower(), Recipient(f"extra-{digest}", email))
    return sorted(recipients.values(), key=lambda recipient: recipient.email.lower())


def alert_context(run: FeedRun) -> dict[str, Any]:
    """What the alert templates show about `run`."""
    feed = run.feed
    return {
        "feed_name": feed.name,
        "state": "suspecte" if run.status == RunStatus.SUSPICIOUS else "en échec",
        "dry_run": run.dry_run,
        "reason": run.suspicious_reason or run.error,
        "url": settings.SITE_URL.rstrip("/") + reverse("feeds:run-detail", kwargs={"slug": feed.slug, "pk": run.pk}),
        **{
            name: number(getattr(run, name))
            for name in ("records", "created", "updated", "unchanged", "withdrawn", "withheld_withdrawals", "rejected")
        },
    }


def alert(run: FeedRun) -> list[Delivery]:
    """E-mail staff about a suspicious or failed run (after commit); returns the deliveries recorded now."""
    recipients = alert_recipients()
    if not recipients:
        return []
    context = alert_context(run)
    deliveries = []
    for recipient in recipients:
        delivery = send(
            purpose=Purpose.FEED_ALERT,
            key=(run.pk, recipient.key),
            to=recipient.email,
            template=TEMPLATE,
            context=context,
        )
        if delivery is not None:
            deliveries.append(delivery)
    return deliveries
