"""The search answers what was asked (issue 14): default order, radius without a commune, a place in
the words, lenient page numbers, stop-words."""

import re

import pytest
from django.http import QueryDict

from offers.filters import only_stop_words, recognise_place
from offers.views.search import normalised_params
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

URL = "/offres/"


def titles(response):
    assert response.status_code == 200
    return re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def sort_select(html):
    return html.split('id="filtre-tri"')[1].split("</select>")[0]


@pytest.fixture
def offers():
    return {
        "tulle": OfferFactory(title="Chef de projet revitalisation", chef_de_projet=True),
        "aurillac": OfferFactory(title="VTA chargé de mission", vta=True, commune="15014"),
        "brive": OfferFactory(title="Ingénieur méthodes", commune="19031"),
        "paris": OfferFactory(title="Ingénieur logiciel", commune="75056"),
        "lyon": OfferFactory(title="Chef de projet mobilités", chef_de_projet=True, commune="69123"),
    }


# --- Words sort by relevance unless the visitor chose another order ----------------------------------
def test_the_sort_select_sends_no_order_by_default(client, offers):
    html = client.get(URL).content.decode()
    select = sort_select(html)
    # The default order has an empty value: a search typed on this page is sorted by relevance.
    assert '<option value="" selected>Les plus récentes</option>' in select
    assert 'value="date"' not in select and 'value="pertinence"' not in select
    with_words = sort_select(client.get(URL, {"q": "ingénieur"}).content.decode())
    assert '<option value="" selected>Les plus pertinentes</option>' in with_words
    assert '<option value="date">Les plus récentes</option>' in with_words


def test_an_explicit_date_order_is_kept(client, offers):
    select = sort_select(client.get(URL, {"q": "ingénieur", "tri": "date"}).content.decode())
    assert '<option value="date" selected>' in select


# --- A radius without a commune is no error ---------------------------------------------------------
def test_radius_without_commune_is_ignored_silently(client, offers):
    response = client.get(URL, {"rayon": "30", "type": "vta"})
    assert 'role="alert"' not in response.content.decode()
    assert titles(response) == ["VTA chargé de mission"]
    assert normalised_params(QueryDict("rayon=30&q=x")) == [("q", "x")]
    assert normalised_params(QueryDict("rayon=30&commune=19272")) == [("commune", "19272"), ("rayon", "30")]


# --- A place in the words ---------------------------------------------------------------------------------
def test_recognise_place():
    place = recognise_place("chef de projet Tulle")
    assert (place.param, place.code, place.label, place.words) == ("commune", "19272", "Tulle (19)", "chef de projet")
    place = recognise_place("VTA Cantal")
    assert (place.param, place.code, place.label, place.words) == ("departement", "15", "Cantal (15)", "VTA")
    place = recognise_place("ingénieur 19")
    assert (place.param, place.code, place.words) == ("departement", "19", "ingénieur")
    place = recognise_place("Nouvelle-Aquitaine urbaniste")
    assert (place.param, place.code, place.words) == ("region", "75", "urbaniste")
    place = recognise_place("chargé de mission en Corrèze")  # a département before its homonymous commune
    assert (place.param, place.code, place.words) == ("departement", "19", "chargé de mission en")
    place = recognise_place("VTA dans le Cantal")
    assert (place.param, place.code) == ("departement", "15")
    assert recognise_place("chef de projet") is None
    assert recognise_place("ingénieur -Tulle") is None  # an excluded word is no place


@pytest.mark.parametrize(
    ("q", "expected", "label"),
    [
        ("chef de projet Tulle", ["Chef de projet revitalisation"], "Tulle (19)"),
        ("VTA Cantal", ["VTA chargé de mission"], "Cantal (15)"),
        ("ingénieur 19", ["Ingénieur méthodes"], "Corrèze (19)"),
    ],
)
def test_a_place_in_the_words_filters_and_is_said(client, offers, q, expected, label):
    response = client.get(URL, {"q": q})
    assert titles(response) == expected
    html = response.content.decode()
    assert f"Lieu reconnu&nbsp;: <strong>{label}</strong>" in html
    link = re.search(r'<a class="fr-link" href="([^"]+)">retirer', html).group(1)
    assert "lieu=non" in link
    # The form keeps what the visitor typed, so that submitting it again gives the same answer.
    assert f'name="q" value="{q}"' in html
    assert 'id="filtre-commune" name="commune" value=""' in html
    assert 'role="alert"' not in html


def test_removing_the_recognised_place_searches_every_word(client, offers):
    response = client.get(URL, {"q": "chef de projet Tulle", "lieu": "non"})
    assert "Lieu reconnu" not in response.content.decode()
    assert 'type="hidden" name="lieu" value="non"' in response.content.decode()
    # « Tulle » is then a word: the offer in Tulle does not hold it in its text (its commune is no word).
    assert titles(response) == []


def test_a_place_given_in_the_form_turns_recognition_off(client, offers):
    response = client.get(URL, {"q": "chef de projet Tulle", "departement": "69"})
    assert "Lieu reconnu" not in response.content.decode()


# --- Page numbers --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["0", "-1", "abc", "", "1.5"])
def test_a_page_that_is_no_page_number_is_page_1_silently(client, offers, page):
    response = client.get(URL, {"page": page})
    html = response.content.decode()
    assert 'role="alert"' not in html and "page 50" not in html
    assert len(titles(response)) == 5


def test_a_page_beyond_the_last_still_says_where_pages_stop(client, offers):
    assert "Les résultats s’arrêtent à la page 50" in client.get(URL, {"page": "51"}).content.decode()


# --- Stop-words ------------------------------------------------------------------------------------------------
def test_only_stop_words():
    assert only_stop_words("de") and only_stop_words("le la les de") and only_stop_words("L’ et à")
    assert not only_stop_words("chef de projet") and not only_stop_words("")


@pytest.mark.parametrize("q", ["de", "le la les de"])
def test_stop_words_alone_are_ignored_the_same_way(client, offers, q):
    response = client.get(URL, {"q": q})
    html = response.content.decode()
    assert len(titles(response)) == 5  # every offer, as without words
    assert f"«&nbsp;{q}&nbsp;» : ces mots sont trop courants pour être cherchés." in html
    assert '<option value="" selected>Les plus récentes</option>' in html
