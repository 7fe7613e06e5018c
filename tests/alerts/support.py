"""Helpers of the alert tests: offers published through the lifecycle (which records the event the
alerts read), and alerts made and confirmed as a person would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from offers import lifecycle
from offers.models import Offer
from partnership.alerts import services
from partnership.alerts.enums import Frequency
from partnership.alerts.models import Alert
from partnership.alerts.searches import describe, filterset
from tests.offers.factories import OfferFactory


def publish(at: dt.datetime | None = None, **fields: Any) -> Offer:
    """A draft offer published at `at` (its `published` event then)."""
    offer = OfferFactory(draft=True, **fields)
    return lifecycle.publish(offer=offer, at=at or timezone.now())


def make_alert(
    query: str = "type=chef-de-projet",
    *,
    email: str = "camille@example.org",
    frequency: str = Frequency.DAILY,
    confirmed_at: dt.datetime | None = None,
) -> Alert:
    alert = services.request_alert(
        email=email, query=query, description=describe(filterset(query)), frequency=frequency
    )
    if confirmed_at is not None:
        services.confirm(alert.pk, now=confirmed_at)
        alert.refresh_from_db()
    return alert
