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

import codecs
import json
import re
from collections.abc import Iterable, Iterator
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


# Bytes read, and characters kept at least, at a time: the document is never held whole in memory.
CHUNK_CHARS = 1 << 20


def parse(stream: IO[bytes], limits: Limits) -> Iterator[SourceRecord]:
    count = 0
    try:
        for item, text in results_of(_decoded(stream)):
            count += 1
            if count > limits.max_records:
                raise FeedError(f"Trop d'offres : plus de {limits.max_records} dans le document")
            yield record_from_item(item, text)
    except MalformedJSON as error:
        raise FeedError(
            f"JSON mal formé (ligne {error.lineno}, colonne {error.colno}, position {error.pos}) : {error.msg}"
        ) from error


def _decoded(stream: IO[bytes]) -> Iterator[str]:
    """The document's text by blocks, decoded as `json.loads` decodes bytes (UTF-8, -16 or -32)."""
    data = stream.read(4)
    decoder = codecs.getincrementaldecoder(json.detect_encoding(data))("surrogatepass")
    read = 0
    while True:
        final = not data
        try:
            text = decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            held = len(error.object) - len(data)  # bytes of a character begun in the block before
            offset = read - held + error.start
            raise FeedError(f"Document JSON illisible : encodage invalide (octet {offset})") from error
        read += len(data)
        if text:
            yield text
        if final:
            return
        data = stream.read(CHUNK_CHARS)


class MalformedJSON(Exception):
    """What `json.JSONDecodeError` says (message, position, line, column), for a document read by blocks."""

    def __init__(self, msg: str, pos: int, lineno: int, colno: int) -> None:
        super().__init__(f"{msg}: line {lineno} column {colno} (char {pos})")
        self.msg, self.pos, self.lineno, self.colno = msg, pos, lineno, colno


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# Nothing but characters of a number up to the end of the window: the number may go on in the next block.
_NUMBER_GOES_ON = re.compile(r"[0-9.eE+\-]*\Z").match


class _Window:
    """The part of the document still needed, as blocks of text come in.

    `text` starts at `base` in the document; `line` and `line_start` are the line number and the
    start of the line at `base`, so that errors say where they are in the whole document."""

    def __init__(self, blocks: Iterator[str], keep: int) -> None:
        self.blocks = blocks
        self.keep = keep
        self.text = ""
        self.base = 0
        self.line = 1
        self.line_start = 0
        self.ended = False

    def more(self) -> bool:
        """Read the next block; False at the end of the document."""
        for block in self.blocks:
            if block:
                self.text += block
                return True
        self.ended = True
        return False

    def forget(self, position: int) -> int:
        """Drop the text before `position` when there is enough of it to be worth a copy; returns
        where `position` is then."""
        if position < self.keep:
            return position
        gone = self.text[:position]
        breaks = gone.count("\n")
        if breaks:
            self.line += breaks
            self.line_start = self.base + gone.rfind("\n") + 1
        self.base += position
        self.text = self.text[position:]
        return 0

    def space(self, position: int) -> int:
        """Past the whitespace at `position`, reading on when it reaches the end of the window."""
        while True:
            match = _SPACE.match(self.text, position)
            position = match.end() if match else position
            if position < len(self.text) or not self.more():
                return position

    def char(self, position: int) -> str:
        """The character at `position` after whitespace ("" at the end of the document)."""
        position = self.space(position)
        return self.text[position : position + 1]

    def decode(self, position: int) -> tuple[object, int]:
        """The JSON value at `position` and where it ends. A value that fails, or that may go on in the
        next block (a number up to the end of the window), is decoded again with one more block."""
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, position)
            except json.JSONDecodeError as error:
                if self.more():
                    continue
                raise self.error(error.msg, error.pos) from None
            if not _NUMBER_GOES_ON(self.text, end) or not self.more():
                return value, end

    def error(self, msg: str, position: int) -> MalformedJSON:
        before = self.text[:position]
        breaks = before.count("\n")
        line_start = self.base + before.rfind("\n") + 1 if breaks else self.line_start
        pos = self.base + position
        return MalformedJSON(msg, pos, self.line + breaks, pos - line_start + 1)

    def expect(self, position: int, allowed: str, what: str) -> int:
        position = self.space(position)
        if position == len(self.text) or self.text[position] not in allowed:
            raise self.error(f"Expecting {what}", position)
        return position


def results_of(blocks: Iterable[str], keep: int = CHUNK_CHARS) -> Iterator[tuple[object, str]]:
    """Each element of the document's `resultats` with its JSON text, as the document is read.

    The document (given as blocks of text) is read as `json.loads` reads it: same grammar, same
    errors and positions (raised as `MalformedJSON` where they are met). The elements come out as
    they are read, each with the text it was read from: that text is the record's fingerprint, far
    cheaper than one built from the parsed element. Raises `FeedError` when the document is valid
    JSON but not an object with one list `resultats`. `keep`: how much read text may pile up before
    it is dropped."""
    window = _Window(iter(blocks), keep)
    position = window.space(0)
    if window.text[position : position + 1] != "{":
        while window.more():
            pass
        try:
            json.loads(window.text)  # malformed: the error; well-formed, it is not an object
        except json.JSONDecodeError as error:
            raise window.error(error.msg, error.pos) from None
        raise FeedError("Réponse France Travail sans liste « resultats »")
    lists = 0
    other = False  # a « resultats » that is not a list
    position += 1
    if window.char(position) == "}":
        position = window.space(position) + 1
    else:
        while True:
            position = window.expect(position, '"', "property name enclosed in double quotes")
            key, position = window.decode(position)
            position = window.expect(position, ":", "':' delimiter") + 1
            position = window.space(position)
            if key == "resultats" and window.text[position : position + 1] == "[":
                lists += 1
                position = window.space(position + 1)
                if window.text[position : position + 1] == "]":
                    position += 1
                else:
                    while True:
                        item, end = window.decode(position)
                        if lists == 1:
                            yield item, window.text[position:end]
                        position = window.expect(end, ",]", "',' delimiter") + 1
                        if window.text[position - 1] == "]":
                            break
                        position = window.space(window.forget(position))
            else:
                other = other or key == "resultats"
                _value, position = window.decode(position)
            position = window.expect(position, ",}", "',' delimiter") + 1
            if window.text[position - 1] == "}":
                break
    end = window.space(position)
    if end != len(window.text):
        raise window.error("Extra data", end)
    if lists > 1 or (lists and other):
        raise FeedError("Réponse France Travail avec plusieurs « resultats »")
    if not lists:
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
