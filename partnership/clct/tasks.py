"""Celery tasks of the CLCT (thin: ids in, partnership/clct/digest.py does the work).

- `dispatch_digests(week=None)`: beat, Monday 07:00 Paris (`clct-weekly-digest`): queues `send_digest`
  for each active delegate, for the current ISO week.
- `send_digest(delegate_id, week)`: late acknowledgement, so a lost worker's task is delivered again; the
  delivery record of (delegate, week), written under the delegate's row lock, makes that and any duplicate
  send nothing twice.
"""

from __future__ import annotations

from celery import shared_task


@shared_task
def dispatch_digests(week: str | None = None) -> int:
    from partnership.clct.digest import Week, due_delegates

    iso_week = str(Week.parse(week) if week else Week.of())
    delegate_ids = due_delegates()
    for delegate_id in delegate_ids:
        send_digest.delay(delegate_id, iso_week)
    return len(delegate_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_digest(delegate_id: int, week: str) -> str:
    from partnership.clct.digest import Week
    from partnership.clct.digest import send_digest as send

    return send(delegate_id=delegate_id, week=Week.parse(week)).status
