"""Test-run environment: production-like settings (DEBUG off), local services.

This file is imported before Django is set up, so the defaults below reach the
settings module. Real PostgreSQL and Redis come from DATABASE_URL / REDIS_URL
(by default the servers on 127.0.0.1; `scripts/with_services.py` starts embedded
ones when those are unreachable).
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("CACHE_KEY_PREFIX", "tdt-tests")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
