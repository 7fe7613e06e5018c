"""No database statement holds a web worker long: a per-statement timeout, and a French 503 when it fires."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from partnership.db import set_statement_timeout
from tests.feeds.test_worker_faults import database_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def web_timeout(settings) -> str:
    """How PostgreSQL shows the web's statement timeout (2 s in production; the tests allow more, for a
    busy machine: tests/test_settings.py pins the default)."""
    milliseconds = settings.DB_STATEMENT_TIMEOUT_MS
    return f"{milliseconds // 1000}s" if milliseconds % 1000 == 0 else f"{milliseconds}ms"


def test_web_requests_run_under_the_web_statement_timeout(client, settings):
    response = client.get("/territoires/communes/autocomplete/", {"q": "tulle"})
    assert response.status_code == 200
    # The request ran on this connection (the test client is in process).
    assert statement_timeout() == web_timeout(settings)


@pytest.mark.django_db(transaction=True)  # the cancelled statement aborts any enclosing transaction
@pytest.mark.urls("tests.hardening.slow_urls")
def test_a_statement_cut_by_the_timeout_answers_the_french_503(client, caplog, settings):
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 100")  # this session only; 2 s in production
    try:
        with caplog.at_level(logging.ERROR):
            response = client.get("/lent/")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "<h1>Service momentanément indisponible</h1>" in html
    assert "Cette page a demandé trop de temps de calcul." in html
    assert "statement timeout on /lent/" in caplog.text
    assert statement_timeout() == web_timeout(settings)


@pytest.mark.django_db(transaction=True)  # switching closes the connection
def test_workers_and_beat_switch_to_the_background_timeout(settings):
    from partnership.celery import _background_statement_timeout

    try:
        _background_statement_timeout()
        assert statement_timeout() == "1h"
    finally:
        set_statement_timeout(settings.DB_STATEMENT_TIMEOUT_MS)
    assert statement_timeout() == web_timeout(settings)


@pytest.mark.django_db  # the command connects to the test database, which exists whatever DATABASE_URL names
def test_management_commands_run_under_the_background_timeout():
    script = "from django.db import connection; c = connection.cursor(); c.execute('SHOW statement_timeout'); "
    script += "print(c.fetchone()[0])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        env={**os.environ, "SECRET_KEY": "x", "DEBUG": "0", "DATABASE_URL": database_url()},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1h"
