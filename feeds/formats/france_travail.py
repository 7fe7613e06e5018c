"""France Travail « Offres d'emploi v2 » JSON: the search response `{"resultats": [...], …}`.

Each element of `resultats` is an offer (`id`, `intitule`, `description` in plain text,
`dateCreation`, `lieuTravail{libelle, commune, codePostal}`, `entreprise{nom}`, `typeContrat`,
`typeContratLibelle` in two styles (« Contrat à durée déterminée - 12 Mois », « CDD - 12 Mois »),
`natureContrat`, `alternance`, `salaire{libelle, commentaire}`, `dureeTravailLibelle(Converti)`,
`experienceExige`, `experienceLibelle`, `formations[]`, `origineOffre{urlOrigine, partenaires}`,
`contact{urlPostulation, courriel}` …). Offers from partner job boards lack many of them. The live
API client turns each element into a record with `record_from_item`.

Recruiters' personal details (contact name, telephone, postal coordinates) are never copied; the
contact's e-mail is kept only as the application address.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from feeds import mapping
from feeds.records import FeedError, Limits, MappingContext, OfferData, RecordError, SourceRecord
from offers.enums import Contract, Experience

NAME = "france-travail"
LABEL = "France Travail – Offres d'emploi v2 (JSON)"
VERSION = 1

DETAIL_URL = "https://candidat.francetravail.fr/offres/recherche/detail/{id}"
# When an offer names no employer (a confidential offer, or one from a partner board).
UNNAMED_EMPLOYER = "Employeur non communiqué"
_ALTERNANCE_NATURES = ("apprentissage", "professionnalisation")


def record_from_item(item: dict[str, Any]) -> SourceRecord:
    """The record of one element of `resultats`."""
    if not isinstance(item, dict):
        text = json.dumps(item, ensure_ascii=False)
        return SourceRecord(external_id="", fields={"_error": "Offre illisible"}, fingerprint=text, raw=text)
    # The fingerprint is the item's repr (the document's key order): stable for an unchanged offer, and
    # 2.5 times cheaper than JSON (an unchanged re-run does little else per record); the raw record,
    # compact JSON, is only written for a record set aside.
    identifier = item.get("id")
    external_id = str(identifier).strip() if isinstance(identifier, str | int) else ""
    return SourceRecord(
        external_id=external_id,
        fields=item,
        fingerprint=repr(item),
        raw=lambda: json.dumps(item, ensure_ascii=False, separators=(",", ":")),
    )


def parse(stream: IO[bytes], limits: Limits) -> Iterator[SourceRecord]:
    try:
        document = json.loads(stream.read())
    except UnicodeDecodeError as error:
        raise FeedError(f"Document JSON illisible : encodage invalide (octet {error.start})") from error
    except json.JSONDecodeError as error:
        raise FeedError(
            f"JSON mal formé (ligne {error.lineno}, colonne {error.colno}, position {error.pos}) : {error.msg}"
        ) from error
    results = document.get("resultats") if isinstance(document, dict) else None
    if not isinstance(results, list):
        raise FeedError("Réponse France Travail sans liste « resultats »")
    if len(results) > limits.max_records:
        raise FeedError(f"Trop d'offres : {len(results)} dans le document (au plus {limits.max_records})")
    return map(record_from_item, results)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def to_offer(record: SourceRecord, context: MappingContext) -> OfferData:
    item = record.fields
    if "_error" in item:
        raise RecordError(item["_error"])
    title = mapping.required_title(item.get("intitule"))
    description, text = mapping.description_from_text(_text(item.get("description")))
    mapping.required_description(description, text)
    company = _dict(item.get("entreprise"))
    employer_name = mapping.cut(mapping.one_line(company.get("nom")), mapping.EMPLOYER_LENGTH) or UNNAMED_EMPLOYER

    place_data = _dict(item.get("lieuTravail"))
    place = context.places.resolve(
        insee=_text(place_data.get("commune")),
        postcode=_text(place_data.get("codePostal")),
        label=_text(place_data.get("libelle")),
    )

    contract_label = _text(item.get("typeContratLibelle"))
    nature = _text(item.get("natureContrat")).lower()
    contract: str
    if item.get("alternance") is True or any(word in nature for word in _ALTERNANCE_NATURES):
        contract = Contract.ALTERNANCE
    else:
        contract = mapping.contract_from_label(contract_label, _text(item.get("typeContrat")))

    salary = _dict(item.get("salaire"))
    salary_label, salary_comment = _text(salary.get("libelle")), _text(salary.get("commentaire"))
    salary_min, salary_max = mapping.salary_range(salary_label)
    if salary_min is None and salary_max is None:
        salary_min, salary_max = mapping.salary_range(salary_comment)

    working_time = mapping.working_time_percent(_text(item.get("dureeTravailLibelleConverti")))
    if working_time is None or working_time == 100 and "partiel" in _text(item.get("dureeTravailLibelle")).lower():
        working_time = mapping.working_time_percent(
            f"{_text(item.get('dureeTravailLibelleConverti'))} {_text(item.get('dureeTravailLibelle'))}"
        )

    origin = _dict(item.get("origineOffre"))
    contact = _dict(item.get("contact"))
    source_url = mapping.web_address(origin.get("urlOrigine"))
    if not source_url and record.external_id:
        source_url = DETAIL_URL.format(id=record.external_id)
    published_at = mapping.parse_datetime(_text(item.get("dateCreation"))) or context.now
    kind = mapping.offer_kind(title, text, context.default_kind)
    return OfferData(
        kind=kind,
        title=title,
        description=description,
        description_text=text,
        employer_name=employer_name,
        employer_kind=mapping.employer_kind(employer_name if company.get("nom") else "", kind),
        place=place,
        contract=contract,
        duration_months=mapping.contract_duration(contract, mapping.duration_months(contract_label)),
        working_time_percent=working_time,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_text=mapping.salary_text(salary_label, salary_comment),
        education_level=_education(item.get("formations")),
        experience=_experience(_text(item.get("experienceExige")), _text(item.get("experienceLibelle"))),
        apply_url=mapping.web_address(contact.get("urlPostulation")) or source_url,
        apply_email=mapping.email_address(contact.get("courriel")),
        source_url=source_url,
        published_at=published_at,
        extra={
            "rome": _text(item.get("romeCode")),
            "appellation": _text(item.get("appellationlibelle")),
            "qualification": _text(item.get("qualificationLibelle")),
            "secteur": _text(item.get("secteurActiviteLibelle")),
            "postes": item.get("nombrePostes"),
        },
    )


def _education(formations: object) -> str:
    """The level of the required training (`exigence` « E »), else of the first one listed."""
    if not isinstance(formations, list):
        return ""
    listed = [formation for formation in formations if isinstance(formation, dict)]
    listed.sort(key=lambda formation: formation.get("exigence") != "E")
    for formation in listed:
        if level := mapping.education_level(_text(formation.get("niveauLibelle"))):
            return level
    return ""


def _experience(required: str, label: str) -> str:
    """`experienceExige` « D » is a beginner; otherwise the duration that the label gives."""
    if required == "D":
        return Experience.BEGINNER
    return mapping.experience(label)
