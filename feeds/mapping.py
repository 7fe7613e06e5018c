"""What the feed formats share to map a record: descriptions, dates, contracts, salaries, levels,
offer and employer kinds, lengths. Pure functions, cheap enough for 50,000 records a run."""

from __future__ import annotations

import datetime as dt
import html
import re
from email.utils import parsedate_to_datetime
from html.entities import html5 as _HTML5_ENTITIES
from zoneinfo import ZoneInfo

from feeds.records import RecordError
from offers.enums import Contract, EducationLevel, EmployerKind, Experience, OfferKind, Remote
from offers.html import clean_html, text_of_clean_html
from partnership.formatting import long_datetime, number
from partnership.text import has_unsafe_characters, strip_unsafe_characters

PARIS = ZoneInfo("Europe/Paris")

# Column lengths of `offers.Offer`.
TITLE_LENGTH = 200
EMPLOYER_LENGTH = 200
SALARY_TEXT_LENGTH = 200
URL_LENGTH = 500
EMAIL_LENGTH = 254

# --------------------------------------------------------------------------------------------------
# Text


_WHITESPACE = re.compile(r"\s+")


def one_line(value: object) -> str:
    """`value` as one stripped line (None and non-strings give "")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    return _WHITESPACE.sub(" ", value).strip()


def cut(value: str, length: int) -> str:
    """Free text cut to a column's length, with an ellipsis when something was cut."""
    if len(value) <= length:
        return value
    return value[: length - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------------
# Descriptions

# Named and numeric character references, decoded before sanitising: html5ever decodes them one by
# one slowly (≈ 1 µs each, and Apec descriptions hold dozens). Those standing for markup characters
# stay as they are, so decoding cannot create a tag.
_MARKUP_CHARS = frozenset("<>&\"'")
_NAMED_ENTITIES = {
    name[:-1]: char for name, char in _HTML5_ENTITIES.items() if name.endswith(";") and not set(char) & _MARKUP_CHARS
}
_ENTITY = re.compile(r"&(?:([A-Za-z][A-Za-z0-9]{1,31})|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")


def _decode_entity(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name, match[0])
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code < 0x20 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF or chr(code) in _MARKUP_CHARS:
        return match[0]
    return chr(code)


# Block tags that the description's allow-list drops: they become paragraphs, so their text stays
# apart on the page and in the text.
_OTHER_BLOCKS = re.compile(
    r"<(/?)(?:div|section|article|header|footer|h1|h5|h6|table|tr|td|th|dl|dt|dd)(?=[\s/>])[^>]*>", re.IGNORECASE
)
# What those tags start with, looked for with `in` before running the expression.
_OTHER_BLOCK_STARTS = ("<div", "<section", "<article", "<header", "<footer", "<h1", "<h5", "<h6", "<t", "<d")


def description_from_html(value: str | None) -> tuple[str, str]:
    """Sanitised HTML and its text, from a feed's HTML description (entities, CDATA content, or
    markup escaped once more); without control or bidi-override characters (`partnership.text`)."""
    if not value:
        return "", ""
    if "<" not in value and "&lt;" in value:
        # Markup escaped once more than XML needs (« &amp;lt;p&amp;gt; » in the document).
        value = html.unescape(value)
    if "&" in value:
        value = _ENTITY.sub(_decode_entity, value)
    lowered = value.lower()
    if any(start in lowered for start in _OTHER_BLOCK_STARTS):
        value = _OTHER_BLOCKS.sub(r"<\1p>", value)
    description = clean_html(value)
    if has_unsafe_characters(description):  # the sanitiser drops NUL, not the other controls
        description = strip_unsafe_characters(description)
    return description, text_of_clean_html(description)


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
_LIST_ITEM = re.compile(r"[-•*·▪]\s*")


def _escape(line: str) -> str:
    return html.escape(line, quote=False).replace("\xa0", "&nbsp;")


def description_from_text(value: str | None) -> tuple[str, str]:
    """HTML and text from a plain-text description: blank lines separate paragraphs, line breaks
    stay, lines starting with a dash or a bullet make a list. Markup characters are text.

    The HTML is built escaped, so it is what `clean_html` would make of it, and the text is built
    beside it, so it is `text_of_clean_html` of it (both checked by the tests), without the cost of
    sanitising and parsing it again."""
    if not value:
        return "", ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if has_unsafe_characters(value):
        value = strip_unsafe_characters(value)
    markup: list[str] = []
    text: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(value):
        lines: list[str] = []  # of the current paragraph, as text
        items: list[str] = []  # of the current list, as text
        for raw_line in paragraph.split("\n"):
            line = " ".join(raw_line.replace("\xa0", " ").split())
            if not line:
                continue
            item = _LIST_ITEM.match(line)
            if item and item.end() < len(line):
                if lines:
                    _paragraph(lines, markup, text)
                    lines = []
                items.append(line[item.end() :])
            else:
                if items:
                    _list(items, markup, text)
                    items = []
                lines.append(line)
        if lines:
            _paragraph(lines, markup, text)
        if items:
            _list(items, markup, text)
    return "".join(markup), "\n\n".join(text)


def _paragraph(lines: list[str], markup: list[str], text: list[str]) -> None:
    markup.append("<p>" + "<br>".join(map(_escape, lines)) + "</p>")
    text.append("\n".join(lines))


def _list(items: list[str], markup: list[str], text: list[str]) -> None:
    markup.append("<ul>" + "".join(f"<li>{_escape(item)}</li>" for item in items) + "</ul>")
    text.append("\n".join(f"- {item}" for item in items))


# --------------------------------------------------------------------------------------------------
# Dates


def aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=PARIS) if value.tzinfo is None else value


def parse_iso_datetime(value: str) -> dt.datetime | None:
    """« 2024-03-05T14:52:11.000Z », « 2024-03-05T14:52:11+01:00 », « 2024-03-05 »; naive times are
    Paris times."""
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=PARIS)
        return aware(dt.datetime.fromisoformat(value))
    except ValueError:
        return None


_FRENCH_DATETIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")


def parse_french_datetime(value: str) -> dt.datetime | None:
    """« 17/12/2025 17:50:32 » or « 17/12/2025 » (Paris time)."""
    match = _FRENCH_DATETIME.match(value.strip())
    if not match:
        return None
    day, month, year, hour, minute, second = match.groups()
    try:
        return dt.datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=PARIS
        )
    except ValueError:
        return None


def parse_datetime(value: str | None) -> dt.datetime | None:
    """A date in any of the feeds' styles: ISO 8601, RFC 2822 (« Tue, 05 Mar 2024 10:00:00 GMT »),
    French (« 05/03/2024 10:00:00 »). None when empty or unreadable."""
    if not value or not (value := value.strip()):
        return None
    if value[0].isdigit():
        if "/" in value[:6]:
            return parse_french_datetime(value)
        return parse_iso_datetime(value)
    try:
        return aware(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        return None


def parse_date(value: str | None) -> dt.date | None:
    moment = parse_datetime(value)
    return moment.astimezone(PARIS).date() if moment else None


def end_of_day(value: str | None) -> dt.datetime | None:
    """A closing date: a bare date means the whole of that day (up to midnight, Paris time)."""
    if not value or not (value := value.strip()):
        return None
    moment = parse_datetime(value)
    if moment is not None and len(value) <= 10:
        return moment + dt.timedelta(days=1)
    return moment


def check_dates(published_at: dt.datetime | None, expires_at: dt.datetime | None) -> None:
    if published_at and expires_at and expires_at <= published_at:
        raise RecordError(
            f"Date limite ({long_datetime(expires_at)}) antérieure à la publication ({long_datetime(published_at)})"
        )


# --------------------------------------------------------------------------------------------------
# Contracts

# France Travail's contract codes (referentiel « typesContrats »).
FRANCE_TRAVAIL_CONTRACTS = {
    "CDI": Contract.CDI,
    "DIN": Contract.CDI,  # CDI intérimaire
    "CDD": Contract.CDD,
    "DDI": Contract.CDD,  # CDD d'insertion
    "SAI": Contract.CDD,  # saisonnier
    "MIS": Contract.OTHER,  # intérim
    "TTI": Contract.OTHER,
    "LIB": Contract.OTHER,
    "FRA": Contract.OTHER,
    "REP": Contract.OTHER,
    "CCE": Contract.OTHER,
}
_ALTERNANCE = re.compile(r"alternance|apprenti|professionnali|apprenticeship", re.IGNORECASE)
_PROJECT = re.compile(r"contrat de projet|cdd de projet|contrat de mission", re.IGNORECASE)
_CDI = re.compile(r"\bcdi\b|ind[ée]termin[ée]e|permanent", re.IGNORECASE)
_CDD = re.compile(r"\bcdd\b|(?<!in)d[ée]termin[ée]e|saisonnier|temporary|fixed[- ]term", re.IGNORECASE)
_DURATION = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(mois|month|an\b|an\(s\)|ans|ann[ée]es?|year|semaines?|week|jours?|day)", re.I
)


def contract_from_label(label: str, code: str = "") -> str:
    """The contract of a label (« CDD - Alternance - Contrat d'apprentissage », « Contrat à durée
    déterminée - 12 Mois », « CDI ») or of a France Travail code; « autre » when neither says."""
    if label and _ALTERNANCE.search(label):
        return Contract.ALTERNANCE
    if label and _PROJECT.search(label):
        return Contract.CONTRAT_DE_PROJET
    if code and (contract := FRANCE_TRAVAIL_CONTRACTS.get(code.strip().upper())):
        return contract
    if label:
        if _CDI.search(label):
            return Contract.CDI
        if _CDD.search(label):
            return Contract.CDD
    return Contract.OTHER


def duration_months(label: str) -> int | None:
    """The duration a label gives (« - 12 Mois », « 2 ans », « 15 Jour(s) »), in whole months
    (at least 1); None when absent or beyond the 120 months an offer may state."""
    match = _DURATION.search(label) if label else None
    if not match:
        return None
    amount = float(match[1].replace(",", "."))
    unit = match[2].lower()
    if unit.startswith(("mois", "month")):
        months = amount
    elif unit.startswith(("an", "ann", "year")):
        months = amount * 12
    elif unit.startswith(("sem", "week")):
        months = amount * 7 / 30
    else:
        months = amount / 30
    return months_or_none(round(months + 0.499))


def months_or_none(value: int | None) -> int | None:
    if value is None or value < 1 or value > 120:
        return None
    return value


def contract_duration(contract: str, months: int | None) -> int | None:
    """No duration for a permanent contract (an alternance in a CDI states its training period)."""
    return None if contract == Contract.CDI else months


# --------------------------------------------------------------------------------------------------
# Working time and remote work

_HOURS = re.compile(r"(\d{1,2})\s*h\s*(\d{2})?", re.IGNORECASE)
_PERCENT = re.compile(r"(\d{1,3})\s*%")
FULL_TIME_HOURS = 35


def working_time_percent(label: str) -> int | None:
    """« Temps plein » → 100; « Temps partiel » with « 24H Horaires normaux » → 69; « 80 % » → 80."""
    if not label:
        return None
    lowered = label.lower()
    if "plein" in lowered or "full" in lowered:
        return 100
    if match := _PERCENT.search(label):
        percent = int(match[1])
        return percent if 1 <= percent <= 100 else None
    if ("partiel" in lowered or "part" in lowered) and (match := _HOURS.search(label)):
        hours = int(match[1]) + int(match[2] or 0) / 60
        return max(1, min(99, round(hours * 100 / FULL_TIME_HOURS)))
    return None


def remote_from_label(label: str) -> str:
    """Apec's « Télétravail partiel possible », « Télétravail ponctuel autorisé », « Télétravail
    total possible », « Pas de télétravail autorisé »; a CSV's « partiel », « oui », « non »."""
    lowered = label.lower().strip() if label else ""
    if not lowered or lowered.startswith(("pas de", "non", "aucun", "no")):
        return Remote.NONE
    if "total" in lowered or "complet" in lowered or "full" in lowered:
        return Remote.FULL
    return Remote.PARTIAL


# --------------------------------------------------------------------------------------------------
# Salaries

_AMOUNT = r"(\d{1,3}(?:[   .]\d{3})+|\d+)(?:[.,](\d{1,2}))?\s*(k)?"
_AMOUNTS = re.compile(_AMOUNT + r"(?:\s*(?:€|euros?|eur)\b)?", re.IGNORECASE)
_YEARLY = re.compile(r"annuel|par an\b|/\s*an\b|\bk\s*€|\bk€|\bk\b|brut an|per year|yearly|/year", re.IGNORECASE)
_MONTHLY = re.compile(r"mensuel|par mois|/\s*mois|per month|monthly|/month", re.IGNORECASE)
_HOURLY = re.compile(r"horaire|/\s*h\b|de l'heure|par heure|hourly|per hour|journali|par jour", re.IGNORECASE)
_MONTHS_PAID = re.compile(r"sur\s+(1[2-5])(?:[.,]0+)?\s*mois", re.IGNORECASE)
_FROM = re.compile(r"\b(?:[àa] partir de|d[èe]s|minimum|au moins|from)\b", re.IGNORECASE)
_UP_TO = re.compile(r"\b(?:jusqu'[àa]|maximum|au plus|up to)\b", re.IGNORECASE)
# Yearly gross salaries outside these bounds are not what they seem (hourly rate, typo, pennies).
MIN_YEARLY_SALARY = 5_000
MAX_YEARLY_SALARY = 500_000


def _amounts(text: str) -> list[float]:
    found = _AMOUNTS.findall(text)
    # « 35 - 42 k€ »: the thousands apply to both ends of the range.
    in_thousands = any(thousands for _whole, _cents, thousands in found)
    values = []
    for whole, cents, _thousands in found:
        value = float(re.sub(r"\D", "", whole) + ("." + cents if cents else ""))
        values.append(value * 1000 if in_thousands and value < 1000 else value)
    return values


def salary_range(text: str) -> tuple[int | None, int | None]:
    """Yearly gross euros (min, max) when the text clearly gives them: a yearly or monthly amount or
    range (« Annuel de 35000.00 Euros à 40000.00 Euros », « Mensuel de 2200.00 Euros sur 13 mois »,
    « 35 - 40 k€ brut annuel », « A partir de 21 k€ brut annuel »); (None, None) otherwise (hourly
    rates, « selon profil », several unrelated figures)."""
    if not text or _HOURLY.search(text):
        return None, None
    months = _MONTHS_PAID.search(text)
    amounts_text = text[: months.start()] + text[months.end() :] if months else text
    amounts = _amounts(amounts_text)
    if not amounts or len(amounts) > 2:
        return None, None
    if _MONTHLY.search(text) and not re.search(r"k\s*€|\bk\b", text, re.IGNORECASE):
        factor = int(months[1]) if months else 12
    elif _YEARLY.search(text):
        factor = 1
    else:
        return None, None
    yearly = [round(amount * factor) for amount in amounts]
    if any(not MIN_YEARLY_SALARY <= amount <= MAX_YEARLY_SALARY for amount in yearly):
        return None, None
    if len(yearly) == 2:
        low, high = yearly
        return (low, high) if low <= high else (None, None)
    if _FROM.search(text):
        return yearly[0], None
    if _UP_TO.search(text):
        return None, yearly[0]
    return yearly[0], yearly[0]


def salary_text(*parts: str) -> str:
    return cut(" – ".join(part for part in (one_line(part) for part in parts) if part), SALARY_TEXT_LENGTH)


def ordered_salaries(low: int | None, high: int | None) -> tuple[int | None, int | None]:
    if low is not None and high is not None and low > high:
        raise RecordError(f"Salaire minimum ({low} €) supérieur au maximum ({high} €)")
    return low, high


# --------------------------------------------------------------------------------------------------
# Education and experience

_BAC_PLUS = re.compile(r"bac\s*\+\s*(\d)", re.IGNORECASE)
_DIPLOMAS = (
    (re.compile(r"\b(?:master|ing[ée]nieur|doctorat|dipl[ôo]me d'[ée]cole|mba)\b", re.IGNORECASE), EducationLevel.BAC5),
    (re.compile(r"\b(?:ma[îi]trise|m1)\b", re.IGNORECASE), EducationLevel.BAC4),
    (re.compile(r"\b(?:licence|bachelor|but)\b", re.IGNORECASE), EducationLevel.BAC3),
    (re.compile(r"\b(?:bts|dut|deug)\b", re.IGNORECASE), EducationLevel.BAC2),
)
_EDUCATION_VALUES = {level.value: level.value for level in EducationLevel}


def education_level(label: str) -> str:
    """« Bac+5 et plus ou équivalents » → bac+5; « Bac+3, Bac+4 ou équivalents » → bac+3; « Master »
    → bac+5; below bac+2 (« Bac ou équivalent », « CAP, BEP ») or unknown → ""."""
    if not label:
        return ""
    compact = label.strip().lower().replace(" ", "")
    if compact in _EDUCATION_VALUES:
        return compact
    if match := _BAC_PLUS.search(label):
        years = int(match[1])
        if years < 2:
            return ""
        return f"bac+{min(years, 5)}"
    for pattern, level in _DIPLOMAS:
        if pattern.search(label):
            return level
    return ""


_BEGINNER = re.compile(r"d[ée]butant|aucune exp|sans exp|tous niveaux|pas d'exp|entry|junior", re.IGNORECASE)
_YEARS = re.compile(r"(\d+)\s*(?:an|ans|an\(s\)|ann[ée]es?|years?)\b", re.IGNORECASE)
_MONTHS = re.compile(r"(\d+)\s*mois", re.IGNORECASE)
_EXPERIENCE_VALUES = {level.value for level in Experience}


def experience_from_years(years: float) -> str:
    if years <= 0:
        return Experience.BEGINNER
    if years <= 2:
        return Experience.ONE_TWO
    if years <= 5:
        return Experience.THREE_FIVE
    return Experience.MORE


def experience(label: str) -> str:
    """« Débutant accepté », « Aucune expérience exigée » → debutant; « 2 An(s) », « Minimum 3 ans »,
    « 6 Mois » → the bracket of that many years; unknown → ""."""
    if not label:
        return ""
    if label.strip() in _EXPERIENCE_VALUES:
        return label.strip()
    if _BEGINNER.search(label):
        return Experience.BEGINNER
    if match := _YEARS.search(label):
        return experience_from_years(int(match[1]))
    if match := _MONTHS.search(label):
        return experience_from_years(int(match[1]) / 12)
    if "plus de 5" in label.lower():
        return Experience.MORE
    return ""


# --------------------------------------------------------------------------------------------------
# Offer and employer kinds

_VTE = re.compile(r"\bvte\b")
_VTA = re.compile(r"\bvta\b")
_CHEF_DE_PROJET = re.compile(r"chef(?:fe)?s? de projets?")
_PROGRAMMES = ("petites villes de demain", "petite ville de demain", "action cœur de ville", "action coeur de ville")


def _says(lowered: str, short: str, pattern: re.Pattern[str], long: str) -> bool:
    # `in` first: scanning 1 KB with a regular expression costs microseconds, `in` a fraction.
    return (short in lowered and pattern.search(lowered) is not None) or long in lowered


def offer_kind(title: str, text: str, default: str) -> str:
    """The kind an offer says it is: VTE or VTA named (in the title, else the text), a chef de projet
    of Petites villes de demain or Action cœur de ville; else the feed's default kind."""
    lowered_title = title.lower()
    lowered_text = text.lower()
    for lowered in (lowered_title, lowered_text):
        vte = _says(lowered, "vte", _VTE, "volontariat territorial en entreprise")
        vta = _says(lowered, "vta", _VTA, "volontariat territorial en administration")
        if vte != vta:
            return OfferKind.VTE if vte else OfferKind.VTA
    if (
        "chef" in lowered_title
        and _CHEF_DE_PROJET.search(lowered_title)
        and any(name in lowered_title or name in lowered_text for name in _PROGRAMMES)
    ):
        return OfferKind.CHEF_DE_PROJET
    return default


_COMMUNE = re.compile(r"^(?:commune|mairie|ville)\b|\bmairie\b", re.IGNORECASE)
_EPCI = re.compile(
    r"communaut[ée] (?:de communes|d'agglom[ée]ration|urbaine)|\bm[ée]tropole\b|^pays\b|\bpetr\b"
    r"|p[ôo]le d'[ée]quilibre territorial",
    re.IGNORECASE,
)
_PUBLIC = re.compile(
    r"conseil (?:d[ée]partemental|r[ée]gional)|^d[ée]partement\b|^r[ée]gion\b|pr[ée]fecture|minist[èe]re"
    r"|syndicat mixte|office public|centre hospitalier|fonction publique|\bcentre de gestion\b|\bccas\b",
    re.IGNORECASE,
)
_COMPANY = re.compile(r"\b(?:sas|sasu|sarl|eurl|sa|sca|snc|scop|groupe|group|ltd|gmbh|inc)\b", re.IGNORECASE)
_EMPLOYER_KINDS = {kind.value for kind in EmployerKind}


def employer_kind(name: str, kind: str, hint: str = "") -> str:
    """« Commune de … », « Mairie … », « Ville de … » → commune; « Communauté de communes … »,
    « Métropole … », « Pays … », « PETR … » → epci; a council, a prefecture, a hospital → public;
    otherwise a company for a VTE or a company-looking name, else « autre ». `hint` is a label of the
    source (Apec's « Statut », a CSV's column): an employer kind value is taken as is."""
    if hint and hint.strip().lower() in _EMPLOYER_KINDS:
        return hint.strip().lower()
    if _EPCI.search(name):
        return EmployerKind.EPCI
    if _COMMUNE.search(name):
        return EmployerKind.COMMUNE
    if _PUBLIC.search(name) or "fonction publique" in hint.lower():
        return EmployerKind.PUBLIC
    if kind == OfferKind.VTE or _COMPANY.search(name) or "priv" in hint.lower():
        return EmployerKind.ENTREPRISE
    return EmployerKind.OTHER


# --------------------------------------------------------------------------------------------------
# Addresses

_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)


def web_address(value: object) -> str:
    """An absolute http(s) address that fits the column, else ""."""
    url = value.strip() if isinstance(value, str) else ""
    if len(url) > URL_LENGTH or " " in url or not url.lower().startswith(("https://", "http://")):
        return ""
    return url


def email_address(value: object) -> str:
    """An e-mail address when the value is one (not a sentence, a phone number or a URL), else ""."""
    email = value.strip() if isinstance(value, str) else ""
    if email.lower().startswith("mailto:"):
        email = email[7:]
    if len(email) > EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        return ""
    return email


# --------------------------------------------------------------------------------------------------
# Required values


def required_title(value: object) -> str:
    title = one_line(value)
    if not title:
        raise RecordError("Intitulé manquant")
    return cut(title, TITLE_LENGTH)


def required_employer(value: object) -> str:
    employer = one_line(value)
    if not employer:
        raise RecordError("Employeur manquant")
    return cut(employer, EMPLOYER_LENGTH)


# Longest description kept (its sanitised HTML). Offers hold 1 to 10 KB; far beyond, the record is a
# mistake (a whole document pasted into one field) and is set aside rather than published.
DESCRIPTION_LENGTH = 50_000


def required_description(description: str, text: str) -> None:
    if not description or not text:
        raise RecordError("Description manquante")
    if len(description) > DESCRIPTION_LENGTH:
        raise RecordError(
            f"Description trop longue : {number(len(description))} caractères pour {number(DESCRIPTION_LENGTH)} au plus"
        )
