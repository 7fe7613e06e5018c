"""The database backend (partnership/backends/postgresql): its health check (no round trip for a
sound idle connection, a real check and a new connection when the server has ended the session),
and its prepared cursor (the statements it runs prepared and still counted, Django's own not)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.db import connection, connections

from offers import search as engine
from partnership.backends.postgresql.base import DatabaseWrapper, server_wrote
from tests.offers.factories import OfferFactory

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


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_prepared_cursor_s_statement_is_prepared_and_still_counted(
    django_assert_num_queries,
):
    statement = "SELECT %s::int + 1 AS essai_prepare"
    with django_assert_num_queries(3):
        for number in range(3):
            with connection.prepared_cursor() as cursor:
                cursor.execute(statement, [number])
                assert cursor.fetchone() == (number + 1,)
    assert "SELECT $1::int + 1 AS essai_prepare" in _prepared_statements()


def test_the_results_page_statement_is_prepared():
    offers = [OfferFactory(title="Chef de projet"), OfferFactory(vta=True)]
    for _ in range(2):
        rows = engine._result_rows_by_ids([offer.pk for offer in offers])
    assert {row.pk for row in rows} == {offer.pk for offer in offers}
    page_statement = engine._rows_by_ids_sql().replace("%s", "$1")
    assert page_statement in _prepared_statements()


def test_django_s_own_statements_are_not_prepared_however_often_they_run():
    for _ in range(10):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 42 AS essai_non_prepare")
    assert not [statement for statement in _prepared_statements() if "essai_non_prepare" in statement]
