"""The static files' storages, each remembering the address of every file it was asked for.

`{% static %}` and Jinja2's `static()` ask the storage for an address: 15 µs each with the plain
storage (urljoin and quoting) and more with the manifest storage of production (the manifest
lookup, splitting and unquoting), eleven times a page for the style sheets, fonts, icons and scripts
of `base.html` (issue 14, docs/performance.md). The address depends only on the name, `DEBUG` (the
manifest storage gives the plain name in debug) and the storage's settings; Django builds a new
storage when a test changes those, and the remembered addresses go with the old one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

MAX_REMEMBERED = 4096  # far more than the site's static files: a bound, not a size


class RememberedURLsMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[tuple[str, bool, bool], str] = {}

    def url(self, name: str, force: bool = False) -> str:
        key = (name, force, settings.DEBUG)
        url = self._urls.get(key)
        if url is None:
            url = super().url(name, force) if force else super().url(name)  # type: ignore[misc]
            if len(self._urls) < MAX_REMEMBERED:
                self._urls[key] = url
        return url


class RememberedStaticFilesStorage(RememberedURLsMixin, StaticFilesStorage):  # type: ignore[misc]  # url(name, force)
    """Development and tests: the files as they are."""


class RememberedManifestStaticFilesStorage(RememberedURLsMixin, CompressedManifestStaticFilesStorage):
    """Production: WhiteNoise's compressed files under their hashed names."""
