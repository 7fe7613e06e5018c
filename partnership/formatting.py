"""French formatting, one way everywhere: numbers, amounts, percentages, dates, durations and place names.

- Numbers: digits grouped by three with a narrow no-break space (U+202F), decimal comma: « 12 345,5 ».
- A unit after a number (€, %, s, min, h) is joined to it by a no-break space (U+00A0): « 30 000 € ».
- Dates: « 1er février 2027 », « 3 mars 2027 » (local time for a date-time).
- Départements and régions: « de la Corrèze », « du Cantal », « de l’Ain », « de La Réunion », from INSEE's
  TNCC (`territories.enums.NameType`).

Templates use the same functions through the `fr` template library (`partnership/templatetags/fr.py`).
Never format a number by replacing characters in a sentence that holds it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
APOSTROPHE = "’"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# « de » before a name, by INSEE TNCC (0: consonant, 1: vowel or mute H, 2: le, 3: la, 4: les, 5: l’,
# 6: aux, 7: las, 8: los). A name of type 0 may hold its own article: « de La Réunion ».
_OF_PLACE = ("de ", "d’", "du ", "de la ", "des ", "de l’", "des ", "de las ", "de los ")


def number(value: int | float, decimals: int = 0) -> str:
    """12345 → « 12 345 »; 1234.5 with decimals=1 → « 1 234,5 »; -3 → « -3 »."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


def euros(amount: int | float, decimals: int = 0) -> str:
    """30000 → « 30 000 € »."""
    return f"{number(amount, decimals)}{NBSP}€"


def euro_range(low: int | float, high: int | float) -> str:
    """(30000, 35000) → « 30 000 – 35 000 € »; one amount when both are equal."""
    if low == high:
        return euros(low)
    return f"{number(low)}{NBSP}–{NBSP}{euros(high)}"


def percent(value: int | float, decimals: int = 0) -> str:
    """80 → « 80 % »; 12.5 with decimals=1 → « 12,5 % »."""
    return f"{number(value, decimals)}{NBSP}%"


def _local_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


def long_date(value: dt.date) -> str:
    """date(2027, 2, 1) → « 1er février 2027 »; date(2027, 3, 3) → « 3 mars 2027 ». A date-time is read in
    local time (Europe/Paris)."""
    day = _local_date(value)
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def last_day(deadline: dt.datetime) -> dt.date:
    """The last whole day a deadline leaves, in local time. A date-only deadline (« 31/01/2027 ») is
    stored as the midnight that ends it (1 February 00:00, Paris): its last day is 31 January, not
    1 February; a deadline at 17:00 on 31 January also gives 31 January."""
    local = timezone.localtime(deadline) if timezone.is_aware(deadline) else deadline
    return (local - dt.timedelta(microseconds=1)).date()


def deadline_moment(deadline: dt.datetime) -> dt.datetime:
    """The last moment to apply, for machines (JobPosting `validThrough`): a deadline at midnight is
    given as 23:59:59 of the day before, so that no reader takes the next day for the last one."""
    local = timezone.localtime(deadline) if timezone.is_aware(deadline) else deadline
    if local.time() == dt.time(0, 0):
        return local - dt.timedelta(seconds=1)
    return local


def typographic(text: str) -> str:
    """French typography in a text from data: the apostrophe ’ for ', « » with no-break spaces for
    straight double quotes: « Communauté d'agglomération » → « Communauté d’agglomération »."""
    text = text.replace("'", APOSTROPHE)
    if '"' in text:
        parts = text.split('"')
        if len(parts) % 2:  # paired quotes only
            text = "".join(
                part if index % 2 == 0 else f"«{NBSP}{part.strip()}{NBSP}»" for index, part in enumerate(parts)
            )
    return text


def long_datetime(value: dt.datetime) -> str:
    """« 5 mars 2024 à 09:00 », in local time."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{long_date(local)} à {local:%H:%M}"


def duration(seconds: float) -> str:
    """12.34 → « 12,3 s »; 75 → « 1 min 15 s »; 3725 → « 1 h 02 min »."""
    if seconds < 60:
        return f"{number(seconds, 1)}{NBSP}s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}{NBSP}min {rest:02d}{NBSP}s"
    hours, minutes = divmod(minutes, 60)
    return f"{number(hours)}{NBSP}h {minutes:02d}{NBSP}min"


def of_place(name: str, tncc: int) -> str:
    """« de » and the article before a département's or a région's name, by its INSEE TNCC:
    (« Corrèze », 3) → « de la Corrèze »; (« Ain », 5) → « de l’Ain »; (« Val-d'Oise », 2) → « du Val-d’Oise »."""
    return _OF_PLACE[tncc] + name.replace("'", APOSTROPHE)
