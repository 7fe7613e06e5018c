"""The offers' cache version, read with a cached value in one round trip, and the cache backend."""

from __future__ import annotations

import re

import pytest
import redis
from django.core.cache import cache, caches
from django.test import override_settings

from offers.cache import VERSION_KEY, bump_offers_version, get_versioned, offers_version, set_versioned
from partnership.cache import ReusedClientRedisCache

pytestmark = pytest.mark.django_db


def test_a_value_is_read_for_the_version_it_was_stored_for(django_capture_on_commit_callbacks):
    version = offers_version()
    set_versioned("essai", version, b"page", 60)
    assert get_versioned("essai") == (version, b"page", False)
    with django_capture_on_commit_callbacks(execute=True):
        bump_offers_version()
    assert get_versioned("essai") == (version + 1, None, False)


def test_a_value_worked_out_under_an_older_version_is_never_read():
    version = offers_version()
    set_versioned("essai", version - 1, b"ancienne page", 60)
    assert get_versioned("essai") == (version, None, False)


def test_nothing_stored_and_no_version_yet():
    cache.delete(VERSION_KEY)  # evicted, or a new cache
    assert get_versioned("jamais-vu") == (1, None, False)
    assert cache.get(VERSION_KEY) == 1


@pytest.fixture
def round_trips(monkeypatch):
    """The commands sent to Redis, one list per round trip (a pipeline sends its commands at once)."""
    sent: list[list[bytes]] = []
    original = redis.connection.Connection.send_packed_command

    def send(self, command, check_health=True):
        parts = command if isinstance(command, list) else [command]
        sent.append([name for part in parts for name in re.findall(rb"\*\d+\r\n\$\d+\r\n([A-Z]+)\r\n", bytes(part))])
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", send)
    return sent


def test_the_version_the_value_and_the_seen_marker_come_in_one_round_trip(round_trips):
    offers_version()  # the version exists, as it does after the first request
    set_versioned("essai", offers_version(), b"page", 60)
    round_trips.clear()
    assert get_versioned("essai")[1] == b"page"
    assert round_trips == [[b"MGET"]]
    version = offers_version()
    round_trips.clear()
    assert get_versioned("nouvelle", mark_seen=60) == (version, None, True)
    assert round_trips == [[b"MGET", b"SET"]]


def test_a_key_is_seen_for_the_first_time_once_within_the_marker_s_time():
    version = offers_version()
    assert get_versioned("recherche", mark_seen=60) == (version, None, True)
    assert get_versioned("recherche", mark_seen=60) == (version, None, False)
    set_versioned("recherche", version, b"page", 60)
    assert get_versioned("recherche", mark_seen=60) == (version, b"page", False)
    assert get_versioned("autre-recherche", mark_seen=60)[2] is True


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_a_cache_without_pipelines_gives_the_same_answers():
    version = offers_version()
    assert not hasattr(cache, "get_many_and_add")
    assert get_versioned("recherche", mark_seen=60) == (version, None, True)
    assert get_versioned("recherche", mark_seen=60) == (version, None, False)
    set_versioned("recherche", version, b"page", 60)
    assert get_versioned("recherche", mark_seen=60) == (version, b"page", False)


def test_the_cache_backend_keeps_one_client_per_pool():
    assert isinstance(caches["default"], ReusedClientRedisCache)
    backend = cache._cache  # type: ignore[attr-defined]
    assert backend.get_client() is backend.get_client()
    assert backend.get_client(write=True) is backend.get_client(write=False)  # one server: one pool
    cache.set("essai", [1, 2], 60)
    assert cache.get("essai") == [1, 2]
