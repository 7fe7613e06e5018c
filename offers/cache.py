"""A version number for every cached offer page: bumping it makes every cached search and offer page stale.

Anonymous search and offer pages are cached for a short time under keys that include this version,
so a published, withdrawn, filled or expired offer shows at once: whatever changes an offer's
visibility calls `bump_offers_version()` (after commit).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "offers:version"


def offers_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def get_versioned(key: str, *, mark_seen: int | None = None) -> tuple[int, Any, bool]:
    """The current version, what `key` holds for it (None when nothing, or only a value stored for
    an older version), and with `mark_seen`, whether `key` is asked for the first time in `mark_seen`
    seconds (a marker beside it, added now): in one round trip instead of two, as a search page asks
    on every request (issue 14). `set_versioned` stores the value."""
    keys = [VERSION_KEY, key]
    if mark_seen is None:
        found, first = cache.get_many(keys), False
    elif (combined := getattr(cache, "get_many_and_add", None)) is not None:
        found, first = combined(keys, f"{key}:seen", True, mark_seen)
    else:  # a cache without pipelines (the benchmark's dummy cache)
        found, first = cache.get_many(keys), cache.add(f"{key}:seen", True, mark_seen)
    version = found.get(VERSION_KEY)
    if version is None:
        return offers_version(), None, first
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:  # noqa: PLR2004 - (version, value)
        return int(version), stored[1], first
    return int(version), None, first


def set_versioned(key: str, version: int, value: Any, timeout: float) -> None:
    """Keep `value` under `key` for `version` of the offers: read back by `get_versioned` while the
    version lasts. A value worked out while the version changed is stored for the old one, so never read."""
    cache.set(key, (version, value), timeout)


def bump_offers_version() -> None:
    """Make every cached offer page stale, once the current transaction has committed."""

    def bump() -> None:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # the key was evicted: any new value is a new version
            cache.set(VERSION_KEY, offers_version() + 1, timeout=None)

    transaction.on_commit(bump)
