"""The ANCT programmes' names and prose, read from `territories/data/programmes.toml`: their one source.

`ProgrammeCode`'s labels, the search filters and offer tags (short labels), the explanation shown to a job
seeker and the Programme rows written by the territories importer all come from that file, read once per
process. This module imports nothing from the app, so that `territories.enums` can use it.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "programmes.toml"
SUMMARY_MAX_LENGTH = 120


@dataclass(frozen=True)
class ProgrammeText:
    code: str
    slug: str
    name: str
    short_name: str
    summary: str
    description: str
    source: str


class ProgrammeFileError(ValueError):
    """`programmes.toml` lacks a field, repeats a code, or has a summary that is not one short line."""


def parse(text: str) -> tuple[ProgrammeText, ...]:
    names = [field.name for field in fields(ProgrammeText)]
    programmes = []
    for number, entry in enumerate(tomllib.loads(text).get("programme", []), start=1):
        missing = [name for name in names if not str(entry.get(name, "")).strip()]
        unknown = sorted(set(entry) - set(names))
        if missing or unknown:
            raise ProgrammeFileError(f"programme n° {number} : champs manquants {missing}, inconnus {unknown}")
        programme = ProgrammeText(**{name: entry[name].strip() for name in names})
        if "\n" in programme.summary or len(programme.summary) > SUMMARY_MAX_LENGTH:
            raise ProgrammeFileError(
                f"programme « {programme.code} » : le résumé tient sur une ligne de {SUMMARY_MAX_LENGTH} "
                "caractères au plus"
            )
        programmes.append(programme)
    for key in ("code", "slug"):
        values = [getattr(programme, key) for programme in programmes]
        if len(set(values)) != len(values):
            raise ProgrammeFileError(f"programmes.toml : {key} en double")
    return tuple(programmes)


@functools.cache
def programmes() -> tuple[ProgrammeText, ...]:
    """Every programme, in the order the portal lists them."""
    return parse(DATA_FILE.read_text(encoding="utf-8"))


@functools.cache
def by_code() -> dict[str, ProgrammeText]:
    return {programme.code: programme for programme in programmes()}


def name(code: str) -> str:
    """« Petites villes de demain »: the label of a programme."""
    return by_code()[code].name


@functools.cache
def short_names() -> dict[str, str]:
    """Code → short label (« Territoire d’industrie »), in the portal's order."""
    return {programme.code: programme.short_name for programme in programmes()}


@functools.cache
def summaries() -> dict[str, str]:
    """Code → one line of plain French for a job seeker."""
    return {programme.code: programme.summary for programme in programmes()}
