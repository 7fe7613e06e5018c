"""Territory pages and the home page lead to the open offers there (issue 14, « Territories lead to offers »)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from offers.cache import bump_offers_version
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

TULLE, BRIVE, PARIS, USSEL = "19272", "19031", "75056", "19275"


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def section(html):
    """The « offres » section of a page."""
    return html.split('aria-labelledby="titre-offres"')[1].split("</section>")[0]


@pytest.fixture
def offers():
    now = timezone.now()
    made = {
        "tulle": [
            OfferFactory(title=f"Offre Tulle {n}", published_at=now - dt.timedelta(hours=n + 1)) for n in range(5)
        ],
        "brive": OfferFactory(title="Offre Brive", vta=True, commune=BRIVE, published_at=now - dt.timedelta(days=3)),
        "ussel": OfferFactory(title="Offre Ussel", chef_de_projet=True, commune=USSEL),
        "paris": OfferFactory(title="Offre Paris", commune=PARIS),
        "expired": OfferFactory(title="Offre expirée", expired=True),
    }
    return made


def test_commune_page_shows_offers_in_the_commune_and_within_30_km(client, offers, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        html = html_of(client.get(f"/territoires/communes/{TULLE}/"))
    part = section(html)
    # 5 in Tulle, Brive is about 23 km away; Ussel (about 50 km), Paris and the expired offer are not.
    assert "6 offres ouvertes</strong> à Tulle ou à moins de 30\u00a0km, dont 5 dans la commune même" in part
    assert 'href="/offres/?commune=19272&amp;rayon=30"' in part
    assert 'href="/offres/?commune=19272&amp;rayon=30&amp;type=vte">VTE' in part
    assert "VTA&nbsp;: 1" in part and "VTE&nbsp;: 5" in part
    assert "Chef de projet" not in part  # no chef-de-projet offer nearby: its kind is not listed
    titles = re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', part)
    assert titles == [f"Offre Tulle {n}" for n in range(5)]  # the 5 newest, newest first: Brive is older
    assert "Offre Ussel" not in part and "Offre Paris" not in part and "expirée" not in part


def test_search_link_of_the_commune_page_lists_the_same_offers(client, offers):
    html = html_of(client.get("/offres/", {"commune": TULLE, "rayon": "30"}))
    assert "6 offres" in html


def test_commune_page_without_offers(client, offers):
    html = html_of(client.get("/territoires/communes/42218/"))  # Saint-Étienne
    assert "Aucune offre n’est ouverte à Saint-Étienne ou à moins de 30\u00a0km pour le moment." in section(html)


def test_departement_page_shows_its_offers(client, offers, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        html = html_of(client.get("/territoires/departements/19/"))
    part = section(html)
    assert "7 offres ouvertes</strong> dans le département de la Corrèze" in part
    assert 'href="/offres/?departement=19"' in part
    assert 'href="/offres/?departement=19&amp;type=chef-de-projet">Chef de projet&nbsp;: 1' in part
    assert len(re.findall(r'class="fr-card__title"', part)) == 5


def test_region_page_shows_its_offers(client, offers):
    part = section(html_of(client.get("/territoires/regions/75/")))
    assert "7 offres ouvertes</strong> dans la région Nouvelle-Aquitaine" in part
    assert 'href="/offres/?region=75"' in part
    part = section(html_of(client.get("/territoires/regions/11/")))
    assert "1 offre ouverte</strong> dans la région Île-de-France" in part
    assert "Voir l’offre dans la région Île-de-France" in part


def test_programme_page_shows_its_offers(client, offers):
    # Tulle is an Action cœur de ville commune; Ussel too. Brive as well.
    part = section(html_of(client.get("/territoires/programmes/action-coeur-de-ville/")))
    assert 'href="/offres/?programme=acv"' in part
    match = re.search(r"<strong>(\d+) offres? ouvertes?</strong>", part)
    html = html_of(client.get("/offres/", {"programme": "acv"}))
    assert f"{match.group(1)} offre" in html


def test_search_by_programme_links_to_the_programme_page(client, offers):
    html = html_of(client.get("/offres/", {"programme": "acv"}))
    assert '<a href="/territoires/programmes/action-coeur-de-ville/">' in html


def test_home_shows_open_offers_by_kind_and_the_newest(client, offers):
    part = section(html_of(client.get("/")))
    assert "8 offres ouvertes</strong> sur le portail" in part
    assert 'href="/offres/?type=vta">VTA&nbsp;: 1' in part
    assert 'href="/offres/?type=vte">VTE&nbsp;: 6' in part
    assert len(re.findall(r'class="fr-card__title"', part)) == 5
    assert 'href="/offres/"' in part


def test_territory_offers_are_cached_until_an_offer_changes(
    client, offers, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.get("/territoires/departements/19/")
    OfferFactory(title="Nouvelle offre", commune=TULLE, published_at=timezone.now())
    assert "Nouvelle offre" not in section(html_of(client.get("/territoires/departements/19/")))
    with django_capture_on_commit_callbacks(execute=True):
        bump_offers_version()
    assert "Nouvelle offre" in section(html_of(client.get("/territoires/departements/19/")))


def test_region_departements_are_sorted_by_code_and_say_so(client):
    html = html_of(client.get("/territoires/regions/75/"))
    table = html.split('id="titre-departements"')[1].split("</table>")[0]
    assert "Par ordre de code du département." in table
    codes = re.findall(r'href="/territoires/departements/(\w+)/"', table)
    assert codes == sorted(codes) and len(codes) == 12


def test_territory_index_sorts_regions_in_french_order(client):
    html = html_of(client.get("/territoires/"))
    part = html.split('id="titre-regions"')[1]
    names = re.findall(r'<h3 class="fr-h6 fr-mb-1w"><a href="[^"]+">([^<]+)</a>', part)
    assert names.index("Hauts-de-France") < names.index("Île-de-France") < names.index("La Réunion")
    assert names[-1] != "Île-de-France"
