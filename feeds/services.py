"""Asking for a feed run: the one way runs are queued (staff button, beat dispatcher)."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from feeds.enums import RunTrigger
from feeds.models import Feed, FeedRun
from partnership.accounts.models import User


def request_run(feed: Feed, *, trigger: str = RunTrigger.STAFF, user: User | AnonymousUser | None = None) -> FeedRun:
    """Record a queued run and send its task once the current transaction commits.

    The task id is chosen here and stored on the run, so the run can be found from the worker's logs
    and a task delivered again (after a worker was lost) picks up the same run.
    """
    from feeds.tasks import sync_feed

    run = FeedRun.objects.create(
        feed=feed,
        trigger=trigger,
        requested_by=user if isinstance(user, User) else None,
        task_id=str(uuid.uuid4()),
    )
    transaction.on_commit(lambda: sync_feed.apply_async(args=[run.pk], task_id=run.task_id))
    return run
