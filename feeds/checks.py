"""Checks of an offer as a format mapped it, before the bulk writer takes it: its texts made safe and its
values within the offers table's constraints, so that one bad record is set aside with a reason
instead of aborting the COPY of the whole feed."""

from __future__ import annotations

import dataclasses

from feeds.mapping import check_dates
from feeds.records import OfferData, RecordError
from offers.bulk import COPY_COLUMNS
from offers.enums import Contract, EducationLevel, EmployerKind, Experience, OfferKind, Remote
from offers.models import Offer
from partnership.text import has_unsafe_characters, strip_unsafe_characters

_MAX_LENGTHS: dict[str, int] = {
    f.name: f.max_length for f in Offer._meta.concrete_fields if f.max_length and f.attname in COPY_COLUMNS
}
_CHOICES = {
    "kind": frozenset(OfferKind.values),
    "employer_kind": frozenset(EmployerKind.values),
    "remote": frozenset(Remote.values),
    "contract": frozenset(Contract.values),
}
_CHECKED_LENGTHS = (
    "title",
    "employer_name",
    "employer_siren",
    "employer_siret",
    "salary_text",
    "apply_url",
    "apply_email",
    "source_url",
)
_OPTIONAL_CHOICES = {"education_level": frozenset(EducationLevel.values), "experience": frozenset(Experience.values)}


def check_offer(data: OfferData) -> None:
    """Raise `RecordError` when `data` would break a constraint of the offers table."""
    for name, allowed in _CHOICES.items():
        if getattr(data, name) not in allowed:
            raise RecordError(f"Valeur invalide pour {name} : {getattr(data, name)!r}")
    for name, allowed in _OPTIONAL_CHOICES.items():
        value = getattr(data, name)
        if value and value not in allowed:
            raise RecordError(f"Valeur invalide pour {name} : {value!r}")
    if not data.title.strip():
        raise RecordError("Intitulé manquant")
    if not data.employer_name.strip():
        raise RecordError("Employeur manquant")
    for name in _CHECKED_LENGTHS:
        limit = _MAX_LENGTHS[name]
        if len(getattr(data, name)) > limit:
            raise RecordError(f"{name} trop long : {len(getattr(data, name))} caractères pour {limit} au plus")
    if data.duration_months is not None and not 1 <= data.duration_months <= 120:
        raise RecordError(f"Durée invalide : {data.duration_months} mois (de 1 à 120)")
    if data.working_time_percent is not None and not 1 <= data.working_time_percent <= 100:
        raise RecordError(f"Temps de travail invalide : {data.working_time_percent} % (de 1 à 100)")
    for name in ("salary_min", "salary_max"):
        value = getattr(data, name)
        if value is not None and not 0 <= value < 2**31:
            raise RecordError(f"Salaire invalide : {value}")
    if data.salary_min is not None and data.salary_max is not None and data.salary_min > data.salary_max:
        raise RecordError(f"Salaire minimum ({data.salary_min}) supérieur au maximum ({data.salary_max})")
    check_dates(data.published_at, data.expires_at)


# The descriptions come from `feeds.mapping.description_from_html` / `description_from_text`, which
# strip these characters as they process the text: here only a guard against NUL, which is cheap on
# a long text (the regular expression costs about 6 µs a kilobyte, on every mapped record).
_DESCRIPTIONS = ("description", "description_text")
_TEXT_FIELDS = tuple(
    f.name for f in dataclasses.fields(OfferData) if f.type in ("str", str) and f.name not in _DESCRIPTIONS
)


def strip_unsafe_text(data: OfferData) -> None:
    """Remove control and bidi-override characters from every text of `data` (in place): one NUL in a
    cell must not fail the whole run (PostgreSQL refuses it), nor « gnp.exe » preceded by U+202E reach
    a page."""
    values = [getattr(data, name) for name in _TEXT_FIELDS]
    if has_unsafe_characters("\n".join(values)):  # one look at all the short texts; rarely more
        for name, value in zip(_TEXT_FIELDS, values, strict=True):
            if has_unsafe_characters(value):
                setattr(data, name, strip_unsafe_characters(value).strip())
    for name in _DESCRIPTIONS:
        value = getattr(data, name)
        if "\x00" in value:
            setattr(data, name, strip_unsafe_characters(value))
