"""Background work of the collectivités' offers (Celery beat; the schedule is in `partnership/settings.py`)."""

from __future__ import annotations

from celery import shared_task

from partnership.recruitment import housekeeping


@shared_task
def send_expiry_reminders() -> int:
    """E-mail the members of each organisation whose published offer ends in the rules' reminder days (once)."""
    return housekeeping.send_expiry_reminders()


@shared_task
def purge_applications() -> int:
    """Delete the applications (and their CVs) past their retention."""
    return housekeeping.purge_applications()
