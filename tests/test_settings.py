"""Settings are safe by default and fail loudly on bad configuration.

The settings module is imported in a fresh interpreter with a clean environment for each case:
the test process's own settings are already loaded (and configured for tests).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from partnership.env import env_bool, env_int, env_list, env_path, env_str
from partnership.settings import celery_url

ROOT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = """
import json
from django.conf import settings
names = ["DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
         "SECURE_HSTS_SECONDS", "EMAIL_BACKEND", "CELERY_BROKER_URL"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import partnership.settings in a new interpreter whose environment is only `env`."""
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "partnership.settings"}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**clean_env, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(**env: str) -> dict[str, object]:
    result = import_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_secret_key_is_required_outside_debug():
    result = import_settings()

    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is required when DEBUG is off." in result.stderr


def test_debug_is_off_and_production_safe_by_default():
    values = loaded(SECRET_KEY="x" * 50)

    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == []
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_debug_runs_without_secret_key():
    values = loaded(DEBUG="1")

    assert values["DEBUG"] is True
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["SECURE_SSL_REDIRECT"] is False


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_bad_boolean_stops_the_start(value):
    result = import_settings(SECRET_KEY="x" * 50, DEBUG=value)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: DEBUG must be a boolean (1/0, true/false), got {value!r}" in result.stderr


def test_bad_integer_stops_the_start():
    result = import_settings(SECRET_KEY="x" * 50, EMAIL_PORT="twenty-five")

    assert result.returncode != 0
    assert "ImproperlyConfigured: EMAIL_PORT must be an integer, got 'twenty-five'" in result.stderr


def test_database_must_be_postgresql():
    result = import_settings(SECRET_KEY="x" * 50, DATABASE_URL="sqlite:///db.sqlite3")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL must point to PostgreSQL." in result.stderr


def test_celery_broker_follows_redis_url_on_a_unix_socket():
    values = loaded(SECRET_KEY="x" * 50, REDIS_URL="unix:///tmp/redis.sock?db=0")

    assert values["CELERY_BROKER_URL"] == "redis+socket:///tmp/redis.sock?db=0"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
        ("rediss://cache.example:6380/1", "rediss://cache.example:6380/1"),
        ("unix:///run/redis.sock?db=2", "redis+socket:///run/redis.sock?db=2"),
    ],
)
def test_celery_url(url, expected):
    assert celery_url(url) == expected


# --- partnership/env.py readers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("false", False), ("no", False)]
    + [("off", False), ("", False)],
)
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)

    assert env_bool("SOME_FLAG", not expected) is expected


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)

    assert env_bool("SOME_FLAG", True) is True
    assert env_bool("SOME_FLAG", False) is False


def test_env_bool_rejects_anything_else(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "si")

    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "42")
    assert env_int("SOME_NUMBER", 7) == 42

    monkeypatch.setenv("SOME_NUMBER", " ")
    assert env_int("SOME_NUMBER", 7) == 7

    monkeypatch.delenv("SOME_NUMBER")
    assert env_int("SOME_NUMBER", 7) == 7

    monkeypatch.setenv("SOME_NUMBER", "4.2")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer, got '4.2'"):
        env_int("SOME_NUMBER", 7)


def test_env_list(monkeypatch):
    monkeypatch.setenv("SOME_LIST", " a.example, b.example ,,")
    assert env_list("SOME_LIST") == ["a.example", "b.example"]

    monkeypatch.setenv("SOME_LIST", "")
    assert env_list("SOME_LIST", ["default"]) == []

    monkeypatch.delenv("SOME_LIST")
    default = ["default"]
    result = env_list("SOME_LIST", default)
    assert result == ["default"]
    assert result is not default  # callers may mutate it


def test_env_str(monkeypatch):
    monkeypatch.delenv("SOME_TEXT", raising=False)
    assert env_str("SOME_TEXT") == ""
    assert env_str("SOME_TEXT", "fallback") == "fallback"

    monkeypatch.setenv("SOME_TEXT", "value")
    assert env_str("SOME_TEXT", "fallback") == "value"


def test_env_path_takes_a_relative_value_in_the_project(monkeypatch, tmp_path):
    default = tmp_path / "default"
    monkeypatch.delenv("SOME_DIR", raising=False)
    assert env_path("SOME_DIR", default, base=ROOT) == default
    monkeypatch.setenv("SOME_DIR", " ")
    assert env_path("SOME_DIR", default, base=ROOT) == default

    monkeypatch.setenv("SOME_DIR", ".var/feeds")
    assert env_path("SOME_DIR", default, base=ROOT) == ROOT / ".var" / "feeds"  # whatever the current directory
    monkeypatch.setenv("SOME_DIR", "/srv/flux")
    assert env_path("SOME_DIR", default, base=ROOT) == Path("/srv/flux")


def test_the_feeds_directory_is_in_the_project_unless_told():
    # Started from another directory than the project's: a relative value is still taken in the project.
    for env, expected in (({}, ROOT / ".var" / "feeds"), ({"FEEDS_FILES_DIR": "flux"}, ROOT / "flux")):
        result = subprocess.run(
            [sys.executable, "-c", "from partnership import settings; print(settings.FEEDS_FILES_DIR)"],
            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT), "SECRET_KEY": "x", **env},
            cwd="/",
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.stdout.strip() == str(expected), result.stderr


def test_db_pool_uses_psycopg_pool_without_persistent_connections():
    script = (
        "import json; from django.conf import settings; d = settings.DATABASES['default'];"
        "print(json.dumps([d['CONN_MAX_AGE'], d['OPTIONS'].get('pool')]))"
    )
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "partnership.settings", "SECRET_KEY": "x"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DB_POOL": "1", "DB_POOL_MAX_SIZE": "4"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [0, {"min_size": 2, "max_size": 4}]


@pytest.mark.django_db
def test_web_connections_run_without_parallel_workers():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


def test_web_statements_are_cut_at_two_seconds_by_default():
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.DB_STATEMENT_TIMEOUT_MS, settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS, "
        "settings.DATABASES['default']['OPTIONS']['options']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "partnership.settings", "SECRET_KEY": "x"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    web, background, options = json.loads(result.stdout)
    assert (web, background) == (2000, 3_600_000)
    assert "-c statement_timeout=2000" in options
