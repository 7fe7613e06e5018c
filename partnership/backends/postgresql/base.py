"""Django's PostgreSQL backend, with a health check that costs no round trip while nothing is wrong.

With `CONN_HEALTH_CHECKS`, Django checks a persistent connection before a request first uses it, by
sending `SELECT 1`: one more round trip to the server on every request that reads the database (a
search makes two statements: the check was a third, issue 14). An idle connection has nothing to
read: a server that ends the session (a restart, `pg_terminate_backend`, `idle_session_timeout`)
sends its error message and closes the socket, which then reads as ready. So the socket is polled
first, without waiting; only a connection that is not idle, or that the server wrote to, is
checked with Django's `SELECT 1` (and closed and opened again when that fails).

`prepared_cursor()`: a cursor whose statements the server parses and plans once per connection,
for a fixed statement that every search runs. Django's cursors bind parameters on the client, and
the server plans every statement anew: 0.28 ms of planning for the twenty offers of a results page,
more than half its time. (Django leaves psycopg's automatic preparing off for poolers in transaction
mode, which lose a session's prepared statements; the portal connects to PostgreSQL directly or
through psycopg's own pool, which keeps each connection whole.)
"""

from __future__ import annotations

import select
import sys
from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.utils.asyncio import async_unsafe
from psycopg import pq

_ServerBindingCursor: Any = base.ServerBindingCursor  # psycopg's Cursor with Django's callproc


class PreparingCursor(_ServerBindingCursor):
    """psycopg's server-binding cursor, each statement prepared on its connection (kept in psycopg's
    cache of the connection's last hundred, then run by name)."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, **options: Any) -> Any:
        return super().execute(query, params, prepare=True if prepare is None else prepare, **options)


def server_wrote(connection: Any) -> bool:
    """Whether anything is waiting to be read on the socket of an idle connection, without waiting."""
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        if params.get("prepare_threshold") is None:
            # Django turns psycopg's preparing off (None), which also refuses an explicit `prepare=True`:
            # nothing is prepared by repetition, only what `prepared_cursor()` runs.
            params["prepare_threshold"] = sys.maxsize
        return params

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE and not server_wrote(connection):
            return True
        return bool(super().is_usable())

    @async_unsafe
    def prepared_cursor(self) -> Any:
        """Django's cursor (its statements counted and logged like any other) around a cursor that
        prepares its statements. Only for a few fixed statements whose plan does not depend on their
        parameters' values (PostgreSQL then keeps one generic plan, as good as a custom one)."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            cursor = PreparingCursor(self.connection)
            # As Django's create_cursor: timestamps read in the connection's time zone.
            loader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, pq.Format.TEXT)
            if self.timezone != loader.timezone:
                register_tzloader(self.timezone, cursor)
            return self._prepare_cursor(cursor)  # type: ignore[attr-defined]  # Django's wrapping of a cursor
