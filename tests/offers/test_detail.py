"""The offer page `/offres/<id>-<slug>/`: content, redirects, closed offers, similar offers, caching."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from offers.cache import bump_offers_version
from offers.enums import Contract, EducationLevel, EmployerKind, Experience, OfferKind, OfferStatus, Remote
from offers.models import Offer
from offers.views.detail import CLOSED_PAGE_DAYS, page_cache_key, salary_display, similar_offers
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
NNBSP = "\u202f"  # thousands


def full_offer(**kwargs):
    values = {
        "title": "Chef de projet Petites villes de demain",
        "chef_de_projet": True,
        "employer_name": "Commune de Tulle",
        "employer_kind": EmployerKind.COMMUNE,
        "description": "<p>Piloter le <strong>programme</strong>.</p><ul><li>Animer le comité</li></ul>"
        '<p><a href="https://www.tulle.fr" rel="noopener nofollow">Site de la ville</a></p>',
        "salary_min": 30000,
        "salary_max": 35000,
        "education_level": EducationLevel.BAC5,
        "experience": Experience.THREE_FIVE,
        "working_time_percent": 80,
        "duration_months": 24,
        "start_date": dt.date(2026, 9, 1),
        "remote": Remote.PARTIAL,
        "apply_url": "https://www.tulle.fr/recrutement",
        "apply_email": "rh@tulle.fr",
    }
    return OfferFactory(**(values | kwargs))


def page(client, offer, status=200):
    response = client.get(offer.get_absolute_url())
    assert response.status_code == status
    return response.content.decode()


def text_of(html):
    """The page's text, tags removed and spaces collapsed."""
    html = html.replace("&nbsp;", " ").replace(NBSP, " ")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_page_shows_the_whole_offer(client):
    offer = full_offer()
    html = page(client, offer)
    text = text_of(html)

    assert "<h1" in html and html.count("<h1") == 1
    assert "Chef de projet Petites villes de demain" in text
    assert '<p class="fr-badge fr-badge--blue-ecume">Chef de projet</p>' in html
    assert "Commune de Tulle –" in text and "(commune)" not in text  # the name says it (issue 14)
    assert '<a href="/territoires/communes/19272/">Tulle</a>' in html
    assert '<a href="/territoires/departements/19/">Corrèze</a>' in html
    assert "Télétravail partiel" in text
    assert "Contrat de projet de 24 mois" in text
    assert "Temps partiel (80 %)" in text
    assert "1er septembre 2026" in text
    assert f"30{NNBSP}000{NBSP}–{NBSP}35{NNBSP}000{NBSP}€ brut annuel" in html
    assert "Bac + 5 et plus" in text and "3 à 5 ans" in text
    assert f"Publiée le {timezone.localtime(offer.published_at):%-d}" in text
    assert "candidatures jusqu’au" in text
    # Sanitised description, with its links kept.
    assert "<p>Piloter le <strong>programme</strong>.</p><ul><li>Animer le comité</li></ul>" in html
    assert '<a href="https://www.tulle.fr" rel="noopener nofollow">Site de la ville</a>' in html
    # How to apply: what exists, nothing more.
    assert 'href="https://www.tulle.fr/recrutement"' in html
    assert 'href="mailto:rh@tulle.fr?subject=Candidature%20%3A%20Chef%20de%20projet' in html
    # Share: the address to copy and a mailto, no third-party widget.
    assert f'value="http://127.0.0.1:8000/offres/{offer.pk}-chef-de-projet-petites-villes-de-demain/" readonly' in html
    assert 'href="mailto:?subject=Chef%20de%20projet' in html
    assert '<link rel="canonical" href="http://127.0.0.1:8000/offres/' in html
    assert 'name="robots"' not in html
    assert "n’est plus disponible" not in html


def test_page_lists_the_programmes_of_the_commune(client):
    html = page(client, OfferFactory(commune="19272"))  # Tulle: ti, acv, frr, montagne

    assert "Programmes de l’ANCT à Tulle" in html
    assert (
        '<li><a href="/territoires/programmes/action-coeur-de-ville/">Action cœur de ville</a><br>'
        '<span class="fr-text--sm">Une ville moyenne aidée pour rénover son centre-ville : logements, commerces, '
        "services.</span></li>"
    ) in html
    assert 'href="/territoires/programmes/territoires-industrie/"' in html
    assert 'href="/territoires/programmes/petites-villes-de-demain/"' not in html
    assert (
        '<a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href="/territoires/communes/19272/">' in html
    )


def test_page_without_salary_figures_or_apply_means_shows_what_exists(client):
    offer = OfferFactory(salary_text="Selon la grille de la fonction publique territoriale", source_url="")
    html = page(client, offer)

    assert "Selon la grille de la fonction publique territoriale" in html
    assert "Postuler sur le site" not in html and "mailto:?subject" in html
    assert "mailto:rh" not in html
    # The description says nothing of how to apply: the page does not pretend it does (issue 14).
    assert "Les modalités de candidature figurent dans la description" not in html
    assert "Cette offre n’indique pas comment postuler" in html


def test_page_has_no_inline_script_or_handler(client):
    html = page(client, full_offer(description='<p onclick="alert(1)">Texte</p><script>alert(2)</script>'))

    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert scripts == ['<script type="application/ld+json">']
    assert not re.search(r"\son[a-z]+=", html)
    assert "alert(2)" not in html


@pytest.mark.parametrize(
    ("low", "high", "text", "expected"),
    [
        (30000, 35000, "", f"30{NNBSP}000{NBSP}–{NBSP}35{NNBSP}000{NBSP}€ brut annuel"),
        (30000, 30000, "", f"30{NNBSP}000{NBSP}€ brut annuel"),
        (30000, None, "", f"À partir de 30{NNBSP}000{NBSP}€ brut annuel"),
        (None, 42000, "", f"Jusqu’à 42{NNBSP}000{NBSP}€ brut annuel"),
        (None, None, "Selon profil", "Selon profil"),
        (28000, 31000, "plus primes", f"28{NNBSP}000{NBSP}–{NBSP}31{NNBSP}000{NBSP}€ brut annuel (plus primes)"),
        (None, None, "", ""),
    ],
)
def test_salary_display(low, high, text, expected):
    assert salary_display(Offer(salary_min=low, salary_max=high, salary_text=text)) == expected


# --- Addresses -------------------------------------------------------------------------


def test_wrong_slug_redirects_permanently_to_the_canonical_url(client):
    offer = OfferFactory(title="Chargée de mission industrie")

    response = client.get(f"/offres/{offer.pk}-ancien-titre/")

    assert response.status_code == 301
    assert response["Location"] == f"/offres/{offer.pk}-chargee-de-mission-industrie/"


def test_wrong_slug_redirects_also_from_the_cached_page(client):
    offer = OfferFactory(title="Chargée de mission industrie")
    page(client, offer)  # now cached

    response = client.get(f"/offres/{offer.pk}-ancien-titre/")

    assert response.status_code == 301
    assert response["Location"] == offer.get_absolute_url()


def test_short_url_redirects_permanently_to_the_canonical_url(client):
    offer = OfferFactory(title="Chargée de mission industrie")

    response = client.get(f"/offres/{offer.pk}/")

    assert response.status_code == 301
    assert response["Location"] == offer.get_absolute_url()


def test_unknown_offer_is_a_french_404(client):
    for url in ("/offres/999999-inconnue/", "/offres/999999/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page non trouvée" in response.content.decode()


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.REJECTED])
def test_offers_not_yet_public_are_404(client, status):
    offer = OfferFactory(draft=True, status=status)

    assert client.get(offer.get_absolute_url()).status_code == 404
    assert client.get(f"/offres/{offer.pk}/").status_code == 404


def test_post_is_refused(client):
    offer = OfferFactory()
    assert client.post(offer.get_absolute_url()).status_code == 405


# --- Closed offers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trait", "reason"),
    [("filled", "elle a été pourvue"), ("expired", "elle a expiré"), ("withdrawn", "elle a été retirée")],
)
def test_closed_offer_keeps_its_page_with_an_alert(client, trait, reason):
    offer = full_offer(**{trait: True})
    html = page(client, offer)

    assert f"Cette offre n’est plus disponible : {reason}." in html
    assert 'class="fr-alert fr-alert--warning' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html
    assert "Postuler sur le site" not in html
    assert "Offres similaires à proximité" in html


def test_published_offer_past_its_end_date_is_shown_as_expired(client):
    offer = OfferFactory(expires_at=timezone.now() - dt.timedelta(hours=1))
    html = page(client, offer)

    assert "Cette offre n’est plus disponible : elle a expiré." in html
    assert '<meta name="robots" content="noindex">' in html
    assert "application/ld+json" not in html


def test_closed_offer_is_gone_after_90_days(client):
    recent = OfferFactory(filled=True, closed_at=timezone.now() - dt.timedelta(days=CLOSED_PAGE_DAYS - 1))
    old = OfferFactory(filled=True, closed_at=timezone.now() - dt.timedelta(days=CLOSED_PAGE_DAYS, minutes=1))
    past_end = OfferFactory(
        published_at=timezone.now() - dt.timedelta(days=200),
        expires_at=timezone.now() - dt.timedelta(days=CLOSED_PAGE_DAYS + 1),
    )

    page(client, recent, status=200)
    for offer in (old, past_end):
        html = page(client, offer, status=410)
        assert "Cette offre n’est plus en ligne" in html
        assert '<html lang="fr"' in html
        assert '<meta name="robots" content="noindex">' in html
        assert "application/ld+json" not in html
    # The short address still leads there.
    assert client.get(f"/offres/{old.pk}/")["Location"] == old.get_absolute_url()


# --- Similar offers ---------------------------------------------------------------------------


def test_similar_offers_are_open_same_kind_nearest_first_within_100_km(client, django_assert_num_queries):
    offer = OfferFactory(commune="19272", title="Offre de Tulle")
    limoges = OfferFactory(commune="87085", title="Limoges")  # 73 km
    brive = OfferFactory(commune="19031", title="Brive")  # 22 km
    ussel = OfferFactory(commune="19275", title="Ussel")  # 52 km
    cahors = OfferFactory(commune="46042", title="Cahors")  # 95 km
    perigueux = OfferFactory(commune="24322", title="Périgueux")  # 83 km: fifth, beyond the limit of four
    OfferFactory(commune="63113", title="Clermont-Ferrand")  # 117 km
    OfferFactory(commune="19073", title="Égletons, VTA", vta=True)  # other kind
    OfferFactory(commune="19073", title="Égletons, pourvue", filled=True)
    OfferFactory(commune="19073", title="Égletons, brouillon", draft=True)
    OfferFactory(commune="19073", title="Égletons, échue", expires_at=timezone.now() - dt.timedelta(minutes=1))

    with django_assert_num_queries(1):
        similar = similar_offers(offer)

    assert similar == [brive, ussel, limoges, perigueux]
    assert [round(o.distance_km) for o in similar] == [22, 52, 73, 83]
    html = page(client, offer)
    section = html[html.index('id="titre-similaires"') :]
    assert [title for title in ("Brive", "Ussel", "Limoges", "Périgueux") if f">{title}</a>" in section] == [
        "Brive",
        "Ussel",
        "Limoges",
        "Périgueux",
    ]
    for absent in ("Offre de Tulle", "Cahors", "Clermont-Ferrand", "Égletons"):
        assert f">{absent}" not in section
    assert cahors not in similar


def test_similar_offers_on_a_closed_offer_page(client):
    closed = OfferFactory(commune="19272", withdrawn=True)
    near = OfferFactory(commune="19031", title="Brive, ouverte")

    html = page(client, closed)

    assert f'href="{near.get_absolute_url()}"' in html


def test_no_similar_offer(client):
    html = page(client, OfferFactory(commune="19272", kind=OfferKind.VTA))
    assert "Aucune autre offre VTA n’est ouverte à moins de 100" in html


# --- Queries and cache ------------------------------------------------------------------------


def test_query_count_cold_and_cached(client, django_assert_max_num_queries, django_assert_num_queries):
    offer = full_offer()
    OfferFactory(commune="19031", chef_de_projet=True)

    with django_assert_max_num_queries(4):
        response = client.get(offer.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] in ("public, max-age=60", "max-age=60, public")

    with django_assert_num_queries(0):
        cached = client.get(offer.get_absolute_url())
    assert cached.status_code == 200
    assert cached.content == response.content
    assert "max-age=60" in cached["Cache-Control"] and "public" in cached["Cache-Control"]


def test_closed_and_gone_pages_are_cached_too(client, django_assert_num_queries):
    gone = OfferFactory(filled=True, closed_at=timezone.now() - dt.timedelta(days=CLOSED_PAGE_DAYS + 5))
    page(client, gone, status=410)

    with django_assert_num_queries(0):
        assert client.get(gone.get_absolute_url()).status_code == 410


def test_withdrawn_offer_shows_at_once_after_a_version_bump(client, django_capture_on_commit_callbacks):
    offer = OfferFactory()
    assert "n’est plus disponible" not in page(client, offer)

    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.WITHDRAWN, closed_at=timezone.now())
    # Without a bump, the cached page is served.
    assert "n’est plus disponible" not in page(client, offer)
    with django_capture_on_commit_callbacks(execute=True):
        bump_offers_version()

    assert "Cette offre n’est plus disponible : elle a été retirée." in page(client, offer)


def test_cached_page_does_not_outlive_the_end_date(client):
    offer = OfferFactory(expires_at=timezone.now() + dt.timedelta(seconds=30))
    page(client, offer)

    ttl = cache._cache.get_client().ttl(cache.make_key(page_cache_key(offer.pk)))
    assert 0 < ttl <= 30


def test_logged_in_users_get_a_private_uncached_page(client, django_user_model, django_assert_max_num_queries):
    offer = OfferFactory()
    user = django_user_model.objects.create_user(email="candidate@example.org", password="x" * 16)
    client.force_login(user)

    response = client.get(offer.get_absolute_url())

    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert cache.get(page_cache_key(offer.pk)) is None


def test_contract_without_duration_for_cdi(client):
    html = page(client, OfferFactory(contract=Contract.CDI, duration_months=12))
    assert "CDI de 12" not in html
