"""The Apec XML offer feed: `<Offre_emploi>` records under `<Export_offres>` (or `<Offres>`).

Fields read: `Reference_apec` (id), `Date_parution` (« 17/12/2025 17:50:32 », Paris time),
`Date_expiration`, `Intitule`, `Contrat/Type_contrat` (« CDI », « CDD - Alternance - Contrat
d'apprentissage »), `Contrat/Duree_contrat` (months), `Statut` (« Cadre du secteur privé »),
`Niveau_experience`, `Niveau_etudes`, `Salaire_affiche` (« 18 - 22 k€ brut annuel »),
`Texte_offre` (HTML, in CDATA or escaped), `Nom_entreprise`, `URL`, `Teletravail`,
`Lieu/COG_lieu` (INSEE code), `Lieu/Libelle_lieu`, `Lieu/Code_postal`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from feeds import mapping
from feeds.formats.xml_records import read_records
from feeds.records import Limits, MappingContext, OfferData, SourceRecord

NAME = "apec"
LABEL = "Apec (XML)"
VERSION = 1

ROOTS = ("Export_offres", "Offres")
RECORD_TAG = "Offre_emploi"


def parse(stream: IO[bytes], limits: Limits) -> Iterator[SourceRecord]:
    return read_records(stream, limits, roots=ROOTS, record_tag=RECORD_TAG, id_tag="Reference_apec")


def to_offer(record: SourceRecord, context: MappingContext) -> OfferData:
    fields = record.fields
    get = fields.get
    title = mapping.required_title(get("Intitule"))
    description, text = mapping.description_from_html(get("Texte_offre"))
    mapping.required_description(description, text)
    employer_name = mapping.required_employer(get("Nom_entreprise"))
    place = context.places.resolve(insee=get("COG_lieu"), postcode=get("Code_postal"), name=get("Libelle_lieu"))

    contract_label = get("Type_contrat", "")
    contract = mapping.contract_from_label(contract_label)
    months = mapping.months_or_none(_integer(get("Duree_contrat", ""))) or mapping.duration_months(contract_label)
    salary = get("Salaire_affiche", "")
    salary_min, salary_max = mapping.salary_range(salary)

    published_at = mapping.parse_datetime(get("Date_parution")) or context.now
    expires_at = mapping.end_of_day(get("Date_expiration"))
    mapping.check_dates(published_at, expires_at)
    kind = mapping.offer_kind(title, text, context.default_kind)
    url = mapping.web_address(get("URL"))
    return OfferData(
        kind=kind,
        title=title,
        description=description,
        description_text=text,
        employer_name=employer_name,
        employer_kind=mapping.employer_kind(employer_name, kind, get("Statut", "")),
        place=place,
        contract=contract,
        remote=mapping.remote_from_label(get("Teletravail", "")),
        duration_months=mapping.contract_duration(contract, months),
        salary_min=salary_min,
        salary_max=salary_max,
        salary_text=mapping.salary_text(salary),
        education_level=mapping.education_level(get("Niveau_etudes", "")),
        experience=mapping.experience(get("Niveau_experience", "")),
        apply_url=url,
        source_url=url,
        published_at=published_at,
        expires_at=expires_at,
        extra={
            "statut": get("Statut", ""),
            "secteur": get("Libelle_secteur", ""),
            "fonction": get("Libelle_fonction", ""),
        },
    )


def _integer(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None
