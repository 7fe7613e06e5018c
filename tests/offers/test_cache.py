"""The offers' cache version, read with a cached value in one round trip, and the cache backend."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches

from offers.cache import VERSION_KEY, bump_offers_version, get_versioned, offers_version, set_versioned
from partnership.cache import ReusedClientRedisCache

pytestmark = pytest.mark.django_db


def test_a_value_is_read_for_the_version_it_was_stored_for(django_capture_on_commit_callbacks):
    version = offers_version()
    set_versioned("essai", version, b"page", 60)
    assert get_versioned("essai") == (version, b"page")
    with django_capture_on_commit_callbacks(execute=True):
        bump_offers_version()
    assert get_versioned("essai") == (version + 1, None)


def test_a_value_worked_out_under_an_older_version_is_never_read():
    version = offers_version()
    set_versioned("essai", version - 1, b"ancienne page", 60)
    assert get_versioned("essai") == (version, None)


def test_nothing_stored_and_no_version_yet():
    cache.delete(VERSION_KEY)  # evicted, or a new cache
    assert get_versioned("jamais-vu") == (1, None)
    assert cache.get(VERSION_KEY) == 1


def test_the_version_and_the_value_come_in_one_round_trip(monkeypatch):
    calls = []
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    original = client.execute_command
    # The cache's client is shared (see the last test), so watching it sees every command.
    monkeypatch.setattr(
        client, "execute_command", lambda *args, **options: calls.append(args[0]) or original(*args, **options)
    )
    offers_version()  # the version exists, as it does after the first request
    set_versioned("essai", offers_version(), b"page", 60)
    calls.clear()
    assert get_versioned("essai")[1] == b"page"
    assert calls == ["MGET"]


def test_the_cache_backend_keeps_one_client_per_pool():
    assert isinstance(caches["default"], ReusedClientRedisCache)
    backend = cache._cache  # type: ignore[attr-defined]
    assert backend.get_client() is backend.get_client()
    assert backend.get_client(write=True) is backend.get_client(write=False)  # one server: one pool
    cache.set("essai", [1, 2], 60)
    assert cache.get("essai") == [1, 2]
