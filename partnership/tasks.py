from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task
def purge_personal_data() -> dict[str, int]:
    from partnership.personal_data import purge_personal_data as purge

    return purge()
