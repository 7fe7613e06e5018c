"""What the format tests share: the real communes (from the test database), a mapping context, and
the records of a sample document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from feeds import formats
from feeds.places import CommunePlaces
from feeds.records import Limits, MappingContext, SourceRecord

SAMPLES = Path(__file__).parent / "samples"
NOW = dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC)


def load_places(django_db_blocker) -> CommunePlaces:
    """The real communes, for a module-scoped `places` fixture (the test database has them)."""
    with django_db_blocker.unblock():
        return CommunePlaces.load()


def context(places: CommunePlaces, default_kind: str = "vte") -> MappingContext:
    return MappingContext(default_kind=default_kind, places=places, now=NOW)


def sample_records(format_name: str, file_name: str, limits: Limits | None = None) -> dict[str, SourceRecord]:
    with (SAMPLES / file_name).open("rb") as stream:
        return {record.external_id: record for record in formats.get(format_name).parse(stream, limits or Limits())}
