"""partnership.formatting and its template library `fr`: the one way numbers, amounts, dates and place
names are written in French."""

import datetime as dt

import pytest
from django.template import Context, Template

from partnership.formatting import (
    duration,
    euro_range,
    euros,
    long_date,
    long_datetime,
    number,
    of_place,
    percent,
)

NNBSP = "\u202f"  # between groups of digits
NBSP = "\u00a0"  # between a number and its unit
PARIS = dt.timezone(dt.timedelta(hours=1))  # Europe/Paris in winter


def test_numbers_are_grouped_by_three_with_a_narrow_no_break_space() -> None:
    assert number(0) == "0"
    assert number(999) == "999"
    assert number(1000) == "1\u202f000"
    assert number(50_000) == "50\u202f000"
    assert number(1_234_567) == "1\u202f234\u202f567"
    assert number(-12_000) == "-12\u202f000"


def test_decimals_take_a_comma() -> None:
    assert number(1234.5, 1) == "1\u202f234,5"
    assert number(0.25, 2) == "0,25"
    assert number(39.6) == "40"


def test_amounts_and_percentages_keep_their_unit_on_the_same_line() -> None:
    assert euros(30_000) == f"30{NNBSP}000{NBSP}€"
    assert euros(950) == f"950{NBSP}€"
    assert euro_range(30_000, 35_000) == f"30{NNBSP}000{NBSP}–{NBSP}35{NNBSP}000{NBSP}€"
    assert euro_range(30_000, 30_000) == f"30{NNBSP}000{NBSP}€"
    assert percent(80) == f"80{NBSP}%"
    assert percent(12.5, 1) == f"12,5{NBSP}%"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2027, 2, 1), "1er février 2027"),
        (dt.date(2027, 3, 3), "3 mars 2027"),
        (dt.date(2026, 8, 15), "15 août 2026"),
        (dt.date(2026, 12, 31), "31 décembre 2026"),
        (dt.date(2027, 1, 1), "1er janvier 2027"),
    ],
)
def test_dates_are_written_in_words_with_1er_on_the_first(day: dt.date, text: str) -> None:
    assert long_date(day) == text


def test_a_moment_is_dated_in_local_time() -> None:
    # 23:30 UTC on 31 January is already 1 February in Paris.
    assert long_date(dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC)) == "1er février 2027"
    assert long_datetime(dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)) == "5 mars 2024 à 09:00"
    assert long_datetime(dt.datetime(2024, 3, 5, 9, 0, tzinfo=PARIS)) == "5 mars 2024 à 09:00"


def test_durations() -> None:
    assert duration(0.04) == f"0,0{NBSP}s"
    assert duration(12.34) == f"12,3{NBSP}s"
    assert duration(75) == f"1{NBSP}min 15{NBSP}s"
    assert duration(3725) == f"1{NBSP}h 02{NBSP}min"


@pytest.mark.parametrize(
    ("name", "tncc", "phrase"),
    [
        ("Paris", 0, "de Paris"),
        ("La Réunion", 0, "de La Réunion"),
        ("Île-de-France", 1, "d’Île-de-France"),
        ("Cantal", 2, "du Cantal"),
        ("Val-d'Oise", 2, "du Val-d’Oise"),
        ("Corrèze", 3, "de la Corrèze"),
        ("Landes", 4, "des Landes"),
        ("Côtes-d'Armor", 4, "des Côtes-d’Armor"),
        ("Ain", 5, "de l’Ain"),
        ("Hérault", 5, "de l’Hérault"),
        ("Mureaux", 6, "des Mureaux"),
        ("Cases", 7, "de las Cases"),
        ("Angeles", 8, "de los Angeles"),
    ],
)
def test_of_place_follows_the_insee_name_type(name: str, tncc: int, phrase: str) -> None:
    assert of_place(name, tncc) == phrase


class Place:
    def __init__(self, name: str, tncc: int) -> None:
        self.name, self.tncc = name, tncc


def render(source: str, **context: object) -> str:
    return Template("{% load fr %}" + source).render(Context(context))


def test_template_filters_write_like_the_python_functions() -> None:
    assert render("{{ n|number }}", n=34_969) == "34\u202f969"
    assert render("{{ n|number:1 }}", n=1234.56) == "1\u202f234,6"
    assert render("{{ n|euros }}", n=30_000) == f"30{NNBSP}000{NBSP}€"
    assert render("{{ n|percent }}", n=40) == f"40{NBSP}%"
    assert render("{{ d|long_date }}", d=dt.date(2027, 2, 1)) == "1er février 2027"
    assert render("{{ s|duration }}", s=75) == f"1{NBSP}min 15{NBSP}s"
    assert render("{{ p|of_place }}", p=Place("Corrèze", 3)) == "de la Corrèze"


def test_template_dates_are_local_and_none_gives_room_for_default() -> None:
    assert render("{{ d|long_date }}", d=dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC)) == "1er février 2027"
    assert render('{{ d|long_date|default:"non renseignée" }}', d=None) == "non renseignée"
    assert render('{{ n|number|default:"–" }}', n=None) == "–"
