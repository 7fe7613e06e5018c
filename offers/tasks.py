"""Background work on offers (Celery); the beat schedule is in `partnership/settings.py`."""

from __future__ import annotations

from celery import shared_task

from offers import lifecycle


@shared_task
def expire_offers() -> int:
    """Close the published offers whose end date has passed (hourly); returns how many."""
    return lifecycle.expire_due()
