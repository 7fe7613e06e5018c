"""What beat does for the collectivités' offers: the reminder before an offer's end, and the purge of
applications past their retention (3 months after the offer closed, or 2 years after the application
when the candidate agreed)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from offers.enums import CLOSED_STATUSES, OfferStatus
from partnership.accounts.models import User
from partnership.notifications.enums import Purpose
from partnership.notifications.services import send
from partnership.recruitment.models import Application, EligibilityRules, Posting

logger = logging.getLogger(__name__)

# Without consent, an application is deleted this long after its offer closed; with it, this long after it came.
RETENTION_AFTER_CLOSING = dt.timedelta(days=91)
RETENTION_WITH_CONSENT = dt.timedelta(days=2 * 365)


def send_expiry_reminders(now: dt.datetime | None = None) -> int:
    """One e-mail per member and per end date for each published offer ending within the reminder days;
    returns how many were recorded. A renewed offer (a new end date) gets its own reminder."""
    now = now or timezone.now()
    rules = EligibilityRules.objects.in_force(timezone.localdate(now))
    if rules is None:
        return 0
    due = Posting.objects.filter(
        offer__status=OfferStatus.PUBLISHED,
        offer__expires_at__gt=now,
        offer__expires_at__lte=now + dt.timedelta(days=rules.expiry_reminder_days),
    ).select_related("offer", "organisation")
    recorded = 0
    for posting in due:
        offer = posting.offer
        assert offer.expires_at is not None
        renew_path = reverse(
            "recruitment:offer-renew", kwargs={"organisation": posting.organisation_id, "pk": offer.pk}
        )
        with transaction.atomic():
            for user in User.objects.filter(memberships__organisation=posting.organisation, is_active=True).order_by(
                "pk"
            ):
                delivery = send(
                    purpose=Purpose.OFFER_EXPIRY_REMINDER,
                    key=(offer.pk, f"{offer.expires_at:%Y%m%d%H%M}", f"user-{user.pk}"),
                    to=user.email,
                    template="recruitment/emails/expiry_reminder",
                    context={
                        "offer_title": offer.title,
                        "organisation_name": posting.organisation.name,
                        "expires_at": offer.expires_at,
                        "renew_url": settings.SITE_URL.rstrip("/") + renew_path,
                    },
                )
                recorded += delivery is not None
    return recorded


def expired_applications(now: dt.datetime | None = None) -> Q:
    now = now or timezone.now()
    closed_long_ago = Q(
        keep_two_years=False,
        posting__offer__status__in=CLOSED_STATUSES,
        posting__offer__closed_at__lt=now - RETENTION_AFTER_CLOSING,
    )
    kept_long_enough = Q(keep_two_years=True, created_at__lt=now - RETENTION_WITH_CONSENT)
    return closed_long_ago | kept_long_enough


def purge_applications(now: dt.datetime | None = None) -> int:
    """Delete the applications past their retention, and their CV files; returns how many."""
    count = 0
    for application in Application.objects.filter(expired_applications(now)).only("pk", "cv").iterator():
        with transaction.atomic():
            application.delete()  # the file too (Application.delete)
        count += 1
    if count:
        logger.info("applications purged", extra={"count": count})
    return count
