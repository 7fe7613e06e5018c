import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real territories: imported once per session."""
    with django_db_blocker.unblock():
        call_command("import_territories", verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Forget cached pages between tests, without touching the rest of Redis (Celery's queues)."""
    client = cache._cache.get_client(write=True)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    yield
