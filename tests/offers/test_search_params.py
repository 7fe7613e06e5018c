"""Invalid search parameters: a French message on the field and in an alert, status 200, and the
other valid parameters still applied."""

from __future__ import annotations

import re

import pytest

from offers.filters import geo_names
from offers.views.search import normalised_params
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

URL = "/offres/"


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture(autouse=True)
def _offers():
    geo_names.forget()
    OfferFactory(title="VTE à Tulle")
    OfferFactory(title="VTA à Paris", vta=True, commune="75056")


@pytest.mark.parametrize(
    ("params", "message", "field_id"),
    [
        ("type=xyz", "Type d’offre : valeur inconnue « xyz ».", None),
        ("programme=zrr", "Programme : valeur inconnue « zrr ».", None),
        ("region=999", "Région : valeur inconnue « 999 ».", "filtre-region"),
        ("departement=00", "Département : valeur inconnue « 00 ».", "filtre-departement"),
        ("commune=Nullepart", "Commune introuvable : « Nullepart ».", "filtre-commune"),
        ("commune=99999", "Commune introuvable : « 99999 ».", "filtre-commune"),
        ("commune=75056&rayon=2", "Le rayon est un nombre entier de kilomètres entre 5 et 200.", "filtre-rayon"),
        ("commune=75056&rayon=500", "Le rayon est un nombre entier de kilomètres entre 5 et 200.", "filtre-rayon"),
        ("commune=75056&rayon=abc", "Le rayon est un nombre entier de kilomètres entre 5 et 200.", "filtre-rayon"),
        ("contrat=stage", "Contrat : valeur inconnue « stage ».", None),
        ("duree_min=0", "La durée est un nombre de mois entre 1 et 120.", None),
        ("duree_max=abc", "La durée est un nombre de mois entre 1 et 120.", None),
        ("duree_min=12&duree_max=6", "La durée maximale doit être supérieure ou égale à la durée minimale.", None),
        ("niveau=bac%2B12", "Niveau d’études : valeur inconnue « bac+12 ».", None),
        ("teletravail=parfois", "Télétravail : valeur inconnue « parfois ».", None),
        ("publiee_depuis=-3", "« Publiée depuis » est un nombre de jours entre 1 et 365.", "filtre-publiee-depuis"),
        ("publiee_depuis=1000", "« Publiée depuis » est un nombre de jours entre 1 et 365.", "filtre-publiee-depuis"),
        ("tri=prix", "Tri : valeur inconnue « prix ».", None),
        ("tri=distance", "Le tri par distance demande une commune", None),
        ("page=51", "Les résultats s’arrêtent à la page 50", None),
    ],
)
def test_invalid_value_gives_a_french_message_and_keeps_other_filters(client, params, message, field_id):
    response = client.get(f"{URL}?{params}&type=vta")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert"' in html
    assert message in html
    if field_id:
        assert f'id="{field_id}-erreur"' in html
        assert f'aria-describedby="{field_id}-erreur"' in html
    # type=vta still applies (except when type itself is the invalid one, where it is kept too)
    assert titles(response) == ["VTA à Paris"]


def test_valid_values_of_a_parameter_are_kept_beside_invalid_ones(client):
    response = client.get(URL + "?type=vta&type=xyz")
    assert titles(response) == ["VTA à Paris"]
    assert "Type d’offre : valeur inconnue « xyz »." in response.content.decode()
    assert "fr-fieldset--error" in response.content.decode()


def test_invalid_type_alone_searches_everything(client):
    response = client.get(URL + "?type=xyz")
    assert sorted(titles(response)) == ["VTA à Paris", "VTE à Tulle"]


def test_valid_parameters_show_no_alert(client):
    response = client.get(
        URL + "?q=tulle&type=vte&programme=acv&region=75&departement=19&commune=19272&rayon=30&contrat=cdd"
        "&duree_min=1&duree_max=120&niveau=bac%2B2&teletravail=aucun&publiee_depuis=30&tri=distance&page=1"
    )
    assert response.status_code == 200
    assert 'role="alert"' not in response.content.decode()


def test_q_is_cut_and_cleaned(client):
    response = client.get(URL, {"q": "tulle\x00" + "x" * 500})
    assert response.status_code == 200
    assert 'role="alert"' not in response.content.decode()


def test_unknown_parameters_are_ignored(client):
    response = client.get(URL + "?utm_source=lettre&type=vta")
    assert titles(response) == ["VTA à Paris"]


def test_normalised_params():
    from django.http import QueryDict

    query = QueryDict("type=vte&type=vta&type=vte&q=+projet+&region=&region=84&page=2&x=1")
    assert normalised_params(query) == [
        ("q", "projet"),
        ("type", "vta"),
        ("type", "vte"),
        ("region", "84"),
        ("page", "2"),
    ]


@pytest.mark.django_db
def test_filter_sets_share_no_state_of_a_request():
    # The filters and form fields are copied shallowly for speed: what one search rejects or binds
    # must not reach another built before or after it.
    from django.http import QueryDict

    from offers.filters import OfferFilterSet
    from offers.models import Offer

    rejecting = OfferFilterSet(QueryDict("type=xyz&type=vte&q=tulle"), queryset=Offer.objects.none())
    clean = OfferFilterSet(QueryDict("type=vta&q=brive"), queryset=Offer.objects.none())
    assert clean.data_ok["type"] == ["vta"] and "type" not in clean.form.errors
    assert rejecting.data_ok["type"] == ["vte"] and "xyz" in str(rejecting.form.errors["type"])
    assert clean.form.fields["type"] is not rejecting.form.fields["type"]
    assert clean.filters["q"].filter.f.parent is clean and rejecting.filters["q"].filter.f.parent is rejecting
    assert not getattr(clean.form.fields["type"], "rejected", [])
