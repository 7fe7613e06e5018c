"""The offer search page /offres/: full-text search, filters, radius, counts, caching, htmx."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from offers import search as engine
from offers.cache import VERSION_KEY, bump_offers_version, offers_version
from offers.enums import Contract, EducationLevel, OfferStatus, Remote
from offers.filters import CommunePoint, geo_names
from offers.models import Offer
from offers.views.search import _cache_key, _count_text, normalised_params
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

URL = "/offres/"
TULLE, BRIVE, PARIS = "19272", "19031", "75056"  # Brive is about 23 km from Tulle


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="fr-card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


@pytest.fixture(autouse=True)
def _geo_names_loaded():
    geo_names.forget()
    geo_names.region_choices()  # loaded once per process in production: not part of a request's queries


def test_empty_search_lists_published_offers_newest_first(client):
    old = OfferFactory(title="Ancienne offre", published_at=timezone.now() - dt.timedelta(days=10))
    new = OfferFactory(title="Nouvelle offre")
    OfferFactory(title="Brouillon", draft=True)
    OfferFactory(title="Pourvue", filled=True)
    OfferFactory(
        title="Expirée par la date",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    response = get(client)
    assert titles(response) == [new.title, old.title]
    assert "2 offres" in response.content.decode()
    assert f'href="{new.get_absolute_url()}"' in response.content.decode()


def test_result_card_shows_employer_place_badge_tags_contract_duration_and_date(client):
    OfferFactory(title="Chef de projet PVD", chef_de_projet=True, duration_months=24, employer_name="Mairie de Tulle")
    html = get(client).content.decode()
    assert "Mairie de Tulle – Tulle (19)" in html
    assert 'class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--purple-glycine">Chef de projet<' in html
    assert "Contrat de projet, 24 mois" in html
    assert re.search(r'<p class="fr-tag fr-tag--sm">[^<]+</p>', html)  # Tulle is in several programmes
    assert "Publiée le " in html


def test_full_text_search_stems_and_ignores_accents(client):
    OfferFactory(title="Ingénieure des méthodes industrielles")
    OfferFactory(title="Comptable")
    assert titles(get(client, q="ingenieur")) == ["Ingénieure des méthodes industrielles"]
    assert titles(get(client, q="INGÉNIEURES méthode")) == ["Ingénieure des méthodes industrielles"]
    assert titles(get(client, q="methode")) == ["Ingénieure des méthodes industrielles"]


def test_title_ranks_above_employer_above_description(client):
    OfferFactory(title="Poste A", description_text="Un poste lié à la forêt.", published_at=timezone.now())
    OfferFactory(
        title="Poste B", employer_name="Office de la forêt", published_at=timezone.now() - dt.timedelta(days=1)
    )
    OfferFactory(title="Garde forestier forêt", published_at=timezone.now() - dt.timedelta(days=2))
    assert titles(get(client, q="forêt")) == ["Garde forestier forêt", "Poste B", "Poste A"]
    # tri=date ignores the rank
    assert titles(get(client, q="forêt", tri="date")) == ["Poste A", "Poste B", "Garde forestier forêt"]


def test_web_search_syntax(client):
    OfferFactory(title="Chef de projet numérique", contract=Contract.CDD)
    OfferFactory(title="Chef de projet en alternance", description_text="Poste en alternance.")
    OfferFactory(title="Projet de chef cuisinier")
    assert sorted(titles(get(client, q='"chef de projet"'))) == [
        "Chef de projet en alternance",
        "Chef de projet numérique",
    ]
    assert titles(get(client, q='"chef de projet" -alternance')) == ["Chef de projet numérique"]
    assert sorted(titles(get(client, q="numérique or cuisinier"))) == [
        "Chef de projet numérique",
        "Projet de chef cuisinier",
    ]


def test_type_programme_region_departement_filters(client):
    OfferFactory(title="VTE Tulle")
    OfferFactory(title="VTA Paris", vta=True, commune=PARIS)
    OfferFactory(title="Chef Brive", chef_de_projet=True, commune=BRIVE)
    assert titles(get(client, type="vta")) == ["VTA Paris"]
    assert sorted(titles(client.get(URL + "?type=vta&type=chef-de-projet"))) == ["Chef Brive", "VTA Paris"]
    assert sorted(titles(get(client, region="75"))) == ["Chef Brive", "VTE Tulle"]  # Nouvelle-Aquitaine
    assert titles(get(client, region="11")) == ["VTA Paris"]
    assert sorted(titles(get(client, departement="19"))) == ["Chef Brive", "VTE Tulle"]
    assert titles(get(client, departement="75")) == ["VTA Paris"]
    assert titles(get(client, programme="qpv", departement="75")) == ["VTA Paris"]


def test_programme_filter_matches_any_of_several(client):
    pvd = OfferFactory(title="Offre PVD")
    pvd.programmes = ["pvd"]
    pvd.save()
    mountain = OfferFactory(title="Offre montagne")
    mountain.programmes = ["montagne"]
    mountain.save()
    other = OfferFactory(title="Offre sans programme")
    other.programmes = []
    other.save()
    assert titles(get(client, programme="pvd")) == ["Offre PVD"]
    assert sorted(titles(client.get(URL + "?programme=pvd&programme=montagne"))) == ["Offre PVD", "Offre montagne"]


def test_contract_duration_level_remote_and_date_filters(client):
    OfferFactory(
        title="CDI court",
        contract=Contract.CDI,
        duration_months=6,
        education_level=EducationLevel.BAC3,
        remote=Remote.PARTIAL,
    )
    OfferFactory(
        title="CDD long",
        contract=Contract.CDD,
        duration_months=24,
        education_level=EducationLevel.BAC5,
        remote=Remote.NONE,
        published_at=timezone.now() - dt.timedelta(days=20),
    )
    assert titles(get(client, contrat="cdi")) == ["CDI court"]
    assert titles(get(client, duree_min="12")) == ["CDD long"]
    assert titles(get(client, duree_max="12")) == ["CDI court"]
    assert titles(get(client, duree_min="6", duree_max="6")) == ["CDI court"]
    assert titles(get(client, niveau="bac+5")) == ["CDD long"]
    assert titles(get(client, teletravail="partiel")) == ["CDI court"]
    assert titles(get(client, publiee_depuis="7")) == ["CDI court"]
    assert titles(get(client, publiee_depuis="30", contrat="cdd", niveau="bac+5", duree_min="24")) == ["CDD long"]


def test_combination_of_every_filter(client):
    OfferFactory(
        title="Chargé de mission habitat",
        vta=True,
        commune=BRIVE,
        contract=Contract.CDD,
        duration_months=12,
        education_level=EducationLevel.BAC3,
        remote=Remote.PARTIAL,
    )
    OfferFactory(title="Chargé de mission habitat", vta=True, commune=BRIVE, contract=Contract.CDI)
    params = {
        "q": "habitat",
        "type": "vta",
        "region": "75",
        "departement": "19",
        "commune": TULLE,
        "rayon": "30",
        "contrat": "cdd",
        "duree_min": "12",
        "duree_max": "18",
        "niveau": "bac+3",
        "teletravail": "partiel",
        "publiee_depuis": "7",
        "tri": "distance",
    }
    response = get(client, **params)
    assert titles(response) == ["Chargé de mission habitat"]
    assert "1 offre" in response.content.decode()


def test_radius_search_shows_distance_and_sorts_by_it(client):
    OfferFactory(title="À Brive", commune=BRIVE, published_at=timezone.now())
    OfferFactory(title="À Tulle", commune=TULLE, published_at=timezone.now() - dt.timedelta(days=2))
    OfferFactory(title="À Paris", commune=PARIS)
    response = get(client, commune=TULLE, rayon="50", tri="distance")
    assert titles(response) == ["À Tulle", "À Brive"]
    html = response.content.decode()
    assert "à moins d’1 km" in html
    distance = int(re.search(r"Brive-la-Gaillarde \(19\), à (\d+) km", html).group(1))
    assert 20 <= distance <= 30
    assert titles(get(client, commune=TULLE, rayon="50")) == ["À Brive", "À Tulle"]  # date order
    assert titles(get(client, commune=TULLE, rayon="5")) == ["À Tulle"]
    assert titles(get(client, commune=TULLE)) == ["À Brive", "À Tulle"]  # default radius 30 km
    assert len(titles(get(client, commune=TULLE, rayon="200", tri="distance"))) == 2
    assert titles(get(client, commune=PARIS, rayon="5")) == ["À Paris"]


def test_commune_may_be_a_name_or_name_and_departement(client):
    OfferFactory(title="À Tulle", commune=TULLE)
    for value in ("Tulle", "tulle", "Tulle (19)", "19000"):
        response = get(client, commune=value, rayon="5")
        assert titles(response) == ["À Tulle"], value
        assert 'value="Tulle (19)"' in response.content.decode()


def test_empty_result_suggests_wider_radius_and_removing_filters(client):
    OfferFactory(title="À Brive", commune=BRIVE, vta=True)
    html = get(client, commune=TULLE, rayon="5", type="vte").content.decode()
    assert "Aucune offre" in html
    links = dict(
        (label, href.replace("&amp;", "&"))
        for href, label in re.findall(r'<a class="fr-link" href="([^"]+)">([^<]+)</a>', html)
    )
    assert sorted(links["Élargir le rayon à 10 km"][1:].split("&")) == ["commune=19272", "rayon=10", "type=vte"]
    assert sorted(links["Retirer le type d’offre"][1:].split("&")) == ["commune=19272", "rayon=5"]
    assert links["Retirer la commune"] == "?type=vte"
    assert titles(client.get(URL + "?commune=19272&rayon=5")) == []
    assert titles(client.get(URL + "?commune=19272&rayon=30&type=vte")) == []
    assert titles(client.get(URL + "?commune=19272&rayon=30")) == ["À Brive"]


def test_facet_counts_ignore_their_own_filter(client):
    OfferFactory.create_batch(2)
    OfferFactory(vta=True)
    OfferFactory(vta=True, commune=PARIS, contract=Contract.CDI)
    html = get(client, type="vta").content.decode()
    assert re.search(r'id="n-type-vte" class="tdt-count">&nbsp;\(2\)', html)
    assert re.search(r'id="n-type-vta" class="tdt-count">&nbsp;\(2\)', html)
    assert re.search(r'id="n-contrat-cdi" class="tdt-count">&nbsp;\(1\)', html)
    assert re.search(r'id="n-contrat-cdd" class="tdt-count">&nbsp;\(1\)', html)  # VTA under type=vta
    assert re.search(r'value="11">Île-de-France \(1\)', html)
    assert re.search(r'id="type-vta" name="type" value="vta" checked', html)


def test_programme_counts(client):
    # Tulle {ti, acv, frr, montagne}, Paris {qpv}, Clermont-Ferrand {qpv, ti, montagne}.
    OfferFactory.create_batch(2, commune="19272")
    OfferFactory(commune=PARIS)
    OfferFactory(commune="63113")
    expected = {"ti": 3, "acv": 2, "frr": 2, "montagne": 3, "qpv": 2, "pvd": 0, "rural": 0}
    for params in ({}, {"programme": "qpv"}):  # a facet counts across its own filter
        html = get(client, **params).content.decode()
        found = dict(re.findall(r'id="n-programme-([a-z]+)" class="tdt-count">&nbsp;\((\d+)\)', html))
        assert {code: int(n) for code, n in found.items()} == expected
    html = get(client, programme="qpv", type="vta").content.decode()
    assert 'id="n-programme-qpv" class="tdt-count">&nbsp;(0)' in html  # under the other filters


def test_count_is_capped(client, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 5)
    OfferFactory.create_batch(7)
    html = get(client).content.decode()
    assert "Plus de 5 offres" in html
    assert 'id="n-type-vte" class="tdt-count"></span>' in html  # facet counts stop with the cap
    assert len(titles(get(client))) == 7


def test_facet_filter_over_a_capped_sample_still_counts_exactly(client, monkeypatch):
    # Without its filter (type), the search matches more than the cap: the matches of type=vta
    # cannot be taken from that sample and are searched on their own.
    monkeypatch.setattr(engine, "COUNT_CAP", 3)
    OfferFactory.create_batch(4)
    OfferFactory(vta=True, title="Le seul VTA")
    response = get(client, type="vta")
    html = response.content.decode()
    assert titles(response) == ["Le seul VTA"]
    assert "1 offre" in html and "Plus de 3 offres" not in html
    assert 'id="n-type-vte" class="tdt-count"></span>' in html  # its own sample is over the cap


def test_facet_filter_taken_from_its_own_sample_matches_a_plain_search(client):
    OfferFactory.create_batch(3)
    OfferFactory(vta=True, title="VTA à Tulle")
    OfferFactory(vta=True, title="VTA à Paris", commune=PARIS)
    # One facet filter (derived from its own sample), with a non-facet filter, and région alone.
    assert sorted(titles(get(client, type="vta"))) == ["VTA à Paris", "VTA à Tulle"]
    assert sorted(titles(get(client, type="vta", departement="19"))) == ["VTA à Tulle"]
    assert titles(get(client, region="11")) == ["VTA à Paris"]


def test_count_cap_limits_pages(client, monkeypatch):
    monkeypatch.setattr(engine, "COUNT_CAP", 5)
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    OfferFactory.create_batch(9)
    response = client.get(URL, {"page": "3"})
    assert "Page 3 sur 3" in response.content.decode()
    assert len(titles(response)) == 2


def test_page_depth_is_capped_with_a_message(client):
    OfferFactory()
    response = get(client, page="51")
    html = response.content.decode()
    assert "Les résultats s’arrêtent à la page 50" in html
    assert titles(response) != []  # page 1 is shown


def test_page_beyond_the_last_shows_the_last(client, monkeypatch):
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    OfferFactory.create_batch(3)
    response = get(client, page="7")
    assert "Page 2 sur 2" in response.content.decode()
    assert len(titles(response)) == 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "projet"},
        {"q": "projet", "commune": TULLE, "rayon": "100", "tri": "distance"},
        {"type": "vte", "programme": "acv", "region": "75", "contrat": "cdd"},
        {"q": "projet", "page": "2"},
    ],
)
def test_bounded_queries_whatever_the_page_size(client, django_assert_max_num_queries, monkeypatch, params):
    OfferFactory.create_batch(12, title="Chef de projet")
    numbers = []
    for size in (2, 10):
        monkeypatch.setattr(engine, "PAGE_SIZE", size)
        cache.incr(VERSION_KEY, offers_version() and 1)  # a new version: nothing cached
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            with django_assert_max_num_queries(4) as queries:
                response = client.get(URL, params, **htmx)
            assert 0 < len(titles(response)) <= size
            numbers.append(len(queries))
    assert len(set(numbers)) == 1


def test_htmx_request_gets_the_partial_with_out_of_band_updates(client):
    OfferFactory(title="Offre htmx", vta=True)
    response = client.get(URL, {"type": "vta"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('id="resultats"') == 1
    assert '<p id="nombre-offres" hx-swap-oob="innerHTML">1 offre</p>' in html
    assert 'id="n-type-vta" class="tdt-count" hx-swap-oob="true"' in html
    assert titles(response) == ["Offre htmx"]
    assert "HX-Request" in response["Vary"]
    full = client.get(URL, {"type": "vta"})
    assert "<html" in full.content.decode()
    assert 'hx-get="/offres/"' in full.content.decode()
    assert 'hx-push-url="true"' in full.content.decode()


def test_htmx_history_restore_gets_the_full_page(client):
    response = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_page_links_feeds_and_loads_htmx_from_static_files(client):
    html = get(client, q="projet", type="vte").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/offres/flux.rss?q=projet&amp;type=vte"' in html
    assert 'href="/offres/flux.atom?q=projet&amp;type=vte"' in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    # The page's own scripts in one request (the commune combobox and the search's enhancements):
    # one request fewer on the phone's critical path (Lighthouse runs in docs/performance.md).
    scripts = re.findall(r'<script [^>]*src="/static/([^"]+)"', html)
    assert scripts == [
        "dsfr/dist/dsfr/dsfr.module.min.js",
        "dsfr/dist/dsfr/dsfr.nomodule.min.js",
        "vendor/htmx/htmx.min.js",
        "js/site.js",
    ]
    assert "<script>" not in html and "onclick" not in html
    assert '<button class="fr-btn fr-icon-search-line fr-btn--icon-left" type="submit">Rechercher</button>' in html
    assert 'role="status"' in html


def test_anonymous_page_is_cached_with_the_offers_version(client, django_capture_on_commit_callbacks):
    offer = OfferFactory(title="Offre bientôt retirée")
    response = get(client, q="retirée")
    assert sorted(response["Cache-Control"].split(", ")) == ["max-age=60", "public"]
    assert titles(response) == ["Offre bientôt retirée"]
    get(client, q="retirée")  # the second request keeps the page
    offer.status, offer.closed_at = OfferStatus.WITHDRAWN, offer.published_at
    offer.save()  # behind the lifecycle's back: no version bump
    # Without a version bump, the cached page is served for up to a minute.
    assert titles(get(client, q="retirée")) == ["Offre bientôt retirée"]
    with django_capture_on_commit_callbacks(execute=True):
        bump_offers_version()
    assert titles(get(client, q="retirée")) == []


def test_cache_key_is_the_normalised_query(client, django_assert_num_queries):
    OfferFactory(title="Offre", vta=True)
    get(client, type=["vta", "vte"], q="offre")
    get(client, type=["vta", "vte"], q="offre")  # kept from the second request
    with django_assert_num_queries(0):
        response = client.get(URL + "?q=offre+&type=vte&type=vta&type=vte&region=&inconnu=1")
    assert titles(response) == ["Offre"]


def test_logged_in_users_are_not_cached(client, django_user_model):
    user = django_user_model.objects.create_user(email="candidat@example.org", password="x")  # noqa: S106
    client.force_login(user)
    response = get(client)
    assert "private" in response["Cache-Control"]


def test_distance_sort_and_id_list_use_their_indexes():
    point = CommunePoint(code="19272", name="Tulle", departement="19", latitude=45.27, longitude=1.77)
    by_distance = Offer.objects.published().annotate(knn=engine.KnnDistance(point)).order_by("knn")[:20]
    by_ids = Offer.objects.filter(id__any_of=[1, 2, 3]).values("id")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for queryset, index in [(by_distance, "offer_knn_published"), (by_ids, "offers_offer_pkey")]:
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan


def test_distance_pages_do_not_overlap_when_offers_share_a_commune(client):
    OfferFactory.create_batch(25, commune="19272")
    first = titles(get(client, commune="19272", rayon="30", tri="distance"))
    second = titles(get(client, commune="19272", rayon="30", tri="distance", page="2"))
    assert len(first) == engine.PAGE_SIZE and len(second) == 25 - engine.PAGE_SIZE
    assert not set(first) & set(second)


def test_relevance_pages_stop_at_the_ranked_candidates(client, monkeypatch):
    monkeypatch.setattr(engine, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    OfferFactory.create_batch(9, title="Technicienne méthanisation")
    assert "Page 1 sur 2" in get(client, q="méthanisation").content.decode()
    assert "Page 1 sur 5" in get(client, q="méthanisation", tri="date").content.decode()


def test_last_reachable_page_says_where_the_results_stop(client, monkeypatch):
    monkeypatch.setattr(engine, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(engine, "COUNT_CAP", 6)
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    OfferFactory.create_batch(9, title="Technicienne méthanisation")
    html = get(client, q="méthanisation", page="2").content.decode()
    assert "Les résultats s’arrêtent à la page 2, les plus pertinents d’abord&nbsp;: précisez votre recherche" in html


def test_relevance_cap_is_said_on_the_last_page_below_the_count_cap(client, monkeypatch):
    # 9 matches, fewer than COUNT_CAP: relevance ranks the 4 newest only, and the last page says so.
    monkeypatch.setattr(engine, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    OfferFactory.create_batch(9, title="Technicienne méthanisation")
    last = get(client, q="méthanisation", page="2").content.decode()
    assert "Page 2 sur 2 (les 2 premières pages)" in last
    assert "Les résultats s’arrêtent à la page 2, les plus pertinents d’abord" in last
    assert "ou triez par date" in last
    assert "s’arrêtent" not in get(client, q="méthanisation", page="1").content.decode()
    assert "s’arrêtent" not in get(client, q="méthanisation", tri="date", page="5").content.decode()


def test_count_text_groups_thousands_like_every_number_of_the_site():
    assert _count_text(1_001) == "Plus de 1\u202f000 offres"
    assert _count_text(1_000) == "1\u202f000 offres"
    assert _count_text(2) == "2 offres"
    assert _count_text(1) == "1 offre"
    assert _count_text(0) == "Aucune offre"


@pytest.mark.parametrize("cap", [1000, 4], ids=["ids from the counts", "over the count cap"])
@pytest.mark.parametrize("params", [{}, {"q": "méthanisation", "tri": "date"}, {"departement": "19"}])
def test_date_pages_hold_the_newest_first_in_turn(client, monkeypatch, cap, params):
    # Below the cap the pages are slices of the ids the counts brought; over it, searched again.
    monkeypatch.setattr(engine, "COUNT_CAP", cap)
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    now = timezone.now()
    offers = [
        OfferFactory(title=f"Technicienne méthanisation {n}", commune=TULLE, published_at=now - dt.timedelta(hours=n))
        for n in (3, 0, 4, 1, 2)  # created out of date order
    ]
    newest_first = [offer.title for offer in sorted(offers, key=lambda offer: offer.published_at, reverse=True)]
    pages = [titles(get(client, **params, page=str(page))) for page in (1, 2, 3)]
    if cap > len(offers):
        assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    else:  # the pages stop at the cap: page 3 shows the last one, the second
        assert pages == [newest_first[0:2], newest_first[2:4], newest_first[2:4]]


@pytest.mark.parametrize(
    "facets",
    [{}, {"type": "vte"}, {"type": "vte", "contrat": "cdd"}],
    ids=["no facet filter", "one (a sample derived from another)", "two (samples of their own)"],
)
def test_relevance_ranks_the_newest_candidates_and_pages_through_them(client, monkeypatch, facets):
    # 6 matches, RANK_CANDIDATES 4: the two oldest, though the best matches, are not ranked; the
    # four newest are, best first, two per page. The order comes from the counts query (each
    # sample carries the rank), whatever facet filters shape it.
    monkeypatch.setattr(engine, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(engine, "PAGE_SIZE", 2)
    now = timezone.now()
    if facets:  # newer and better matches, of another kind: in the samples, not in the results
        OfferFactory(title="Méthanisation méthanisation méthanisation VTA", kind="vta", contract="cdi")
        OfferFactory(title="Méthanisation méthanisation méthanisation VTA CDD", kind="vta", contract="cdd")

    def offer(title: str, hours: int) -> None:
        OfferFactory(
            title=title,
            employer_name="Mairie",
            description="<p>Poste.</p>",
            published_at=now - dt.timedelta(hours=hours),
            kind="vte",
            contract="cdd",
        )

    offer("Méthanisation méthanisation méthanisation ancienne", 10)
    offer("Méthanisation méthanisation méthanisation très ancienne", 11)
    offer("Méthanisation méthanisation récente", 1)
    offer("Chargée de méthanisation", 0)
    offer("Méthanisation méthanisation méthanisation nouvelle", 3)
    offer("Technicienne méthanisation", 2)
    first = titles(get(client, q="méthanisation", **facets))
    second = titles(get(client, q="méthanisation", page="2", **facets))
    assert first[0] == "Méthanisation méthanisation méthanisation nouvelle"
    assert first[1] == "Méthanisation méthanisation récente"
    assert sorted(second) == ["Chargée de méthanisation", "Technicienne méthanisation"]


@pytest.mark.parametrize("place", [{"departement": "19"}, {"region": "75"}])
def test_words_with_a_place_are_intersected_in_one_index_scan(place):
    # One GIN index holds the département, the région and the words (btree_gin): the scan reads
    # the place's entries and the words' together, not every offer holding a common word.
    filterset = engine.OfferFilterSet({"q": "commerce", **place}, queryset=Offer.objects.none())
    queryset = filterset.filter_queryset(Offer.objects.published()).values("id")
    with connection.cursor() as cursor:
        # On a table of a few rows the planner picks any index: leave it the one under test (the
        # drops are rolled back with the test's transaction) and ask for a bitmap scan, as it
        # chooses at 100,000 offers (docs/performance.md).
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'offers_offer'"
            " AND indexname NOT IN ('offer_search_place_published', 'offers_offer_pkey')"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    index_scans = re.findall(r"Bitmap Index Scan on (\w+).*\n\s+Index Cond: (.*)", plan)
    assert [name for name, _ in index_scans] == ["offer_search_place_published"], plan
    assert "_id)::text =" in index_scans[0][1] and "search_vector @@" in index_scans[0][1], plan


@pytest.mark.parametrize("params", [{}, {"type": "xyz"}], ids=["results", "an error alert"])
def test_headings_never_skip_a_level_when_the_filters_are_folded(client, params):
    # On a phone the filters (and their h2) are folded in a <details>: the h1 must still be followed
    # by an h2 before the results' h3 (cards, alerts).
    OfferFactory(title="Chef de projet")
    html = client.get(URL, params).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    unfolded = re.sub(r'<details class="tdt-filters".*?</details>', "", main, flags=re.S)
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", unfolded)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_a_search_is_kept_from_its_second_request(client, django_assert_num_queries):
    # Most searches are asked once: their pages are not written to the cache; a second request
    # within the cache's minute keeps it, and the third is served from it.
    OfferFactory(title="Offre", vta=True)
    key = _cache_key(normalised_params(QueryDict("q=offre")), partial=False)
    get(client, q="offre")
    assert cache.get(key) is None and cache.get(f"{key}:seen") is True  # a marker, not the page
    get(client, q="offre")
    version, page = cache.get(key)
    assert version == offers_version() and b"Offre" in page
    with django_assert_num_queries(0):
        assert titles(get(client, q="offre")) == ["Offre"]


def test_a_page_read_by_ids_has_the_rows_the_orm_reads():
    # The statement by ids is compiled once per process and read by column name.
    offers = [
        OfferFactory(title="Chef de projet", commune=PARIS, duration_months=None),
        OfferFactory(vta=True, commune="63113", contract=Contract.CDI),
    ]
    ids = [offer.pk for offer in offers]
    by_ids = engine._result_rows_by_ids(ids)
    by_orm = engine._result_rows(Offer.objects.filter(id__any_of=ids), with_distance=False)
    assert sorted(by_ids, key=lambda row: row.pk) == sorted(by_orm, key=lambda row: row.pk)
    assert {(row.title, row.commune_name, row.duration_months) for row in by_ids} == {
        ("Chef de projet", "Paris", None),
        (offers[1].title, "Clermont-Ferrand", 12),
    }
    assert engine._rows_by_ids_sql.cache_info().currsize == 1
