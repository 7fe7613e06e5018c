"""territories.codes: the shapes of INSEE codes and the « Tulle (19) » label, wherever they are read."""

import pytest
from django.urls import Resolver404, resolve

from offers.filters import resolve_commune
from territories.codes import (
    commune_label,
    is_commune_code,
    is_departement_code,
    is_postcode,
    split_commune_label,
    split_place_label,
)
from territories.queries import autocomplete


@pytest.mark.parametrize("text", ["19272", "2A004", "2b033", " 75056 ", "97411", "19000"])
def test_commune_codes_and_postcodes(text):
    assert is_commune_code(text)


@pytest.mark.parametrize("text", ["1927", "192720", "2C004", "A9272", "20A04", "19 272", "", "١٩٢٧٢"])
def test_not_commune_codes(text):
    assert not is_commune_code(text)


@pytest.mark.parametrize("text", ["01", "19", "2A", "2b", "95", "971", "976", "988", " 74 "])
def test_departement_codes(text):
    assert is_departement_code(text)


@pytest.mark.parametrize("text", ["1", "2C", "100", "990", "19272", "A1", "", "١٩"])
def test_not_departement_codes(text):
    assert not is_departement_code(text)


def test_postcodes_are_five_digits():
    assert is_postcode("19000") and is_postcode(" 01500 ")
    assert not is_postcode("2A004") and not is_postcode("1900")


def test_the_commune_label_is_read_back():
    assert commune_label("Tulle", "19") == "Tulle (19)"
    assert split_commune_label("Tulle (19)") == ("Tulle", "19")
    assert split_commune_label("Ajaccio (2a)") == ("Ajaccio", "2A")
    assert split_commune_label("Saint-Denis ( 974 )") == ("Saint-Denis", "974")
    assert split_commune_label("Saint-Denis (93)") == ("Saint-Denis", "93")
    for text in ("Tulle", "Tulle (19000)", "Tulle (2C)", "(19)", "Tulle (19) x"):
        assert split_commune_label(text) is None, text


@pytest.mark.parametrize(
    ("label", "parts"),
    [
        ("74", ("74", "")),
        ("74 - Annecy", ("74", "Annecy")),
        ("2a – AJACCIO", ("2A", "AJACCIO")),
        ("974 : Saint-Denis", ("974", "Saint-Denis")),
        ("Annecy (74)", ("74", "Annecy")),
        ("Annecy (74000)", ("74000", "Annecy")),
        ("Annecy - 74", ("74", "Annecy")),
        ("74000 Annecy", ("74000", "Annecy")),
        ("Annecy 74000", ("74000", "Annecy")),
        ("Annecy", (None, "Annecy")),
    ],
)
def test_feed_place_labels(label, parts):
    assert split_place_label(label) == parts


@pytest.mark.django_db
def test_search_and_autocomplete_read_codes_and_labels_alike():
    assert resolve_commune("19272").code == "19272"
    assert resolve_commune("2a004").code == "2A004"  # Ajaccio
    assert resolve_commune("19000").code == "19272"  # Tulle's postcode
    assert resolve_commune("Saint-Denis (974)").code == "97411"
    assert resolve_commune("Saint-Denis (93)").code == "93066"
    assert resolve_commune("Ajaccio (2A)").label == "Ajaccio (2A)"
    assert [c.code for c in autocomplete("2a004")] == ["2A004"]
    assert "19272" in [c.code for c in autocomplete("19000")]


@pytest.mark.parametrize(
    "path",
    [
        "/territoires/communes/19272/",
        "/territoires/communes/2A004/",
        "/territoires/departements/2B/",
        "/territoires/departements/974/",
        "/territoires/departements/988/",
        "/territoires/regions/84/",
        "/territoires/regions/975/",
    ],
)
def test_territory_urls_take_the_code_shapes(path):
    assert resolve(path).kwargs["code"] == path.split("/")[-2]


@pytest.mark.parametrize(
    "path",
    [
        "/territoires/communes/1A001/",
        "/territoires/communes/١٩٢٧٢/",
        "/territoires/departements/1A/",
        "/territoires/departements/100/",
        "/territoires/regions/100/",
    ],
)
def test_territory_urls_refuse_what_cannot_be_a_code(path):
    with pytest.raises(Resolver404):
        resolve(path)
