"""A version number for every cached offer page: bumping it makes every cached search and offer page stale.

Anonymous search and offer pages are cached for a short time under keys that include this version,
so a published, withdrawn, filled or expired offer shows at once: whatever changes an offer's
visibility calls `bump_offers_version()` (after commit).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "offers:version"


def offers_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump_offers_version() -> None:
    """Make every cached offer page stale, once the current transaction has committed."""

    def bump() -> None:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # the key was evicted: any new value is a new version
            cache.set(VERSION_KEY, offers_version() + 1, timeout=None)

    transaction.on_commit(bump)
