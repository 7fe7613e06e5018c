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
import re
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


def record_from_item(item: object, text: str | None = None) -> SourceRecord:
    """The record of one element of `resultats`; `text` is its JSON text in the document, when known.

    The fingerprint is that text (a file: an unchanged offer is the same text), else the item's repr
    (the live API's pages: the document's key order, stable for an unchanged offer, and 2.5 times
    cheaper than JSON). The raw record, compact JSON, is only written for a record set aside."""
    if not isinstance(item, dict):
        raw = json.dumps(item, ensure_ascii=False)
        return SourceRecord(external_id="", fields={"_error": "Offre illisible"}, fingerprint=raw, raw=raw)
    identifier = item.get("id")
    external_id = str(identifier).strip() if isinstance(identifier, str | int) else ""
    return SourceRecord(
        external_id=external_id,
        fields=item,
        fingerprint=repr(item) if text is None else text,
        raw=lambda: json.dumps(item, ensure_ascii=False, separators=(",", ":")),
    )


def parse(stream: IO[bytes], limits: Limits) -> Iterator[SourceRecord]:
    data = stream.read()
    try:
        text = data.decode(json.detect_encoding(data), "surrogatepass")  # as json.loads decodes bytes
    except UnicodeDecodeError as error:
        raise FeedError(f"Document JSON illisible : encodage invalide (octet {error.start})") from error
    return _records(text, limits)


def _records(text: str, limits: Limits) -> Iterator[SourceRecord]:
    count = 0
    try:
        for item, item_text in results_of(text):
            count += 1
            if count > limits.max_records:
                raise FeedError(f"Trop d'offres : plus de {limits.max_records} dans le document")
            yield record_from_item(item, item_text)
    except json.JSONDecodeError as error:
        raise FeedError(
            f"JSON mal formé (ligne {error.lineno}, colonne {error.colno}, position {error.pos}) : {error.msg}"
        ) from error


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def results_of(text: str) -> Iterator[tuple[object, str]]:
    """Each element of the document's `resultats` with its JSON text, in one pass over the document.

    The document is read as `json.loads` reads it (same grammar, same errors, raised as
    `json.JSONDecodeError` where they are met), but the elements come out as they are read, each
    with the text it was read from: that text is the record's fingerprint, far cheaper than building
    one from the parsed element. Raises `FeedError` when the document is valid JSON but not an
    object with a list `resultats`."""
    decode = _DECODER.raw_decode

    def space(position: int) -> int:
        """Past the whitespace at `position`."""
        match = _SPACE.match(text, position)
        return match.end() if match else position

    def expect(position: int, allowed: str, what: str) -> int:
        position = space(position)
        if position == len(text) or text[position] not in allowed:
            raise json.JSONDecodeError(f"Expecting {what}", text, position)
        return position

    position = space(0)
    if text[position : position + 1] != "{":
        json.loads(text)  # the error of a malformed document; a well-formed one is not an object:
        raise FeedError("Réponse France Travail sans liste « resultats »")
    found = False
    position = space(position + 1)
    if text[position : position + 1] == "}":
        position += 1
    else:
        while True:
            position = expect(position, '"', "property name enclosed in double quotes")
            key, position = decode(text, position)
            position = expect(position, ":", "':' delimiter") + 1
            position = space(position)
            if key == "resultats" and text[position : position + 1] == "[" and not found:
                found = True
                position = space(position + 1)
                if text[position : position + 1] == "]":
                    position += 1
                else:
                    while True:
                        item, end = decode(text, position)
                        yield item, text[position:end]
                        position = expect(end, ",]", "',' delimiter") + 1
                        if text[position - 1] == "]":
                            break
                        position = space(position)
            else:
                if key == "resultats":  # not a list, or a second list
                    json.loads(text)  # a malformed document says where first
                    twice = "avec deux listes" if found else "sans liste"
                    raise FeedError(f"Réponse France Travail {twice} « resultats »")
                _value, position = decode(text, position)
            position = expect(position, ",}", "',' delimiter") + 1
            if text[position - 1] == "}":
                break
    if found and space(position) != len(text):
        raise json.JSONDecodeError("Extra data", text, space(position))
    if not found:
        json.loads(text)  # a malformed document says where; a well-formed one has no list « resultats »
        raise FeedError("Réponse France Travail sans liste « resultats »")


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
