"""Dates, numbers and words of the offer page (issue 14): a date-only deadline is that date, « 1er »,
no repeated employer kind, the salary said once."""

import datetime as dt
import json
import re
import zoneinfo

import pytest

from feeds.mapping import end_of_day
from offers.enums import EmployerKind
from offers.jsonld import job_posting
from offers.models import Offer
from offers.views.detail import employer_kind_display, salary_display
from partnership.formatting import deadline_moment, last_day, typographic
from tests.offers.factories import OfferFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NBSP, NNBSP = "\u00a0", "\u202f"


def test_a_date_only_deadline_is_that_date():
    deadline = end_of_day("31/01/2027")  # what a CSV `date_limite` becomes: the midnight that ends the day
    assert deadline is not None
    assert last_day(deadline) == dt.date(2027, 1, 31)
    assert deadline_moment(deadline).isoformat() == "2027-01-31T23:59:59+01:00"
    afternoon = dt.datetime(2027, 1, 31, 17, 0, tzinfo=PARIS)
    assert last_day(afternoon) == dt.date(2027, 1, 31)
    assert deadline_moment(afternoon) == afternoon


def test_typographic():
    assert typographic("Communauté d'agglomération") == "Communauté d’agglomération"
    assert typographic('Le "Pays de Tulle"') == f"Le «{NBSP}Pays de Tulle{NBSP}»"
    assert typographic('un " seul') == 'un " seul'


@pytest.mark.django_db
def test_offer_page_and_json_ld_say_the_deadline_day(client):
    deadline = end_of_day("31/01/2027")
    offer = OfferFactory(expires_at=deadline, published_at=dt.datetime(2026, 12, 1, 9, tzinfo=PARIS))
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "candidatures jusqu’au 31 janvier 2027" in html
    assert "31 janvier 2027 inclus" in html
    assert "1er février 2027" not in html and "1 février" not in html
    assert "Publiée le 1er décembre 2026" in html  # « 1er » on the first of the month
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["validThrough"] == "2027-01-31T23:59:59+01:00"


@pytest.mark.django_db
def test_json_ld_keeps_a_deadline_with_a_time():
    moment = dt.datetime(2027, 3, 5, 17, 0, tzinfo=PARIS)
    offer = OfferFactory(expires_at=moment)
    offer = Offer.objects.select_related("commune", "region", "departement").get(pk=offer.pk)
    assert job_posting(offer)["validThrough"] == "2027-03-05T17:00:00+01:00"


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Commune de Gaillac", EmployerKind.COMMUNE, ""),
        ("Mairie d’Ussel", EmployerKind.COMMUNE, ""),
        ("Syndicat mixte du Lot", EmployerKind.EPCI, ""),
        ("Communauté de communes Xaintrie", EmployerKind.EPCI, ""),
        ("Tulle Agglo", EmployerKind.EPCI, "intercommunalité"),
        ("Gaillac", EmployerKind.COMMUNE, "commune"),
        ("Ateliers de Corrèze", EmployerKind.ENTREPRISE, "entreprise"),
        ("Association X", EmployerKind.OTHER, ""),
    ],
)
def test_employer_kind_is_said_only_when_the_name_does_not(name, kind, expected):
    assert employer_kind_display(Offer(employer_name=name, employer_kind=kind)) == expected


def test_salary_is_said_once():
    offer = Offer(salary_min=30000, salary_max=35000, salary_text="De 30 000 € à 35 000 € brut annuel")
    assert salary_display(offer) == f"30{NNBSP}000{NBSP}–{NBSP}35{NNBSP}000{NBSP}€ brut annuel"
    offer = Offer(salary_min=30000, salary_max=None, salary_text="Selon profil")
    assert salary_display(offer) == f"À partir de 30{NNBSP}000{NBSP}€ brut annuel (selon profil)"


@pytest.mark.django_db
def test_offer_page_words(client):
    offer = OfferFactory(
        employer_name="Commune de Gaillac",
        employer_kind=EmployerKind.COMMUNE,
        commune="81099",
        salary_min=30000,
        salary_max=35000,
        salary_text="De 30 000 € à 35 000 € brut annuel",
    )
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "(commune)" not in html
    assert "(epci)" not in html.lower().replace("(<abbr", "")
    assert html.count("brut annuel") == 1


@pytest.mark.django_db
def test_postuler_says_honestly_how_to_apply(client):
    silent = OfferFactory(
        apply_url="", apply_email="", source_url="", description="<p>Vous rejoignez une PME du territoire.</p>"
    )
    html = client.get(silent.get_absolute_url()).content.decode()
    assert "figurent dans la description" not in html
    assert (
        "Cette offre n’indique pas comment postuler&nbsp;: contactez directement l’employeur, "
        "Ateliers de Corrèze, à Tulle." in html
    )
    told = OfferFactory(
        apply_url="", apply_email="", source_url="", description="<p>Envoyez votre candidature à la mairie.</p>"
    )
    assert "figurent dans la description ci-dessus" in client.get(told.get_absolute_url()).content.decode()
