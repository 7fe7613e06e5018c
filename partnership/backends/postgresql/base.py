"""Django's PostgreSQL backend, with a health check that costs no round trip while nothing is wrong.

With `CONN_HEALTH_CHECKS`, Django checks a persistent connection before a request first uses it, by
sending `SELECT 1`: one more round trip to the server on every request that reads the database (a
search makes two statements: the check was a third, issue 14). An idle connection has nothing to
read: a server that ends the session (a restart, `pg_terminate_backend`, `idle_session_timeout`)
sends its error message and closes the socket, which then reads as ready. So the socket is polled
first, without waiting; only a connection that is not idle, or that the server wrote to, is
checked with Django's `SELECT 1` (and closed and opened again when that fails).
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg import pq


def server_wrote(connection: Any) -> bool:
    """Whether anything is waiting to be read on the socket of an idle connection, without waiting."""
    poller = select.poll()
    poller.register(connection.fileno(), select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status == pq.TransactionStatus.IDLE and not server_wrote(connection):
            return True
        return bool(super().is_usable())
