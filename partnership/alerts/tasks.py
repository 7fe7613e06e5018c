"""Celery tasks of the alerts (thin: the service does the work; see services.py).

- `dispatch_alerts(frequency)`: beat, daily at 08:00 and weekly on Monday at 08:00 (Paris): queues
  `send_alert` for each confirmed alert of that frequency, with the period it sends for.
- `send_alert(alert_id, period)`: late acknowledgement, so a lost worker's task is delivered again; the
  delivery record of (alert, period) makes that, and any duplicate, send nothing twice.
"""

from __future__ import annotations

from celery import shared_task


@shared_task
def dispatch_alerts(frequency: str) -> int:
    from partnership.alerts.services import due_alerts, period_of

    period = period_of(frequency)
    alert_ids = due_alerts(frequency)
    for alert_id in alert_ids:
        send_alert.delay(alert_id, period)
    return len(alert_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_alert(alert_id: int, period: str) -> str:
    from partnership.alerts.services import send_alert as send

    return send(alert_id=alert_id, period=period).status
