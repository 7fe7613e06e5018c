"""`/api/v1/`: the search page's filters (same parameters, same offers), cursor pages, territories,
the OpenAPI schema, the anonymous rate limit, CORS."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from territories.models import Departement, Region
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

OFFER_LINK = re.compile(r'href="/offres/(\d+)-[^"/]*/"')


@pytest.fixture
def offers():
    now = timezone.now()
    made = []
    places = ["19272", "19031", "15014", "75056", "69123", "87085"]
    for index in range(36):
        traits = [{}, {"vta": True}, {"chef_de_projet": True}][index % 3]
        made.append(
            OfferFactory(
                commune=places[index % len(places)],
                published_at=now - dt.timedelta(hours=index + 1),
                title=["Chef de projet urbanisme", "Chargé de mission eau", "Ingénieur industriel"][index % 3]
                + f" {index}",
                duration_months=6 + index % 18,
                **traits,
            )
        )
    OfferFactory(expired=True, commune="19272")
    return made


def page_ids(client, query: str) -> list[int]:
    html = client.get(f"/offres/?{query}").content.decode()
    return [int(pk) for pk in dict.fromkeys(OFFER_LINK.findall(html))]


def api_ids(client, query: str) -> list[int]:
    response = client.get(f"/api/v1/offres/?{query}")
    assert response.status_code == 200, response.content
    return [offer["id"] for offer in response.json()["results"]]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "type=vta",
        "type=vte&type=chef-de-projet",
        "q=urbanisme",
        "commune=19272&rayon=30",
        "commune=Tulle&rayon=100&type=vte",
        "departement=19",
        "region=84",
        "programme=pvd",
        "duree_min=10&duree_max=14",
        "contrat=cdd&publiee_depuis=1",
        "q=ingénieur&region=75",
    ],
)
def test_the_api_finds_the_offers_the_search_page_finds(client, offers, query):
    expected = page_ids(client, f"{query}&tri=date" if query else "tri=date")
    assert api_ids(client, query) == expected
    assert expected or query in {"programme=pvd", "q=ingénieur&region=75", "contrat=cdd&publiee_depuis=1"}


def test_cursor_pages_go_through_every_open_offer_once(client, offers):
    seen, url = [], "/api/v1/offres/?taille=7"
    while url:
        body = client.get(url).json()
        seen += [offer["id"] for offer in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(offer.pk for offer in offers)
    assert len(seen) == len(set(seen))


def test_an_offer_in_full_and_its_licence(client, offers):
    offer = offers[0]
    body = client.get(f"/api/v1/offres/{offer.pk}/").json()
    assert body["titre"] == offer.title and body["commune"] == {"code": "19272", "nom": "Tulle"}
    assert body["description"] == offer.description_text
    assert body["licence"] == "Licence Ouverte 2.0 (Etalab)"
    assert body["url"].endswith(offer.get_absolute_url())
    expired = OfferFactory(expired=True)
    assert client.get(f"/api/v1/offres/{expired.pk}/").status_code == 404


def test_a_bad_parameter_is_refused_in_french(client):
    response = client.get("/api/v1/offres/?type=xyz&duree_min=0&commune=Nullepart")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == ["Type d’offre : valeur inconnue « xyz »."]
    assert "Commune introuvable" in body["commune"][0]
    assert "durée" in body["duree_min"][0]


def test_an_empty_value_is_refused_not_guessed(client):
    response = client.get("/api/v1/offres/?niveau=&type=vte")
    assert response.status_code == 400
    assert list(response.json()) == ["niveau"]
    assert client.get("/api/v1/offres/?type=%20vte").status_code == 400


def test_the_list_costs_a_bounded_number_of_queries(client, offers, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert len(client.get("/api/v1/offres/?taille=100&commune=19272&rayon=200").json()["results"]) > 5


def test_communes_by_code_and_by_name(client):
    tulle = client.get("/api/v1/communes/19272/").json()
    assert (tulle["nom"], tulle["departement"], tulle["region"]) == ("Tulle", "19", "75")
    assert "19000" in tulle["codes_postaux"]
    names = [commune["nom"] for commune in client.get("/api/v1/communes/?nom=tulle").json()["results"]]
    assert "Tulle" in names
    assert client.get("/api/v1/communes/99999/").status_code == 404


def test_departements_regions_and_programmes_lead_to_their_communes(client):
    correze = client.get("/api/v1/departements/19/").json()
    assert correze["nom"] == "Corrèze" and correze["region"] == "75"
    communes = client.get(correze["communes"]).json()
    assert {commune["departement"] for commune in communes["results"]} == {"19"}
    assert len(client.get("/api/v1/departements/").json()) == Departement.objects.count() >= 101
    assert len(client.get("/api/v1/regions/").json()) == Region.objects.count() >= 18
    pvd = client.get("/api/v1/programmes/pvd/").json()
    assert pvd["nom"] == "Petites villes de demain"
    first = client.get(pvd["communes"]).json()["results"]
    assert first and all("pvd" in commune["programmes"] for commune in first)


def test_the_schema_is_openapi_3(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/offres/", "/api/v1/communes/{code}/", "/api/v1/programmes/{code}/"} <= set(schema["paths"])
    names = {parameter["name"] for parameter in schema["paths"]["/api/v1/offres/"]["get"]["parameters"]}
    assert {"q", "type", "programme", "region", "departement", "commune", "rayon", "curseur", "taille"} <= names
    assert not {"tri", "page"} & names


def test_the_french_documentation_page(client):
    page = client.get("/api/").content.decode()
    assert "API des données ouvertes" in page and "Licence Ouverte 2.0" in page and "/api/schema/" in page


def test_anonymous_callers_are_throttled_with_retry_after(client, settings):
    settings.API_ANON_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/v1/regions/").status_code == 200
    response = client.get("/api/v1/regions/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_cors_is_open_for_get_only(client):
    response = client.get("/api/v1/regions/", headers={"Origin": "https://exemple.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/regions/", headers={"Origin": "https://exemple.org", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200 and "POST" not in preflight["Access-Control-Allow-Methods"]
    assert client.post("/api/v1/regions/").status_code == 405
    page = client.get("/offres/", headers={"Origin": "https://exemple.org"})
    assert "Access-Control-Allow-Origin" not in page
