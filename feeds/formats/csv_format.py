"""CSV files from partners and staff: one offer a line, under a header of French column names.

Encoding UTF-8 (with or without BOM); delimiter « ; » or « , » (whichever the header line holds
more of); quoted fields may span lines. Columns, in any order (others are ignored):

| colonne | contenu |
|---|---|
| reference * | identifiant de l'offre chez le partenaire |
| titre * | intitulé |
| description * | texte (lignes, tirets pour les listes) ou HTML |
| employeur * | nom de l'employeur |
| type_employeur | commune, epci, entreprise, public, autre (déduit du nom si vide) |
| siret | SIRET (14 chiffres) ou SIREN (9 chiffres) |
| code_insee ** | code INSEE de la commune |
| code_postal | code postal |
| commune ** | nom de la commune, ou « Annecy (74) », « 74 - Annecy » |
| type_offre | vte, vta, chef-de-projet (type par défaut du flux si vide) |
| contrat * | cdi, cdd, alternance, contrat-de-projet, autre (ou « CDD », « Contrat de projet »…) |
| duree_mois | durée du contrat en mois (1 à 120) |
| temps_travail | pourcentage d'un temps plein (« 100 », « 80 % », « temps plein ») |
| date_debut | date de prise de poste (JJ/MM/AAAA ou AAAA-MM-JJ) |
| salaire_min, salaire_max | salaire annuel brut en euros |
| salaire | rémunération en clair |
| niveau_etudes | bac+2, bac+3, bac+4, bac+5 |
| experience | debutant, 1-2-ans, 3-5-ans, plus-5-ans (ou « 2 ans »…) |
| teletravail | aucun, partiel, total |
| url_candidature, email_candidature | où postuler |
| url | page de l'offre chez le partenaire |
| date_publication | date de publication (date du traitement si vide) |
| date_limite | date limite de candidature (comprise) |

\\* obligatoire ; \\*\\* l'une des deux au moins. A line whose number of fields differs from the
header's is rejected alone; a value that does not fit its column rejects its line with the reason.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from feeds import mapping
from feeds.records import FeedError, Limits, MappingContext, OfferData, RecordError, SourceRecord
from offers.enums import Contract, EmployerKind, OfferKind

NAME = "csv"
LABEL = "CSV"
VERSION = 1

COLUMNS = (
    "reference",
    "titre",
    "description",
    "employeur",
    "type_employeur",
    "siret",
    "code_insee",
    "code_postal",
    "commune",
    "type_offre",
    "contrat",
    "duree_mois",
    "temps_travail",
    "date_debut",
    "salaire_min",
    "salaire_max",
    "salaire",
    "niveau_etudes",
    "experience",
    "teletravail",
    "url_candidature",
    "email_candidature",
    "url",
    "date_publication",
    "date_limite",
)
REQUIRED = ("reference", "titre", "description", "employeur", "contrat")
# The csv module refuses a field over 131,072 characters by default, which would fail the whole file;
# the file's byte limit bounds a field already, and the mapping sets aside a record whose value is too
# long. (The limit is the module's, for the whole process; the only other reader, the territories
# import, reads the project's own reference files.)
csv.field_size_limit(2**31 - 1)
_KNOWN = frozenset(COLUMNS)
# A description is HTML when it holds one of these tags; otherwise it is text (« <urgent> » included).
_HTML = re.compile(r"</?(?:p|br|ul|ol|li|strong|em|b|i|a|h[1-6]|div|span|blockquote|table)(?:[\s/>])", re.IGNORECASE)


def parse(stream: IO[bytes], limits: Limits) -> Iterator[SourceRecord]:
    """The records of the file, decoded as they are read (UTF-8, a BOM skipped)."""
    lines = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    line_number = 0
    header_line = ""
    try:
        with _decoding(lambda: line_number):
            for header_line in lines:
                line_number += 1
                if header_line.strip():
                    break
        if not header_line.strip():
            raise FeedError("Fichier CSV vide : ni en-tête ni offre")
        delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
        names = [name.strip().strip("\ufeff").lower() for name in next(csv.reader([header_line], delimiter=delimiter))]
        missing = [column for column in REQUIRED if column not in names]
        if "code_insee" not in names and "commune" not in names:
            missing.append("code_insee ou commune")
        if missing:
            raise FeedError(f"En-tête CSV incomplet : colonnes manquantes : {', '.join(missing)}")
    except FeedError:
        lines.detach()  # the stream is its owner's to close
        raise
    return _records(lines, names, delimiter, line_number, limits)


@contextmanager
def _decoding(lines_read: Callable[[], int]) -> Iterator[None]:
    """A byte that is not UTF-8 fails the file, naming its line: the lines read, plus the line
    breaks before the byte in the block being decoded (every line before that block was read)."""
    try:
        yield
    except UnicodeDecodeError as error:
        line = lines_read() + error.object[: error.start].count(b"\n") + 1
        raise FeedError(
            f"Fichier non UTF-8 : caractère invalide ligne {line} (enregistrez le fichier en UTF-8)"
        ) from error


def _records(
    lines: io.TextIOWrapper, names: list[str], delimiter: str, header_lines: int, limits: Limits
) -> Iterator[SourceRecord]:
    known = [(index, name) for index, name in enumerate(names) if name in _KNOWN]
    reference = names.index("reference")
    size = len(names)
    count = 0
    reader = csv.reader(lines, delimiter=delimiter)
    first_line = header_lines + 1
    try:
        with _decoding(lambda: header_lines + reader.line_num):
            for row in reader:
                line, first_line = first_line, header_lines + reader.line_num + 1
                if not any(value.strip() for value in row):
                    continue
                count += 1
                if count > limits.max_records:
                    raise FeedError(f"Trop d'offres : plus de {limits.max_records} dans le fichier")
                external_id = row[reference].strip() if reference < len(row) else ""
                # The values are the fingerprint (joined by the unit separator: a value holding one could make two
                # rows alike, so that a changed row passes for unchanged; only a file made so can);
                # the raw record, for staff, is the row written back as CSV.
                fingerprint = "\x1f".join(row)
                raw = _raw_of(row, delimiter)
                if len(row) != size:
                    reason = f"Ligne {line} : {len(row)} champs au lieu de {size}"
                    yield SourceRecord(
                        external_id=external_id, fields={"_error": reason}, fingerprint=fingerprint, raw=raw
                    )
                    continue
                yield SourceRecord(
                    external_id=external_id, fields=_fields_of(row, known, line), fingerprint=fingerprint, raw=raw
                )
    except csv.Error as error:
        raise FeedError(f"CSV illisible ligne {header_lines + reader.line_num} : {error}") from error
    finally:
        lines.detach()  # the stream is its owner's to close


def _raw_of(row: list[str], delimiter: str) -> Callable[[], str]:
    def raw() -> str:
        written = io.StringIO()
        csv.writer(written, delimiter=delimiter, lineterminator="\n").writerow(row)
        return written.getvalue()

    return raw


def _fields_of(row: list[str], known: list[tuple[int, str]], line: int) -> Callable[[], dict[str, str]]:
    """The fields of a row, built only if the row is mapped (an unchanged row never is)."""

    def fields() -> dict[str, str]:
        values = {name: row[index].strip() for index, name in known}
        values["_line"] = str(line)
        return values

    return fields


# --------------------------------------------------------------------------------------------------
# Mapping

_CHOICE_KEY = re.compile(r"[\s_]+")


def _choice(value: str, choices: type[OfferKind] | type[EmployerKind], what: str) -> str:
    key = _CHOICE_KEY.sub("-", value.strip().lower())
    for choice in choices:
        if key in (choice.value, _CHOICE_KEY.sub("-", str(choice.label).lower())):
            return str(choice.value)
    raise RecordError(f"{what} inconnu : « {value} »")


def _contract(value: str) -> str:
    key = _CHOICE_KEY.sub("-", value.strip().lower())
    for choice in Contract:
        if key in (choice.value, _CHOICE_KEY.sub("-", str(choice.label).lower())):
            return str(choice.value)
    contract = mapping.contract_from_label(value)
    if contract == Contract.OTHER:
        raise RecordError(f"Contrat inconnu : « {value} »")
    return contract


def _integer(value: str, what: str) -> int | None:
    if not value:
        return None
    digits = re.sub(r"[\s\u202f\xa0€]|eur(os)?", "", value, flags=re.IGNORECASE)
    if not digits.isdigit():
        raise RecordError(f"{what} invalide : « {value} »")
    return int(digits)


def _checked(value: str, result: object, what: str) -> None:
    if value and not result:
        raise RecordError(f"{what} invalide : « {value} »")


def to_offer(record: SourceRecord, context: MappingContext) -> OfferData:
    fields = record.fields
    if "_error" in fields:
        raise RecordError(fields["_error"])
    get = fields.get
    title = mapping.required_title(get("titre"))
    raw_description = get("description", "")
    if _HTML.search(raw_description):
        description, text = mapping.description_from_html(raw_description)
    else:
        description, text = mapping.description_from_text(raw_description)
    mapping.required_description(description, text)
    employer_name = mapping.required_employer(get("employeur"))
    commune = get("commune", "")
    postcode = get("code_postal", "")
    place = context.places.resolve(
        insee=get("code_insee"), postcode=postcode, name=commune if postcode else None, label=commune
    )

    kind = get("type_offre", "")
    kind = _choice(kind, OfferKind, "Type d'offre") if kind else mapping.offer_kind(title, text, context.default_kind)
    employer = get("type_employeur", "")
    employer_kind = (
        _choice(employer, EmployerKind, "Type d'employeur") if employer else mapping.employer_kind(employer_name, kind)
    )
    if not get("contrat"):
        raise RecordError("Contrat manquant")
    contract = _contract(get("contrat", ""))

    duration = _integer(get("duree_mois", ""), "Durée")
    if duration is not None and mapping.months_or_none(duration) is None:
        raise RecordError(f"Durée invalide : {duration} mois (de 1 à 120)")
    working_time_text = get("temps_travail", "")
    working_time = mapping.working_time_percent(
        working_time_text + " %" if working_time_text.isdigit() else working_time_text
    )
    _checked(working_time_text, working_time, "Temps de travail")
    start_date = mapping.parse_date(get("date_debut"))
    _checked(get("date_debut", ""), start_date, "Date de début")

    salary_min = _integer(get("salaire_min", ""), "Salaire minimum")
    salary_max = _integer(get("salaire_max", ""), "Salaire maximum")
    mapping.ordered_salaries(salary_min, salary_max)
    salary = get("salaire", "")
    if salary_min is None and salary_max is None:
        salary_min, salary_max = mapping.salary_range(salary)

    education = mapping.education_level(get("niveau_etudes", ""))
    _checked(get("niveau_etudes", ""), education, "Niveau d'études")
    experience = mapping.experience(get("experience", ""))
    _checked(get("experience", ""), experience, "Expérience")

    siret = re.sub(r"\s", "", get("siret", ""))
    if siret and not (siret.isdigit() and len(siret) in (9, 14)):
        raise RecordError(f"SIRET invalide : « {get('siret')} » (14 chiffres, ou 9 pour un SIREN)")

    apply_url = mapping.web_address(get("url_candidature"))
    _checked(get("url_candidature", ""), apply_url, "Adresse de candidature")
    apply_email = mapping.email_address(get("email_candidature"))
    _checked(get("email_candidature", ""), apply_email, "Courriel de candidature")
    source_url = mapping.web_address(get("url"))
    _checked(get("url", ""), source_url, "Adresse de l'offre")

    published_at = mapping.parse_datetime(get("date_publication"))
    _checked(get("date_publication", ""), published_at, "Date de publication")
    expires_at = mapping.end_of_day(get("date_limite"))
    _checked(get("date_limite", ""), expires_at, "Date limite")
    published_at = published_at or context.now
    mapping.check_dates(published_at, expires_at)
    return OfferData(
        kind=kind,
        title=title,
        description=description,
        description_text=text,
        employer_name=employer_name,
        employer_kind=employer_kind,
        employer_siren=siret[:9],
        employer_siret=siret if len(siret) == 14 else "",
        place=place,
        contract=contract,
        remote=mapping.remote_from_label(get("teletravail", "")),
        duration_months=mapping.contract_duration(contract, duration),
        working_time_percent=working_time,
        start_date=start_date,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_text=mapping.salary_text(salary),
        education_level=education,
        experience=experience,
        apply_url=apply_url,
        apply_email=apply_email,
        source_url=source_url,
        published_at=published_at,
        expires_at=expires_at,
        extra={"line": get("_line", "")},
    )
