"""Settings of the benchmark server: the project's settings, plus a bare view to compare with.

`bench/search.py` runs gunicorn with `DJANGO_SETTINGS_MODULE=bench.settings`. Everything else comes
from `partnership.settings` and the environment, as in production (DEBUG off). `BENCH_CACHE=dummy`
swaps the Django cache for a dummy one, to measure searches that miss the page cache.
"""

import os

from partnership.settings import *  # noqa: F403
from partnership.settings import CACHES

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_CACHE") == "dummy":
    CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
