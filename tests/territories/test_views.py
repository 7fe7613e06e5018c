"""Territory pages on the real territories imported for the test session."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROGRAMME_SLUGS = [
    "qpv",
    "territoires-industrie",
    "petites-villes-de-demain",
    "action-coeur-de-ville",
    "france-ruralites-revitalisation",
    "rural",
    "montagne",
]


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_index_lists_programmes_regions_and_departements(client):
    html = html_of(client.get("/territoires/"))
    assert '<a href="/territoires/regions/75/">Nouvelle-Aquitaine</a>' in html
    assert '<a href="/territoires/departements/2A/">Corse-du-Sud (2A)</a>' in html
    for slug in PROGRAMME_SLUGS:
        assert f'href="/territoires/programmes/{slug}/"' in html


def test_index_finds_a_commune_without_javascript(client):
    html = html_of(client.get("/territoires/", {"q": "egleton"}))
    assert '<a href="/territoires/communes/19073/">Égletons</a>' in html
    html = html_of(client.get("/territoires/", {"q": "xqzwv"}))
    assert "Aucune commune ne correspond à «&nbsp;xqzwv&nbsp;»" in html


def test_commune_tulle(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/territoires/communes/19272/")
    html = html_of(response)
    assert "<h1>Tulle</h1>" in html
    assert '<a href="/territoires/departements/19/">Corrèze (19)</a>' in html
    assert '<a href="/territoires/regions/75/">Nouvelle-Aquitaine</a>' in html
    assert "13\u202f401 habitants" in html
    assert 'Commune <a href="/territoires/departements/19/">de la Corrèze (19)</a>' in html
    assert 'content="Tulle, commune de la Corrèze : population' in html
    assert "19000" in html
    assert "CA Tulle Agglo" in html and "(communauté d’agglomération, numéro <abbr" in html
    assert "Territoire d’industrie «&nbsp;Brive – Tulle – Périgord Noir&nbsp;»" in html
    assert '<a href="/territoires/programmes/action-coeur-de-ville/">Action cœur de ville</a>' in html
    assert "signée le 12 décembre 2023" in html
    assert "Entrées de ville" in html
    assert '<a href="/territoires/programmes/territoires-industrie/">' in html
    assert '<abbr title="France Ruralités Revitalisation">FRR</abbr> socle' in html
    assert "Commune du massif : Massif Central." in html
    assert "zone de montagne" not in html
    assert "Petites villes de demain" not in html.split('id="titre-programmes"')[1]


def test_commune_egletons(client):
    html = html_of(client.get("/territoires/communes/19073/"))
    assert "<h1>Égletons</h1>" in html
    assert "4\u202f341 habitants" in html
    assert "Convention signée le 26 avril 2021." in html
    assert "Bourgs ruraux" in html and "commune rurale" in html
    assert '<a href="/territoires/programmes/rural/">' in html


def test_commune_with_qpvs(client):
    html = html_of(client.get("/territoires/communes/42218/"))
    assert "<h1>Saint-Étienne</h1>" in html
    assert "quartiers prioritaires (liste 2024)" in html
    assert "42000, 42100, 42230" in html


def test_old_commune_code_redirects_permanently(client):
    response = client.get("/territoires/communes/01003/")
    assert response.status_code == 301
    assert response["Location"] == "/territoires/communes/01165/"


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/communes/00000/",
        "/territoires/communes/autocomplete-not/",
        "/territoires/departements/00/",
        "/territoires/regions/99/",
        "/territoires/programmes/zones-inconnues/",
    ],
)
def test_unknown_territory_is_a_french_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_departement_page(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get("/territoires/departements/19/")
    html = html_of(response)
    assert "<h1>Corrèze (19)</h1>" in html
    assert '<a href="/territoires/regions/75/">Nouvelle-Aquitaine</a>' in html
    assert '<a href="/territoires/communes/19073/">Égletons</a>' in html  # PVD
    assert '<a href="/territoires/communes/19272/">Tulle</a>' in html  # ACV
    assert "Communes de la Corrèze par programme" in html


def test_departement_queries_do_not_grow_with_size(client, django_assert_max_num_queries):
    # Nord: hundreds of PVD, QPV and TI communes, still the same statements.
    with django_assert_max_num_queries(10):
        html = html_of(client.get("/territoires/departements/59/"))
    assert "quartiers prioritaires" in html


def test_region_page(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get("/territoires/regions/75/")
    html = html_of(response)
    assert "<h1>Nouvelle-Aquitaine</h1>" in html
    assert "Communes de la Nouvelle-Aquitaine par programme" in html
    assert '<a href="/territoires/departements/19/">Corrèze (19)</a>' in html
    assert '<a href="/territoires/departements/33/">Gironde (33)</a>' in html
    assert '<a href="/territoires/communes/19272/">Tulle</a>' in html
    assert "Territoires d’industrie" in html


@pytest.mark.parametrize("slug", PROGRAMME_SLUGS)
def test_programme_pages(client, slug, django_assert_max_num_queries):
    # Cold cache: key figures (4), départements, programme, count, page, prefetch.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("territories:programme", args=[slug]))
    html = html_of(response)
    assert html.count("<h1") == 1
    assert 'class="fr-table' in html
    assert 'name="q"' in html and 'name="departement"' in html


def test_programme_search_is_accent_and_case_insensitive(client):
    html = html_of(client.get("/territoires/programmes/petites-villes-de-demain/", {"q": "EGLETONS"}))
    assert '<a href="/territoires/communes/19073/">Égletons</a>' in html
    assert "1 résultat" in html
    html = html_of(client.get("/territoires/programmes/action-coeur-de-ville/", {"q": "BOURG-EN-bresse"}))
    assert '<a href="/territoires/communes/01053/">Bourg-en-Bresse</a>' in html
    html = html_of(client.get("/territoires/programmes/action-coeur-de-ville/", {"q": "egletons"}))
    assert "Aucun résultat ne correspond à votre recherche" in html


def test_programme_departement_filter(client):
    html = html_of(client.get("/territoires/programmes/petites-villes-de-demain/", {"departement": "19"}))
    assert "13 résultats" in html
    assert '<option value="19" selected>' in html
    assert "(19)" in html and "(01)" not in html


def test_programme_detail_columns(client):
    html = html_of(client.get("/territoires/programmes/montagne/", {"q": "tulle", "departement": "19"}))
    assert "Massif" in html and '<a href="/territoires/communes/19272/">Tulle</a>' in html
    html = html_of(client.get("/territoires/programmes/territoires-industrie/", {"q": "tulle"}))
    assert '<a href="/territoires/communes/19272/">Tulle</a>' in html
    html = html_of(client.get("/territoires/programmes/petites-villes-de-demain/", {"q": "egletons"}))
    assert "26 avril 2021" in html


def test_qpv_programme_lists_quartiers_with_their_communes(client):
    html = html_of(client.get("/territoires/programmes/qpv/", {"q": "saint etienne", "departement": "42"}))
    assert "Quartier prioritaire" in html
    assert '<a href="/territoires/communes/42218/">Saint-Étienne</a> (42)' in html


def test_programme_pagination(client, django_assert_max_num_queries):
    url = "/territoires/programmes/rural/"
    first = html_of(client.get(url))
    assert "page 1 sur" in first
    assert 'href="?page=2"' in first
    assert first.count('<th scope="row"><a href="/territoires/communes/') == 50
    with django_assert_max_num_queries(8):
        second = html_of(client.get(url, {"page": 2}))
    assert "page 2 sur" in second
    assert 'aria-current="page" title="Page 2"' in second
    # The other parameters stay in the page links.
    filtered = html_of(client.get(url, {"departement": "19", "page": 2}))
    assert 'href="?departement=19&amp;page=3"' in filtered and 'href="?departement=19&amp;page=1"' in filtered


@pytest.mark.parametrize("page", ["abc", "0", "-3", "99999", "1.5", ""])
def test_programme_bad_page_numbers_do_not_fail(client, page):
    response = client.get("/territoires/programmes/rural/", {"page": page})
    assert response.status_code == 200


def test_postcode_label_agrees_in_number(client):
    assert "Code postal</dt>" in html_of(client.get("/territoires/communes/19272/"))
    assert "Codes postaux</dt>" in html_of(client.get("/territoires/communes/42218/"))
