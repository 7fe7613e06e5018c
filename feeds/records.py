"""What formats, places and the sync engine exchange: records in, offers out, and their errors.

A format (`feeds.formats.<name>`) reads a document into `SourceRecord`s (`parse`) and turns one
record into an `OfferData` (`to_offer`, a pure function: same record and context, same offer; no
database, no network). The sync engine (`feeds.sync`) does everything else: fetching, limits,
duplicates, content hashes, writing, withdrawals, the report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

# Longest raw record kept with a rejection (the rest is cut, with a mark).
MAX_RAW_CHARS = 20_000


class FeedError(Exception):
    """The whole document or source is unusable (malformed, too big, forbidden, unreachable…).

    `str(error)` is a readable French reason, shown to staff. `retryable` marks network faults that a
    later attempt may not meet (timeouts, 5xx, 429): the task retries them with back-off.
    """

    def __init__(self, reason: str, *, retryable: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class RecordError(Exception):
    """One record cannot become an offer; `str(error)` is a readable French reason (« Lieu introuvable : … »)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 32 * 1024 * 1024
    max_records: int = 100_000


class SourceRecord:
    """One record as read from the document.

    - `external_id`: the record's id at the source, stripped; "" when the record has none (the
      engine rejects it).
    - `fields`: what the parser read, the input of `to_offer` (a dict for every current format). A
      parser may give a callable that builds the dict instead: it is called at the first access, so
      an unchanged record (never mapped) costs nothing more.
    - `fingerprint`: a cheap, stable text of the whole content (e.g. the values joined with a
      separator, or the raw line), from which the engine computes the content hash; two records
      with the same fingerprint must map to the same offer.
    - `raw`: the record as received, for staff when it is rejected (a string, or a callable that
      builds it, to keep parsing cheap).
    """

    __slots__ = ("_fields", "external_id", "fingerprint", "raw")

    def __init__(
        self,
        external_id: str,
        fields: dict[str, Any] | Callable[[], dict[str, Any]],
        fingerprint: str,
        raw: str | Callable[[], str],
    ) -> None:
        self.external_id = external_id
        self._fields = fields
        self.fingerprint = fingerprint
        self.raw = raw

    @property
    def fields(self) -> dict[str, Any]:
        if callable(self._fields):
            self._fields = self._fields()
        return self._fields

    def __repr__(self) -> str:
        return f"SourceRecord(external_id={self.external_id!r}, fingerprint={self.fingerprint[:60]!r}…)"

    def raw_text(self) -> str:
        text = self.raw() if callable(self.raw) else self.raw
        if len(text) > MAX_RAW_CHARS:
            return text[:MAX_RAW_CHARS] + "\n[… coupé]"
        return text


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved commune, with what an offer copies from it."""

    code: str
    name: str
    departement_id: str
    region_id: str
    latitude: float
    longitude: float
    programmes: tuple[str, ...]


class PlaceResolver(Protocol):
    def resolve(
        self,
        *,
        insee: str | None = None,
        postcode: str | None = None,
        name: str | None = None,
        label: str | None = None,
    ) -> Place:
        """The commune of these clues, tried in order: INSEE code (old codes through mergers), then
        postcode and name, then a label such as « 74 - Annecy » or « Annecy (74) ». Raises
        `RecordError` with a readable reason when none resolves to exactly one commune: never guess."""
        ...


@dataclass(frozen=True, slots=True)
class MappingContext:
    default_kind: str  # the feed's default offer kind (an OfferKind value)
    places: PlaceResolver
    now: dt.datetime  # aware; the run's start, for defaults such as the publication date


@dataclass(slots=True)
class OfferData:
    """An offer as a format maps it: the values of `offers.Offer`'s fields (see that model).

    `description` is sanitised HTML (`offers.html.clean_html`) and `description_text` its text
    (`offers.html.html_to_text`). Strings are stripped and fit their column's max_length (cut, not
    rejected, for free text; rejected for codes). Choice fields hold the enum values of
    `offers.enums`. `published_at` is aware; `expires_at`, when known, is after it.
    """

    kind: str
    title: str
    description: str
    description_text: str
    employer_name: str
    employer_kind: str
    place: Place
    contract: str
    employer_siren: str = ""
    employer_siret: str = ""
    remote: str = "aucun"
    duration_months: int | None = None
    working_time_percent: int | None = None
    start_date: dt.date | None = None
    salary_min: int | None = None
    salary_max: int | None = None
    salary_text: str = ""
    education_level: str = ""
    experience: str = ""
    apply_url: str = ""
    apply_email: str = ""
    source_url: str = ""
    published_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # unused by the engine; for tests and debugging


class Format(Protocol):
    """A feed format: `feeds.formats.get(name)` returns the module, which has these attributes."""

    NAME: str  # "france-travail", "apec", "xml-jobs", "csv"
    LABEL: str
    # Bump when `to_offer` changes what it makes of a record: every offer of the format is re-mapped
    # at the next run (the version is part of the content hash).
    VERSION: int

    def parse(self, stream: IO[bytes], limits: Limits) -> Iterator[SourceRecord]:
        """The records of a whole document, in order, yielded as the document is read (every format
        here streams). Raises `FeedError` when the document is malformed or forbidden (DTD,
        entities, not the expected root…) or holds more than `limits.max_records` records, possibly
        after records were yielded: the engine's transaction takes those back. (The engine enforces
        `limits.max_bytes` before parsing.)"""
        ...

    def to_offer(self, record: SourceRecord, context: MappingContext) -> OfferData:
        """The offer of one record; raises `RecordError` with a readable reason."""
        ...
