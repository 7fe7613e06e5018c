"""What the bulk writers of offers share: the demo seeder (`offers.demo`) and the feed engine (`feeds.sync`)."""

from __future__ import annotations

from typing import Any

import psycopg

from offers.models import Offer
from partnership.db import allow_long_statements

# The columns of offers_offer a COPY writes, in table order: all but the id and the generated search vector.
COPY_COLUMNS: tuple[str, ...] = tuple(
    field.attname  # the column: no field of Offer sets db_column
    for field in Offer._meta.concrete_fields
    if not field.primary_key and not getattr(field, "generated", False)
)


def prepare_bulk_write(cursor: psycopg.Cursor[Any]) -> None:
    """At the start of a bulk writer's transaction: statements as long as a background process's
    (a test or a benchmark may write from a web-like process, whose statements are cut at 2 s), and
    the large values (descriptions, vectors) compressed with lz4 when the server has it: faster to
    write than the default pglz (about 15 % of a 100,000-offer COPY)."""
    allow_long_statements(cursor)
    cursor.execute(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'",
    )
    row = cursor.fetchone()
    if row and row[0]:
        cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
