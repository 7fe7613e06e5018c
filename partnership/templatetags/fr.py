"""`{% load fr %}`: French formatting in templates, by the functions of `partnership.formatting`.

`{{ count|number }}` « 12 345 », `{{ amount|euros }}` « 30 000 € », `{{ share|percent }}` « 40 % »,
`{{ day|long_date }}` « 1er février 2027 », `{{ seconds|duration }}` « 1 min 15 s »,
`{{ departement|of_place }}` « de la Corrèze » (a Departement or a Region: its name and TNCC),
`{{ offer.expires_at|deadline }}` « 31 janvier 2027 » (the last day of a deadline), `{{ text|typographic }}`
« d’agglomération » (curly apostrophes and quotes in text from data).
None gives "", so that `|default:"…"` can follow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from partnership import formatting, glossary

register = template.Library()


@register.filter
def number(value: float | None, decimals: int = 0) -> str:
    return "" if value is None else formatting.number(value, decimals)


@register.filter
def euros(value: float | None) -> str:
    return "" if value is None else formatting.euros(value)


@register.filter
def percent(value: float | None, decimals: int = 0) -> str:
    return "" if value is None else formatting.percent(value, decimals)


@register.filter
def long_date(value: dt.date | None) -> str:
    return "" if value is None else formatting.long_date(value)


@register.filter
def deadline(value: dt.datetime | None) -> str:
    """A deadline's last day: « 31 janvier 2027 » for a date-only deadline stored as the next midnight."""
    return "" if value is None else formatting.long_date(formatting.last_day(value))


@register.filter
def typographic(value: str | None) -> str:
    """Curly apostrophes and « » in a text that comes from data (escaped as usual afterwards)."""
    return "" if value is None else formatting.typographic(str(value))


@register.filter
def abbr(acronym: str) -> str:
    """« QPV » → `<abbr title="quartier prioritaire de la politique de la ville">QPV</abbr>`, from the glossary."""
    term = glossary.BY_ACRONYM[acronym]
    return format_html('<abbr title="{}">{}</abbr>', term.expansion, term.acronym)


@register.filter
def abbrs(text: str) -> str:
    """A text from data with each acronym of the glossary spelled out in an `<abbr>` (« FRR socle »,
    a programme's source); the text is escaped first."""
    return mark_safe(glossary.ACRONYM_PATTERN.sub(lambda match: abbr(match.group(1)), conditional_escape(text)))  # noqa: S308  # nosec B308 B703 - escaped above, <abbr> built by format_html


@register.filter
def duration(seconds: float | None) -> str:
    return "" if seconds is None else formatting.duration(seconds)


@register.filter
def of_place(place: Any) -> str:
    """A Departement or a Region (anything with `name` and `tncc`) → « de la Corrèze »."""
    return formatting.of_place(place.name, place.tncc)
