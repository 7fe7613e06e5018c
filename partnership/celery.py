import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

app = Celery("partnership")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
@beat_init.connect
def _background_statement_timeout(**kwargs: Any) -> None:
    """Workers and beat are not web processes: the longer statement timeout (partnership.db)."""
    from partnership.db import use_background_statement_timeout

    use_background_statement_timeout()
