from collections.abc import Iterator

import pytest

from tests.feeds.httpserver import FeedServer


@pytest.fixture
def feed_server(settings) -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1 (see tests/feeds/httpserver.py), allowed by FEEDS_ALLOWED_HOSTS.

    A separate process (a Celery worker) needs FEEDS_ALLOWED_HOSTS to include `feed_server.host` too.
    """
    server = FeedServer().start()
    settings.FEEDS_ALLOWED_HOSTS = [*settings.FEEDS_ALLOWED_HOSTS, server.host]
    try:
        yield server
    finally:
        server.stop()
