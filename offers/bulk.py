"""The bulk writer of offers: the feed engine (`feeds.sync`) and the demo seeder (`offers.demo`) write
through it, in their own transaction, and it records the offer events of what it writes.

Rows are `OfferRow`s, built by field name: the columns a COPY writes are `OfferRow._fields`, so a
value always lands in the column of its name, whatever the order the row was written in. The rules
of a single offer (slug, dates, transitions) are in `offers.lifecycle`, which uses this module for
its bulk operations; nothing else writes offers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import psycopg

from offers.cache import bump_offers_version
from offers.enums import CLOSED_STATUSES, EventKind, OfferStatus
from offers.models import Offer, OfferEvent
from partnership.db import allow_long_statements

OFFER_TABLE = Offer._meta.db_table
EVENT_TABLE = OfferEvent._meta.db_table


class OfferRow(NamedTuple):
    """One row of offers_offer: every column but the id and the generated search vector."""

    kind: str
    title: str
    slug: str
    description: str
    description_text: str
    employer_name: str
    employer_siren: str
    employer_siret: str
    employer_kind: str
    commune_id: str
    departement_id: str
    region_id: str
    latitude: float
    longitude: float
    programmes: list[str]
    remote: str
    contract: str
    duration_months: int | None
    working_time_percent: int | None
    start_date: dt.date | None
    salary_min: int | None
    salary_max: int | None
    salary_text: str
    education_level: str
    experience: str
    apply_url: str
    apply_email: str
    source: str
    external_id: str
    source_url: str
    content_hash: str
    status: str
    published_at: dt.datetime | None
    expires_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


# The columns a COPY writes, named by the row itself.
COPY_COLUMNS: tuple[str, ...] = OfferRow._fields
# What an update rewrites: everything but the identity and the creation date.
UPDATED_COLUMNS: tuple[str, ...] = tuple(c for c in COPY_COLUMNS if c not in {"source", "external_id", "created_at"})
EVENT_COLUMNS = ("offer_id", "kind", "from_status", "to_status", "at", "actor_id", "feed_run_id", "reason")


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


class BulkWriter:
    """Writes offers in bulk on `cursor` (a psycopg 3 cursor inside the caller's transaction), records
    an offer event for each change, and makes cached offer pages stale once the transaction commits.

    `feed_run_id` and `actor_id` say who made the changes, on their events.
    """

    def __init__(
        self, cursor: psycopg.Cursor[Any], *, feed_run_id: int | None = None, actor_id: int | None = None
    ) -> None:
        self.cursor = cursor
        self.feed_run_id = feed_run_id
        self.actor_id = actor_id
        self._stale = False
        prepare_bulk_write(cursor)

    def _changed(self) -> None:
        if not self._stale:
            self._stale = True
            bump_offers_version()  # after commit

    # --- Creating -------------------------------------------------------------------------------

    @contextmanager
    def inserting(self, table: str = OFFER_TABLE) -> Iterator[Callable[[OfferRow], None]]:
        """COPY rows into `table` (the offers table, or a temporary table of the same columns) as they
        come: `with writer.inserting() as insert: insert(row)`. Rows COPYed into the offers table are
        new offers: record their events with `record_created` once the COPY is over."""
        columns = ", ".join(COPY_COLUMNS)
        written = 0
        with self.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608  # nosec B608 - names from this module
            write_row = copy.write_row

            def insert(row: OfferRow) -> None:
                nonlocal written
                write_row(row)
                written += 1

            yield insert
        if written and table == OFFER_TABLE:
            self._changed()

    def record_created(self, *, source: str, created_at: dt.datetime | None = None, reason: str = "") -> int:
        """Events of the new offers of `source`: those created at `created_at` (one write's new rows),
        or, without it, those that have no event yet. An offer with a publication date was « published »
        then (from no status); one without is « created » in its status; a closed one was then « closed »
        at its closing date. Returns the number of events."""
        new = (
            "o.created_at = %(created_at)s"
            if created_at is not None
            else f"NOT EXISTS (SELECT 1 FROM {EVENT_TABLE} AS e WHERE e.offer_id = o.id)"  # noqa: S608  # nosec B608
        )
        self.cursor.execute(
            f"""
            WITH new AS (SELECT id, status, published_at, closed_at, created_at,
                                %(actor)s::bigint AS actor_id, %(run)s::bigint AS feed_run_id
                           FROM {OFFER_TABLE} AS o WHERE o.source = %(source)s AND {new})
            INSERT INTO {EVENT_TABLE} ({", ".join(EVENT_COLUMNS)})
            SELECT id, %(published_kind)s, '', %(published)s, published_at, actor_id, feed_run_id, %(reason)s
              FROM new WHERE published_at IS NOT NULL
            UNION ALL
            SELECT id, %(created_kind)s, '', status, created_at, actor_id, feed_run_id, %(reason)s
              FROM new WHERE published_at IS NULL
            UNION ALL
            SELECT id, %(closed_kind)s, %(published)s, status, closed_at, actor_id, feed_run_id, %(reason)s
              FROM new WHERE published_at IS NOT NULL AND status = ANY(%(closed)s)
            """,  # noqa: S608  # nosec B608 - table names from model metadata, values as parameters
            {
                "published": OfferStatus.PUBLISHED,
                "published_kind": EventKind.PUBLISHED,
                "created_kind": EventKind.CREATED,
                "closed_kind": EventKind.CLOSED,
                "closed": [str(status) for status in CLOSED_STATUSES],
                "actor": self.actor_id,
                "run": self.feed_run_id,
                "reason": reason,
                "source": source,
                "created_at": created_at,
            },
        )
        return int(self.cursor.rowcount)

    # --- Changing -------------------------------------------------------------------------------

    def update(
        self, rows: Sequence[tuple[int, str, OfferRow]], *, at: dt.datetime, keep_publication_date: bool = True
    ) -> int:
        """Rewrite offers by id: `(id, status before, new row)`. An offer that comes back to
        `published` from another status is « published » again; the others are « updated ».
        With `keep_publication_date`, an offer keeps its first publication date when it has one."""
        if not rows:
            return 0
        columns = ", ".join(COPY_COLUMNS)
        # Dropped at commit; a caller's enclosing transaction (a test's) may hold an earlier one.
        self.cursor.execute("DROP TABLE IF EXISTS pg_temp.offer_change")
        self.cursor.execute(
            f"CREATE TEMPORARY TABLE offer_change ON COMMIT DROP AS SELECT id, {columns} FROM {OFFER_TABLE} WITH NO DATA"  # noqa: S608, E501  # nosec B608 - names from model metadata
        )
        with self.cursor.copy(f"COPY offer_change (id, {columns}) FROM STDIN") as copy:  # noqa: S608  # nosec B608
            for pk, _before, row in rows:
                copy.write_row((pk, *row))
        assignments = ", ".join(
            "published_at = COALESCE(o.published_at, t.published_at)"
            if c == "published_at" and keep_publication_date
            else f"{c} = t.{c}"
            for c in UPDATED_COLUMNS
        )
        self.cursor.execute(
            f"UPDATE {OFFER_TABLE} AS o SET {assignments} FROM offer_change AS t WHERE o.id = t.id"  # noqa: S608  # nosec B608 - names from this module
        )
        count = int(self.cursor.rowcount)
        self.record(
            (
                pk,
                EventKind.PUBLISHED if row.status == OfferStatus.PUBLISHED != before else EventKind.UPDATED,
                before,
                row.status,
                at,
                "",
            )
            for pk, before, row in rows
        )
        self._changed()
        return count

    def close(self, ids: Sequence[int], *, status: str, at: dt.datetime, reason: str) -> int:
        """Close the published offers among `ids` (`withdrawn`, `filled` or `expired`) at `at`."""
        if not ids:
            return 0
        self.cursor.execute(
            f"""
            UPDATE {OFFER_TABLE} SET status = %s, closed_at = %s, updated_at = %s
             WHERE id = ANY(%s) AND status = %s RETURNING id
            """,  # noqa: S608  # nosec B608 - table name from model metadata
            [status, at, at, list(ids), OfferStatus.PUBLISHED],
        )
        closed = [pk for (pk,) in self.cursor.fetchall()]
        self.record((pk, EventKind.CLOSED, OfferStatus.PUBLISHED, status, at, reason) for pk in closed)
        if closed:
            self._changed()
        return len(closed)

    def upsert_from(self, table: str, *, source: str) -> tuple[int, int]:
        """Insert the rows of `table` (a temporary table of `COPY_COLUMNS` for `source`) or update the
        offers of the same `(source, external_id)` whose content hash differs; records their events.
        Returns (created, updated)."""
        columns = ", ".join(COPY_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATED_COLUMNS)
        self.cursor.execute(
            f"""
            WITH upserted AS (
                INSERT INTO {OFFER_TABLE} ({columns}) SELECT {columns} FROM {table}
                ON CONFLICT (source, external_id) WHERE NOT external_id = ''
                DO UPDATE SET {updates} WHERE {OFFER_TABLE}.content_hash IS DISTINCT FROM EXCLUDED.content_hash
                RETURNING id, status, updated_at, xmax = 0 AS inserted
            ), changed AS (
                INSERT INTO {EVENT_TABLE} ({", ".join(EVENT_COLUMNS)})
                SELECT id, %(updated)s, status, status, updated_at, %(actor)s::bigint, %(run)s::bigint, ''
                  FROM upserted WHERE NOT inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
            """,  # noqa: S608  # nosec B608 - table and column names from model metadata and this module
            {"updated": EventKind.UPDATED, "actor": self.actor_id, "run": self.feed_run_id},
        )
        created, updated = self.cursor.fetchone() or (0, 0)
        if created:
            self.record_created(source=source)
        if created or updated:
            self._changed()
        return int(created), int(updated)

    @contextmanager
    def without_secondary_indexes(self) -> Iterator[list[str]]:
        """Drop the offers' secondary indexes (none that backs a key or a constraint) and build them again
        at the end, in the caller's transaction: a large load into a small table is about twice as fast
        (readers of the table wait meanwhile). Yields the names of the indexes dropped."""
        self.cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
              FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid
             WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique
               AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid)
             ORDER BY i.relname
            """,
            [OFFER_TABLE],
        )
        indexes = [(name, definition) for name, definition in self.cursor.fetchall()]
        for name, _definition in indexes:
            self.cursor.execute(f'DROP INDEX "{name}"')
        yield [name for name, _definition in indexes]
        # CREATE INDEX refuses to run while deferred foreign-key checks are pending: run them now.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            self.cursor.execute(definition)

    def truncate(self) -> int:
        """Empty the offers table and their events (the demo seeder's `--replace` when it holds only demo
        offers: much faster than DELETE, and rebuilt indexes will not hold the deleted rows)."""
        self.cursor.execute(f"SELECT count(*) FROM {OFFER_TABLE}")  # noqa: S608  # nosec B608
        count = int((self.cursor.fetchone() or (0,))[0])
        # TRUNCATE refuses to run while deferred foreign-key checks are pending: run them first.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute(f"TRUNCATE {EVENT_TABLE}, {OFFER_TABLE}")
        if count:
            self._changed()
        return count

    def analyze(self) -> None:
        """Refresh the planner's statistics of the offers table after a large change."""
        self.cursor.execute(f"ANALYZE {OFFER_TABLE}")

    def delete(self, where: str, params: Sequence[Any]) -> int:
        """Delete offers (demo offers only: real ones are closed, never deleted); their events go with them."""
        # The events first: Django's CASCADE is Python's, the database's foreign key does not cascade.
        self.cursor.execute(
            f"DELETE FROM {EVENT_TABLE} WHERE offer_id IN (SELECT o.id FROM {OFFER_TABLE} AS o WHERE {where})",  # noqa: S608  # nosec B608 - callers' SQL
            params,
        )
        self.cursor.execute(f"DELETE FROM {OFFER_TABLE} AS o WHERE {where}", params)  # noqa: S608  # nosec B608 - callers' SQL
        count = int(self.cursor.rowcount)
        if count:
            self._changed()
        return count

    # --- Events ---------------------------------------------------------------------------------

    def record(self, events: Iterable[tuple[int, str, str, str, dt.datetime, str]]) -> None:
        """COPY events `(offer id, kind, status before, status after, when, why)` made by this writer."""
        with self.cursor.copy(f"COPY {EVENT_TABLE} ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:  # noqa: S608  # nosec B608
            for pk, kind, before, after, at, reason in events:
                copy.write_row((pk, kind, before, after, at, self.actor_id, self.feed_run_id, reason))
