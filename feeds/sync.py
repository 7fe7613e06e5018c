"""The sync engine: one run of one feed, from its document to the offers table and the run report.

A run (`run_feed`):

1. takes the feed's lock (a PostgreSQL session advisory lock: at most one run of a feed at a time, and
   the lock goes with the connection when a worker dies), records which process runs it, and writes a
   sign of life every FEEDS_RUN_HEARTBEAT_SECONDS from a thread of its own (`heartbeat`), from which a
   run whose process died is seen and closed (`feeds.services.mark_lost_runs`);
2. reads the records (`feeds.sources.open_location` + the format's `parse`, or the France Travail
   API client), in one transaction with the writes, so a run that fails or is killed leaves nothing;
3. for each record: id required, duplicates of an id inside the feed counted and skipped (the first
   wins), content hash = hash(format version, default kind, fingerprint). A record whose hash matches
   its offer (not withdrawn) is unchanged: not mapped, its row not touched. Others are mapped by the
   format's `to_offer`; a `RecordError` sets the record aside with its reason and raw text;
4. writes: new offers are COPYed straight into `offers_offer` while the document is still being read
   (PostgreSQL computes the search vectors meanwhile); changed ones go through a temporary table and
   one UPDATE;
5. withdraws the feed's published offers absent from the document (status `withdrawn`, never
   deleted), unless the guard stops it: an empty feed, an incomplete one (the API's cap), or more
   than the feed's threshold of its published offers to withdraw → nothing withdrawn, the run is
   « suspecte » and staff are e-mailed;
6. saves the report and the rejected records in the same transaction, so that the report always
   tells what the run did, and commits (a dry run rolls back, then saves its report); ANALYZEs the
   table after a large change, and makes cached offer pages stale.

Network faults (`FeedError.retryable`) propagate to the caller: the Celery task retries them with
back-off; the command fails at once.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from feeds import formats
from feeds.alerts import alert
from feeds.checks import check_offer, strip_unsafe_text
from feeds.enums import FeedFormat, RunStatus
from feeds.models import Feed, FeedRun, RejectedRecord
from feeds.places import CommunePlaces
from feeds.records import (
    FeedError,
    Limits,
    MappingContext,
    OfferData,
    Place,
    PlaceResolver,
    RecordError,
    SourceRecord,
)
from feeds.sources import open_location, too_big
from offers.bulk import BulkWriter, OfferRow
from offers.enums import (
    OfferStatus,
)
from offers.models import offer_slug
from partnership.db import allow_long_statements
from partnership.formatting import number
from partnership.text import has_unsafe_characters, visible_controls

logger = logging.getLogger(__name__)

# Namespace of the feeds' advisory locks (pg_try_advisory_lock(namespace, feed id)): "FEED".
LOCK_NAMESPACE = 0x46454544
# ANALYZE the offers table after a run that created, changed or withdrew at least this many offers.
ANALYZE_AFTER_CHANGES = 1_000


class FeedBusy(Exception):
    """Another run of the feed holds its lock."""


Progress = Callable[[int, int, int], None]  # records read, bytes read, bytes in all (0 when unknown)


@dataclass
class Outcome:
    """What a run did, before it is saved on the `FeedRun`."""

    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    duplicates: int = 0
    withheld_withdrawals: int = 0
    suspicious_reason: str = ""
    rejections: list[RejectedRecord] = field(default_factory=list)
    # Seconds since the start of the run at the end of each phase, for the logs and the benchmark.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return len(self.rejections)


# --------------------------------------------------------------------------------------------------
# Reading


def content_hasher(version: int, default_kind: str) -> Callable[[str], str]:
    """fingerprint → content hash: BLAKE2b of the format's version, the feed's default kind and the
    record's fingerprint (the prefix is hashed once)."""
    prefix = hashlib.blake2b(f"{version}\x1e{default_kind}\x1e".encode(), digest_size=32)

    def digest(fingerprint: str) -> str:
        h = prefix.copy()
        h.update(fingerprint.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    return digest


class _CountingStream:
    """A read-only wrapper counting the bytes read, for the progress bar."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

    def read1(self, size: int = -1) -> bytes:  # what io.TextIOWrapper reads with
        data = self._stream.read1(size) if hasattr(self._stream, "read1") else self._stream.read(size)
        self.count += len(data)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _size(stream: IO[bytes]) -> int:
    try:
        position = stream.tell()
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(position)
    except (OSError, ValueError, AttributeError):
        return 0
    return size


@dataclass
class Source:
    records: Iterable[SourceRecord]
    complete: Callable[[], bool]
    bytes_read: Callable[[], int]
    bytes_total: int
    close: Callable[[], None]


def open_source(feed: Feed, limits: Limits, *, stream: IO[bytes] | None = None, allow_any_file: bool = False) -> Source:
    """The records of the feed: from `stream` when given, the France Travail API when the feed has
    credentials and a remote location, else the document at the feed's location."""
    fmt = formats.get(feed.format)
    if stream is None and feed.format == FeedFormat.FRANCE_TRAVAIL and feed.is_remote and feed.credentials_env:
        from feeds.clients.france_travail import iter_records

        records, is_complete = iter_records(feed, limits)
        return Source(records, is_complete, lambda: 0, 0, lambda: None)

    if stream is None:
        stream = open_location(
            feed.location, limits=limits, credentials_env=feed.credentials_env, allow_any_file=allow_any_file
        )
    total = _size(stream)
    if total > limits.max_bytes:
        stream.close()
        raise too_big(total, limits)
    counting = _CountingStream(stream)
    return Source(fmt.parse(counting, limits), lambda: True, lambda: counting.count, total, stream.close)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Locking


@contextmanager
def feed_lock(feed: Feed) -> Iterator[None]:
    """Hold the feed's advisory lock on this connection; `FeedBusy` when another run holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, feed.pk])
        row = cursor.fetchone()
    if not row or not row[0]:
        raise FeedBusy(f"Une autre synchronisation du flux « {feed.name} » est en cours.")
    try:
        yield
    finally:
        if connection.connection is not None and not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, feed.pk])


# --------------------------------------------------------------------------------------------------
# The run


def _row(data: OfferData, *, source: str, external_id: str, digest: str, now: dt.datetime) -> OfferRow:
    place = data.place
    return OfferRow(
        kind=data.kind,
        title=data.title,
        slug=offer_slug(data.title),
        description=data.description,
        description_text=data.description_text,
        employer_name=data.employer_name,
        employer_siren=data.employer_siren,
        employer_siret=data.employer_siret,
        employer_kind=data.employer_kind,
        commune_id=place.code,
        departement_id=place.departement_id,
        region_id=place.region_id,
        latitude=place.latitude,
        longitude=place.longitude,
        programmes=list(place.programmes),
        remote=data.remote,
        contract=data.contract,
        duration_months=data.duration_months,
        working_time_percent=data.working_time_percent,
        start_date=data.start_date,
        salary_min=data.salary_min,
        salary_max=data.salary_max,
        salary_text=data.salary_text,
        education_level=data.education_level,
        experience=data.experience,
        apply_url=data.apply_url,
        apply_email=data.apply_email,
        source=source,
        external_id=external_id,
        source_url=data.source_url,
        content_hash=digest,
        status=OfferStatus.PUBLISHED,
        published_at=data.published_at or now,
        expires_at=data.expires_at,
        closed_at=None,
        created_at=now,
        updated_at=now,
    )


def _map(fmt: Any, record: SourceRecord, context: MappingContext) -> OfferData:
    data = fmt.to_offer(record, context)
    strip_unsafe_text(data)
    check_offer(data)
    # Without a publication date the offer is published now: its end date must be later than now.
    if data.expires_at is not None and data.expires_at <= context.now:
        raise RecordError(f"Offre déjà expirée (date limite : {timezone.localtime(data.expires_at):%d/%m/%Y})")
    return data


def _reject(outcome: Outcome, record: SourceRecord, reason: str) -> None:
    outcome.rejections.append(
        RejectedRecord(
            external_id=visible_controls(record.external_id)[:200],
            reason=visible_controls(reason),
            raw=visible_controls(record.raw_text()),
        )
    )


def _existing(source: str) -> dict[str, tuple[int, str, str]]:
    """external id → (offer id, content hash, status) of the feed's offers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT external_id, id, content_hash, status FROM offers_offer WHERE source = %s AND external_id <> ''",
            [source],
        )
        return {external_id: (pk, digest, status) for external_id, pk, digest, status in cursor.fetchall()}


def _guard(feed: Feed, outcome: Outcome, published: int, to_withdraw: int, complete: bool) -> str:
    """Why withdrawals must not happen this run ("" when they may)."""
    if outcome.records == 0:
        return "Flux vide : aucun enregistrement lu, aucune offre retirée."
    if not complete:
        return "Flux incomplet (plafond de résultats de la source atteint) : aucune offre retirée."
    if published and to_withdraw * 100 > feed.withdrawal_threshold * published:
        share = 100 * to_withdraw / published
        return (
            f"{number(to_withdraw)} offres publiées sur {number(published)} ({number(share)}\u00a0%) absentes du "
            f"flux, au-delà du seuil de {feed.withdrawal_threshold}\u00a0% : aucune offre retirée."
        )
    return ""


@contextmanager
def _no_gc() -> Iterator[None]:
    """No cyclic garbage collection while a run reads and writes: its tens of thousands of dicts and
    strings make no cycles, yet trigger collections that scan them all again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _LazyPlaces:
    """The communes, loaded at the first record that needs them (an unchanged run needs none).

    They are loaded in a thread of their own, so on a database connection of its own: the run's
    connection is busy with its COPY by then."""

    def __init__(self, load: Callable[[], PlaceResolver]) -> None:
        self._load = load
        self._places: PlaceResolver | None = None

    def _load_apart(self) -> PlaceResolver:
        try:
            return self._load()
        finally:
            connections.close_all()  # this thread's connection

    def resolve(self, **clues: str | None) -> Place:
        if self._places is None:
            with ThreadPoolExecutor(max_workers=1) as executor:
                self._places = executor.submit(self._load_apart).result()
        return self._places.resolve(**clues)


def _sync(
    feed: Feed,
    run: FeedRun,
    source: Source,
    *,
    now: dt.datetime,
    progress: Progress | None,
) -> Outcome:
    started = time.perf_counter()

    fmt = formats.get(feed.format)
    outcome = Outcome()
    context = MappingContext(default_kind=feed.default_kind, places=_LazyPlaces(CommunePlaces.load), now=now)
    hash_of = content_hasher(fmt.VERSION, feed.default_kind)
    slug = feed.slug
    existing = _existing(slug)
    seen: set[str] = set()
    updates: list[tuple[int, str, OfferRow]] = []
    withdrawn_status = OfferStatus.WITHDRAWN

    with transaction.atomic(), connection.cursor() as django_cursor:
        writer = BulkWriter(django_cursor.cursor, feed_run_id=run.pk)  # psycopg 3's cursor, for COPY
        with writer.inserting() as insert:
            for record in source.records:
                outcome.records += 1
                if progress and outcome.records % 1000 == 0:
                    progress(outcome.records, source.bytes_read(), source.bytes_total)
                external_id = record.external_id
                if not external_id:
                    _reject(outcome, record, "Identifiant manquant : l'enregistrement n'a pas de référence à la source")
                    continue
                if len(external_id) > 200:
                    _reject(outcome, record, f"Identifiant trop long : {len(external_id)} caractères pour 200 au plus")
                    continue
                if has_unsafe_characters(external_id):
                    _reject(outcome, record, "Identifiant invalide : il contient un caractère de contrôle")
                    continue
                if external_id in seen:
                    outcome.duplicates += 1
                    continue
                seen.add(external_id)
                digest = hash_of(record.fingerprint)
                known = existing.get(external_id)
                if known is not None and known[1] == digest and known[2] != withdrawn_status:
                    outcome.unchanged += 1
                    continue
                try:
                    data = _map(fmt, record, context)
                except RecordError as error:
                    _reject(outcome, record, str(error))
                    continue
                row = _row(data, source=slug, external_id=external_id, digest=digest, now=now)
                if known is None:
                    insert(row)
                    outcome.created += 1
                else:
                    updates.append((known[0], known[2], row))
        outcome.timings["read"] = time.perf_counter() - started
        if progress:
            progress(outcome.records, source.bytes_read(), source.bytes_total)
        if outcome.created:
            writer.record_created(source=slug, created_at=now)
        outcome.updated = writer.update(updates, at=now)
        outcome.timings["updated"] = time.perf_counter() - started

        # Withdrawals of the published offers absent from the feed (not those set aside: they are there).
        rejected_ids = {r.external_id for r in outcome.rejections}
        absent = [
            pk
            for external_id, (pk, _digest, status) in existing.items()
            if status == OfferStatus.PUBLISHED and external_id not in seen and external_id not in rejected_ids
        ]
        published = sum(1 for _pk, _digest, status in existing.values() if status == OfferStatus.PUBLISHED)
        reason = _guard(feed, outcome, published, len(absent), source.complete())
        if reason:
            outcome.suspicious_reason = reason
            outcome.withheld_withdrawals = len(absent)
        elif absent:
            outcome.withdrawn = writer.close(absent, status=withdrawn_status, at=now, reason="Absente du flux")
        outcome.timings["withdrawn"] = time.perf_counter() - started
        if run.dry_run:
            transaction.set_rollback(True)
        else:
            # The report commits with the offers: it always tells what the run did.
            _finish(run, outcome, status=_status(outcome))
    if run.dry_run:
        _finish(run, outcome, status=_status(outcome))
    outcome.timings["committed"] = time.perf_counter() - started
    return outcome


def _status(outcome: Outcome) -> str:
    return RunStatus.SUSPICIOUS if outcome.suspicious_reason else RunStatus.SUCCEEDED


_REPORTED = (
    "records",
    "created",
    "updated",
    "unchanged",
    "withdrawn",
    "rejected",
    "duplicates",
    "withheld_withdrawals",
    "suspicious_reason",
)
_NOTHING = {"suspicious_reason": ""}


def _finish(run: FeedRun, outcome: Outcome | None, *, status: str, error: str = "") -> FeedRun:
    run.status = status
    run.finished_at = timezone.now()
    run.error = error
    # Without an outcome (a failed run) nothing was written: the counts say so.
    for name in _REPORTED:
        setattr(run, name, getattr(outcome, name) if outcome is not None else _NOTHING.get(name, 0))
    with transaction.atomic():
        run.save()
        if outcome is not None and outcome.rejections:
            for rejection in outcome.rejections:
                rejection.run = run
            RejectedRecord.objects.bulk_create(outcome.rejections, batch_size=1000)
    return run


def start_run(run: FeedRun) -> None:
    """Mark `run` as running (one more attempt) by this process, with a first sign of life."""
    now = timezone.now()
    run.status = RunStatus.RUNNING
    run.attempts += 1
    run.started_at = run.started_at or now
    run.worker = f"{socket.gethostname()}:{os.getpid()}"[:200]
    run.heartbeat_at = now
    run.error = ""
    run.save(update_fields=["status", "attempts", "started_at", "worker", "heartbeat_at", "error"])


@contextmanager
def heartbeat(run: FeedRun, every: float) -> Iterator[None]:
    """Write the run's sign of life every `every` seconds while the block runs.

    From a thread with its own database connection, in autocommit: the run's own connection is
    inside its long transaction, whose writes nobody sees before the end."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                FeedRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:  # the run goes on; without heartbeats it may be taken for lost
            logger.exception("feed run %s: heartbeat failed", run.pk)
        finally:
            connections.close_all()  # this thread's connection

    thread = threading.Thread(target=beat, name=f"feed-run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def run_feed(
    run: FeedRun,
    *,
    stream: IO[bytes] | None = None,
    allow_any_file: bool = False,
    progress: Progress | None = None,
    retrying: bool = False,
) -> FeedRun:
    """Carry out `run` (see the module docstring); returns it, saved with its report.

    Raises `FeedBusy` when another run of the feed holds the lock (the run is left as it was), and a
    retryable `FeedError` when `retrying` is true (the caller will try again; the run is marked
    « nouvel essai prévu » with the reason). Any other failure is recorded on the run (« échouée »)
    and staff are told.
    """
    feed = run.feed
    limits = Limits(max_bytes=feed.max_bytes, max_records=feed.max_records)
    started = time.perf_counter()
    with feed_lock(feed):
        start_run(run)
        try:
            with _no_gc(), heartbeat(run, settings.FEEDS_RUN_HEARTBEAT_SECONDS):
                source = open_source(feed, limits, stream=stream, allow_any_file=allow_any_file)
                try:
                    outcome = _sync(feed, run, source, now=timezone.now(), progress=progress)
                finally:
                    source.close()
        except FeedError as error:
            if error.retryable and retrying:
                run.status = RunStatus.RETRYING
                run.error = error.reason
                run.save(update_fields=["status", "error"])
                raise
            _finish(run, None, status=RunStatus.FAILED, error=error.reason)
            alert(run)
            return run
        except Exception as error:
            logger.exception("feed run %s failed", run.pk)
            _finish(run, None, status=RunStatus.FAILED, error=f"Erreur interne : {type(error).__name__}")
            alert(run)
            raise
    status = run.status
    if not run.dry_run and outcome.created + outcome.updated + outcome.withdrawn >= ANALYZE_AFTER_CHANGES:
        with transaction.atomic(), connection.cursor() as cursor:
            allow_long_statements(cursor)
            cursor.execute("ANALYZE offers_offer")
    outcome.timings["total"] = time.perf_counter() - started
    run.timings = outcome.timings
    logger.info(
        "feed run finished",
        extra={
            "feed": feed.slug,
            "run_id": run.pk,
            "run_status": str(run.status),
            **{
                f"count_{name}": getattr(run, name)
                for name in ("records", "created", "updated", "unchanged", "withdrawn", "rejected", "duplicates")
            },
            **{f"seconds_{phase}": round(seconds, 3) for phase, seconds in outcome.timings.items()},
        },
    )
    if status == RunStatus.SUSPICIOUS:
        alert(run)
    return run


def fail_run(run: FeedRun, reason: str) -> None:
    """Record a run that will not be tried again, and tell staff."""
    _finish(run, None, status=RunStatus.FAILED, error=reason)
    alert(run)
