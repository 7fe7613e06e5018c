"""Background work on offers (Celery); the beat schedule is in `partnership/settings.py`."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from offers.cache import bump_offers_version
from offers.enums import OfferStatus
from offers.models import Offer


@shared_task
def expire_offers() -> int:
    """Close the published offers whose end date has passed (hourly); returns how many.

    Their pages already say « expirée » from the end date on (see `offers.views.detail`); this
    records it, with `closed_at`, from which the page's 90 days before 410 Gone are counted.
    """
    now = timezone.now()
    with transaction.atomic():
        count = Offer.objects.filter(status=OfferStatus.PUBLISHED, expires_at__lte=now).update(
            status=OfferStatus.EXPIRED, closed_at=now, updated_at=now
        )
        if count:
            bump_offers_version()  # after commit
    return count
