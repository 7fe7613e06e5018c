"""Commune autocomplete: accents, case, hyphens, abbreviations and typos; codes; the trigram index."""

import pytest

from territories.queries import autocomplete_queryset

pytestmark = pytest.mark.django_db

URL = "/territoires/communes/autocomplete/"


def results(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


@pytest.mark.parametrize(
    ("q", "code"),
    [
        ("egleton", "19073"),
        ("Égletons", "19073"),
        ("egletns", "19073"),  # a letter missing
        ("st etienne", "42218"),
        ("saint-etienne", "42218"),
        ("SAINT ÉTIENNE", "42218"),
        ("sant etienne", "42218"),  # a typo
        ("tulle", "19272"),
        ("marseile", "13055"),
    ],
)
def test_names_match_first(client, q, code):
    found = results(client, q)
    assert found, q
    assert found[0]["code"] == code


def test_result_fields(client):
    first = results(client, "egleton")[0]
    assert first == {
        "code": "19073",
        "nom": "Égletons",
        "departement": "19",
        "departement_nom": "Corrèze",
        "codes_postaux": ["19300"],
        "population": 4341,
        "url": "/territoires/communes/19073/",
    }


def test_prefix_matches_come_first_then_population(client):
    found = results(client, "saint etienne")
    assert len(found) == 10
    assert found[0]["nom"] == "Saint-Étienne"
    assert all(item["nom"].startswith("Saint-Étienne") for item in found)


def test_postcode_and_insee_code(client):
    by_postcode = results(client, "19000")
    assert [item["code"] for item in by_postcode][:1] == ["19272"]
    assert all("19000" in item["codes_postaux"] for item in by_postcode)
    assert [item["code"] for item in results(client, "42100")][0] == "42218"
    assert [item["code"] for item in results(client, "19272")] == ["19272"]
    assert [item["code"] for item in results(client, "2a004")] == ["2A004"]


@pytest.mark.parametrize("q", ["", "a", " é ", "-"])
def test_short_queries_give_no_result(client, q, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert results(client, q) == []


def test_at_most_ten_results_in_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = results(client, "sa")
    assert len(found) == 10


def test_unknown_name(client):
    assert results(client, "xqzwvk") == []


def test_cache_control(client):
    response = client.get(URL, {"q": "tulle"})
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]


def test_post_is_refused(client):
    assert client.post(URL, {"q": "tulle"}).status_code == 405


@pytest.mark.parametrize("q", ["egleton", "st etienne", "marseile"])
def test_name_search_uses_the_trigram_index(q):
    plan = autocomplete_queryset(q).explain()
    assert "commune_search_name_trgm" in plan, plan
    assert "Seq Scan on territories_commune" not in plan, plan


def test_long_text_is_cut_before_it_reaches_the_database(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from territories.queries import AUTOCOMPLETE_MAX_LENGTH

    long_text = "egletons" + " zq" * 1300  # 3,908 characters, under gunicorn's URL limit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"q": long_text})
    answer = response.json()
    assert response.status_code == 200
    assert answer["tronque"] is True
    assert answer["message"] == "Seuls les 60 premiers caractères de la recherche ont été pris en compte."
    [query] = queries.captured_queries
    # The longest literal the database is given is the cut text, normalised.
    literals = [part for part in query["sql"].split("'") if "zq" in part]
    assert literals and max(len(part) for part in literals) <= AUTOCOMPLETE_MAX_LENGTH
    assert "tronque" not in results_answer(client, "egletons")


def results_answer(client, q):
    return client.get(URL, {"q": q}).json()
