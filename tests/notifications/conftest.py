from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from partnership.notifications.models import Delivery
from tests.notifications.smtpserver import SMTPServer
from tests.notifications.support import eager_tasks


@pytest.fixture
def eager() -> Iterator[None]:
    """Celery tasks sent during the test run at once, in this process (see support.py)."""
    with eager_tasks():
        yield


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    """A real SMTP server on 127.0.0.1 (smtpserver.py), and Django's SMTP backend pointed at it."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
        yield server


@pytest.fixture
def committed_db(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Database access outside pytest-django's transaction, for tests whose threads or processes must see
    each other's rows. Not `transactional_db`: its flush would drop the session's territories. The
    deliveries are deleted afterwards (no other test commits any)."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            Delivery.objects.all().delete()
            connections.close_all()
