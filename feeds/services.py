"""Asking for a feed run, the one way runs are queued (staff button, beat dispatcher, command),
telling why a feed's file cannot be read, and closing runs whose process was lost."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from feeds.records import FeedError
from feeds.sources import feed_file
from partnership.accounts.models import User


def request_run(
    feed: Feed,
    *,
    trigger: str = RunTrigger.STAFF,
    user: User | AnonymousUser | None = None,
    dry_run: bool = False,
    send: bool = True,
) -> FeedRun | None:
    """Record a queued run and send its task once the current transaction commits; None when the feed
    already has a run waiting or going on (the database holds one at most: `feedrun_one_unfinished_per_feed`).

    The task id is chosen here and stored on the run, so the run can be found from the worker's logs
    and a task delivered again (after a worker was lost) picks up the same run. `send=False` records
    the run only, for the command line, which carries it out itself.
    """
    from feeds.tasks import sync_feed

    try:
        with transaction.atomic():
            run = FeedRun.objects.create(
                feed=feed,
                trigger=trigger,
                dry_run=dry_run,
                requested_by=user if isinstance(user, User) else None,
                task_id=str(uuid.uuid4()) if send else "",
            )
    except IntegrityError:
        return None
    if send:
        transaction.on_commit(lambda: sync_feed.apply_async(args=[run.pk], task_id=run.task_id))
    return run


def file_problem(feed: Feed) -> str:
    """Why the file of a feed given as a file cannot be read, in French (outside the feeds directory,
    missing, not a regular file); "" when it can, or when the feed is fetched over HTTP."""
    if feed.is_remote:
        return ""
    try:
        feed_file(feed.location)
    except FeedError as error:
        return error.reason
    return ""


LOST_ERROR = (
    "Interrompue : le processus qui la menait ne donnait plus signe de vie depuis plus de {minutes} min "
    "(arrêté ou tué) ; rien de cette tentative n’a été enregistré."
)


def mark_lost_runs(now: dt.datetime | None = None) -> int:
    """Close the runs « en cours » whose process stopped giving signs of life; returns how many.

    Their writes were one transaction, which died with the process: nothing of them is in the
    database. The feed may run again at once; should the process come back after all, the feed's
    advisory lock keeps the two apart and its report overwrites this one.
    """
    now = now or timezone.now()
    minutes = max(1, round(settings.FEEDS_RUN_LOST_AFTER / 60))
    return FeedRun.objects.lost(now).update(
        status=RunStatus.INTERRUPTED, finished_at=now, error=LOST_ERROR.format(minutes=minutes)
    )
