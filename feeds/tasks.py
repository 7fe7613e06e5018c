"""Celery tasks of the feeds; the beat schedule is in `partnership/settings.py`.

- `sync_feed(run_id)`: one run of one feed (queued by `feeds.services.request_run`, after commit, with
  the task id stored on the run). Late acknowledgement with `reject_on_worker_lost`: a worker lost in
  the middle of a run (killed, out of memory) leaves the message unacknowledged, and it is delivered
  again (at once when only the pool process died, after the broker's visibility timeout when the
  whole worker did); the run's writes were one transaction, so the next attempt starts clean.
  Network faults are retried with exponential back-off; another run holding the feed's lock makes
  this one wait and try again.
- `dispatch_due_feeds()`: every 5 minutes, closes the runs that were lost (a running one whose
  process stopped writing its heartbeat, a queued one older than the visibility timeout) and queues a
  run of each enabled feed whose interval has elapsed since its last run, or whose last run was lost.
- `purge_old_runs()`: daily, deletes run reports older than FEEDS_RUN_RETENTION_DAYS.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from feeds.records import FeedError

logger = logging.getLogger(__name__)

# A busy feed (its lock held by another run) is tried again after this many seconds, this many times.
BUSY_COUNTDOWN = 60
BUSY_MAX_RETRIES = 30
# Hard limit of one attempt: below the broker's visibility timeout, so a task is never delivered
# again while its first delivery is still running.
TIME_LIMIT = 3600


def backoff(retries: int, retry_after: float | None = None) -> float:
    """Seconds before attempt `retries + 1`: exponential, capped, and never less than Retry-After."""
    delay = min(settings.FEEDS_RETRY_BACKOFF * (2**retries), settings.FEEDS_RETRY_BACKOFF_MAX)
    return max(delay, retry_after or 0.0)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, time_limit=TIME_LIMIT)
def sync_feed(self: Any, run_id: int) -> str:
    from feeds.sync import FeedBusy, fail_run, run_feed

    run = FeedRun.objects.select_related("feed").filter(pk=run_id).first()
    if run is None:
        logger.warning("feed run %s no longer exists", run_id)
        return "missing"
    if run.is_finished:
        # Delivered again after it completed (its acknowledgement was lost): nothing to do.
        return run.status
    retries = self.request.retries or 0
    try:
        run = run_feed(run, retrying=retries < settings.FEEDS_TASK_MAX_RETRIES)
    except FeedBusy as busy:
        if retries >= BUSY_MAX_RETRIES:
            fail_run(run, str(busy))
            return RunStatus.FAILED
        raise self.retry(countdown=BUSY_COUNTDOWN, max_retries=None) from busy
    except FeedError as error:  # retryable, with attempts left (run_feed records the others)
        countdown = backoff(retries, error.retry_after)
        logger.warning("feed run %s: %s; retry in %.0f s", run.pk, error.reason, countdown)
        raise self.retry(countdown=countdown, max_retries=None) from error
    return run.status


@shared_task
def dispatch_due_feeds() -> list[int]:
    """Queue a run of every enabled feed that is due; returns the ids of the runs queued.

    First closes the runs that were lost: « en cours » with no sign of life from their process
    (`mark_lost_runs`), or waiting for longer than the broker keeps a task. A feed whose last run was
    interrupted so is due at once (at least once: the lost work is done again).
    """
    from feeds.services import mark_lost_runs, request_run

    now = timezone.now()
    mark_lost_runs(now)
    waited_too_long = dt.timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 600)
    FeedRun.objects.unfinished().exclude(status=RunStatus.RUNNING).filter(queued_at__lt=now - waited_too_long).update(
        status=RunStatus.INTERRUPTED,
        finished_at=now,
        error="Interrompue : la tâche n’a pas abouti dans le délai prévu (perdue par la file d’attente).",
    )
    queued = []
    feeds = (
        Feed.objects.filter(enabled=True)
        .exclude(pk__in=FeedRun.objects.unfinished().values("feed_id"))
        .annotate(last_queued=Max("runs__queued_at", filter=~Q(runs__status=RunStatus.INTERRUPTED)))
    )
    for feed in feeds:
        last = feed.last_queued
        if last is None or last + dt.timedelta(minutes=feed.interval_minutes) <= now:
            run = request_run(feed, trigger=RunTrigger.SCHEDULE)
            if run is not None:  # None: queued meanwhile by someone else
                queued.append(run.pk)
    return queued


@shared_task
def purge_old_runs() -> int:
    """Delete run reports (and the records they set aside) older than the retention period."""
    cutoff = timezone.now() - dt.timedelta(days=settings.FEEDS_RUN_RETENTION_DAYS)
    deleted, _ = FeedRun.objects.filter(queued_at__lt=cutoff).exclude(status__in=[RunStatus.RUNNING]).delete()
    return deleted
