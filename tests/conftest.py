import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from partnership.db import set_statement_timeout


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """Creating the test database and importing the territories are a command's work: the background
    statement timeout (2 s, the web's, may not be enough to copy a template on a busy machine)."""
    set_statement_timeout(settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real territories: imported once per session. Then the tests run
    as web requests do, under the web's statement timeout."""
    with django_db_blocker.unblock():
        call_command("import_territories", verbosity=0)
        set_statement_timeout(settings.DB_STATEMENT_TIMEOUT_MS)
    yield
    # The teardown that follows drops the test database: a command's work again.
    with django_db_blocker.unblock():
        set_statement_timeout(settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Forget cached pages between tests, without touching the rest of Redis (Celery's queues)."""
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    yield
