"""The database backend's health check: no round trip for a sound idle connection, a real check
and a new connection when the server has ended the session (partnership/backends/postgresql)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import connection, connections

from partnership.backends.postgresql.base import DatabaseWrapper, server_wrote

pytestmark = pytest.mark.django_db


@pytest.fixture
def own() -> Iterator[DatabaseWrapper]:
    """A connection of its own, outside the test's transaction, as a web worker holds one between requests."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return str(cursor.fetchone()[0])


def test_the_settings_use_the_backend():
    assert isinstance(connections["default"], DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_sound_idle_connection_is_usable_without_a_statement(own):
    with own.cursor() as cursor:
        cursor.execute("SELECT 'dernière requête du test'")
    pid = own.connection.info.backend_pid
    assert own.is_usable()
    # The server saw no `SELECT 1`: its last statement on that session is still the test's.
    assert _last_statement(pid) == "SELECT 'dernière requête du test'"


def test_a_session_ended_by_the_server_is_not_usable_and_the_next_request_reconnects(own):
    pid = own.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while not server_wrote(own.connection) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not own.is_usable()
    # What Django does when a request starts and first reads the database.
    own.health_check_done = False
    with own.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert own.connection.info.backend_pid != pid


def test_a_connection_inside_a_transaction_is_checked_by_the_server(own):
    pid = own.connection.info.backend_pid
    with own.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT 'dans une transaction'")
    assert own.is_usable()
    assert _last_statement(pid) == "SELECT 1"  # Django's check, sent because the session is not idle
    with own.cursor() as cursor:
        cursor.execute("ROLLBACK")
