"""Celery tasks of the notifications (thin: ids in, the service does the work; see services.py).

- `send_delivery(delivery_id)`: queued by `services.send` after commit. Late acknowledgement: a worker
  lost before the claim leaves the message to be delivered again; one lost after the claim leaves the
  row « sending », and the task delivered again sends nothing (at most once). Retries with back-off
  on SMTP and network errors, counted on the row (`Delivery.attempts`), not by Celery.
- `sweep_deliveries()`: every 10 minutes (beat), gives up rows left « sending » by a lost worker and
  queues again the rows whose task was lost.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

# Hard limit of one attempt (a pool process past it is killed: its row stays « sending »). Well above
# an SMTP conversation (EMAIL_TIMEOUT per network operation), well below services.STALE_SENDING.
TIME_LIMIT = 300


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, time_limit=TIME_LIMIT)
def send_delivery(self: Any, delivery_id: int) -> str:
    from partnership.notifications.services import deliver

    outcome = deliver(delivery_id)
    if outcome.retry_in is not None:
        # No `exc=`: Celery would log the error's text, which can quote the address.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task
def sweep_deliveries() -> dict[str, int]:
    from partnership.notifications.services import sweep

    return sweep()
