"""Database connection settings that depend on the kind of process.

Web processes keep the short per-statement timeout of the settings (`DB_STATEMENT_TIMEOUT_MS`);
Celery workers, beat and management commands call `use_background_statement_timeout()` when they
start, so a feed run or an import is not cut at two seconds.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import connection, connections

_TIMEOUT_OPTION = re.compile(r"-c statement_timeout=\d+")


def set_statement_timeout(milliseconds: int) -> None:
    """Every connection this process opens from now on uses this statement timeout (0: none)."""
    for alias in settings.DATABASES:
        options = connections[alias].settings_dict.setdefault("OPTIONS", {})
        current = options.get("options", "")
        wanted = f"-c statement_timeout={int(milliseconds)}"
        options["options"] = (
            _TIMEOUT_OPTION.sub(wanted, current) if _TIMEOUT_OPTION.search(current) else f"{current} {wanted}".strip()
        )
        connections[alias].close()  # an open connection still has the old timeout


def use_background_statement_timeout() -> None:
    set_statement_timeout(settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS)


def allow_long_statements(cursor: Any | None = None) -> None:
    """Inside a transaction: its statements may run as long as a background process's.

    For the bulk writers and the territories import, which a web process (a test, a benchmark)
    may also call: `SET LOCAL` ends with the transaction."""
    sql = f"SET LOCAL statement_timeout = {int(settings.DB_BACKGROUND_STATEMENT_TIMEOUT_MS)}"
    if cursor is not None:
        cursor.execute(sql)
        return
    with connection.cursor() as django_cursor:
        django_cursor.execute(sql)
