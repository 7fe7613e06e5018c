"""The common XML job-feed format (Indeed style): `<source>` holding `<job>` records.

Fields read: `referencenumber` (id), `title`, `date` (RFC 2822 « Tue, 05 Mar 2024 10:00:00 GMT »
or ISO), `expirationdate`, `url`, `company`, `city`, `state` (a département code or name),
`postalcode`, `country`, `description` (HTML in CDATA or escaped, with entities), `salary`,
`education`, `jobtype` (« CDI », « CDD 12 mois », « full-time », « apprenticeship »…), `category`,
`experience`, `remotetype`, `email`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from feeds import mapping
from feeds.formats.xml_records import read_records
from feeds.places import place_key
from feeds.records import Limits, MappingContext, OfferData, RecordError, SourceRecord
from territories.codes import is_departement_code

NAME = "xml-jobs"
LABEL = "Flux d'offres XML courant (<source><job>)"
VERSION = 1

ROOTS = ("source",)
RECORD_TAG = "job"
_FRANCE = frozenset({"", "fr", "fra", "france"})


def parse(stream: IO[bytes], limits: Limits) -> Iterator[SourceRecord]:
    return read_records(stream, limits, roots=ROOTS, record_tag=RECORD_TAG, id_tag="referencenumber")


def to_offer(record: SourceRecord, context: MappingContext) -> OfferData:
    get = record.fields.get
    title = mapping.required_title(get("title"))
    description, text = mapping.description_from_html(get("description"))
    mapping.required_description(description, text)
    employer_name = mapping.required_employer(get("company"))
    country = get("country", "")
    if place_key(country) not in _FRANCE:
        raise RecordError(f"Lieu hors de France : « {country} »")
    city, postcode = get("city", ""), get("postalcode", "")
    departement = _departement_of(context, get("state", ""))
    label = f"{city} ({departement})" if city and departement else city
    place = context.places.resolve(postcode=postcode, name=city if postcode else None, label=label)

    jobtype = get("jobtype", "")
    contract = mapping.contract_from_label(jobtype)
    salary = get("salary", "")
    salary_min, salary_max = mapping.salary_range(salary)
    published_at = mapping.parse_datetime(get("date")) or context.now
    expires_at = mapping.end_of_day(get("expirationdate"))
    mapping.check_dates(published_at, expires_at)
    kind = mapping.offer_kind(title, text, context.default_kind)
    url = mapping.web_address(get("url"))
    return OfferData(
        kind=kind,
        title=title,
        description=description,
        description_text=text,
        employer_name=employer_name,
        employer_kind=mapping.employer_kind(employer_name, kind),
        place=place,
        contract=contract,
        remote=mapping.remote_from_label(get("remotetype", "")),
        duration_months=mapping.contract_duration(contract, mapping.duration_months(jobtype)),
        working_time_percent=mapping.working_time_percent(jobtype),
        salary_min=salary_min,
        salary_max=salary_max,
        salary_text=mapping.salary_text(salary),
        education_level=mapping.education_level(get("education", "")),
        experience=mapping.experience(get("experience", "")),
        apply_url=url,
        apply_email=mapping.email_address(get("email")),
        source_url=url,
        published_at=published_at,
        expires_at=expires_at,
        extra={"category": get("category", "")},
    )


def _departement_of(context: MappingContext, state: str) -> str | None:
    """The département code that `state` gives (« 74 », « Haute-Savoie »), if any."""
    if not state:
        return None
    if is_departement_code(state):
        return state.strip().upper()
    departement_code = getattr(context.places, "departement_code", None)
    return departement_code(state) if departement_code else None
