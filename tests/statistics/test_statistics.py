"""`/statistiques/`: figures checked against the database, cached and recomputed by beat, drawn as
accessible SVG with tables, and given as CSV files."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import timezone

from offers import lifecycle
from offers.enums import OfferStatus
from offers.models import Offer
from partnership.statistics import figures
from partnership.statistics.tasks import refresh_statistics
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offers():
    now = timezone.now()
    OfferFactory.create_batch(3, salary_min=30000, salary_max=35000)  # VTE, Tulle (PVD? whatever its commune has)
    OfferFactory.create_batch(2, vta=True, commune="15014", salary_text="Selon la grille")
    OfferFactory(chef_de_projet=True, commune="87085")
    OfferFactory(expired=True)
    local = OfferFactory(draft=True, chef_de_projet=True)
    lifecycle.submit(offer=local, at=now - dt.timedelta(days=10))
    lifecycle.publish(offer=local, at=now - dt.timedelta(days=7))
    lifecycle.close(offer=local, status=OfferStatus.FILLED, at=now - dt.timedelta(days=2))
    other = OfferFactory(draft=True, vta=True)
    lifecycle.submit(offer=other, at=now - dt.timedelta(days=5))
    lifecycle.publish(offer=other, at=now - dt.timedelta(days=4))


def rows(data, slug):
    return {row[0]: row[1:] for row in data["datasets"][slug]["rows"]}


def test_the_figures_are_the_databases(offers):
    data = figures.compute()
    published = Offer.objects.published()
    assert rows(data, "types") == {
        "VTE": [published.filter(kind="vte").count()],
        "VTA": [published.filter(kind="vta").count()],
        "Chef de projet": [published.filter(kind="chef-de-projet").count()],
    }
    assert rows(data, "types")["VTA"] == [3]
    assert rows(data, "regions")["Nouvelle-Aquitaine"] == [published.filter(region_id="75").count()]
    assert rows(data, "programmes")["Petites villes de demain"] == [
        published.filter(programmes__contains=["pvd"]).count()
    ]
    this_week = rows(data, "publications")
    assert len(this_week) == 52 and sum(value for [value] in this_week.values()) >= 1
    salaries = rows(data, "salaires")
    assert salaries["Type : VTE"] == [3, 3, 100.0]
    assert salaries["Type : VTA"] == [3, 2, 66.7]
    assert salaries["Type : Chef de projet"] == [1, 0, 0.0]
    assert salaries["Source : Publiées sur le portail"] == [7, 5, 71.4]
    delays = rows(data, "delais")
    assert delays["De l’envoi en modération à la publication"] == [2, 2.0]  # medians of 3 and 1 days
    assert delays["De la publication à « pourvue »"] == [1, 5.0]


def test_the_page_reads_the_cache_and_beat_recomputes_it(client, offers, django_assert_max_num_queries):
    refresh_statistics()
    with django_assert_max_num_queries(2):  # the map's (cached after the first view) and nothing else
        page = client.get("/statistiques/").content.decode()
    assert 'role="img"' in page and '<title id="graphique-types-titre">Offres ouvertes par type</title>' in page
    assert '<caption id="tableau-types">Offres ouvertes par type</caption>' in page
    OfferFactory(vta=True)
    assert '<th scope="row">VTA</th><td>3</td>' in client.get("/statistiques/").content.decode()  # cached
    refresh_statistics()
    assert '<th scope="row">VTA</th><td>4</td>' in client.get("/statistiques/").content.decode()
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-statistics"]
    assert entry["task"] == "partnership.statistics.tasks.refresh_statistics"


def test_each_chart_has_its_csv(client, offers):
    refresh_statistics()
    response = client.get("/statistiques/salaires.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["Groupe", "Offres ouvertes", "Avec un salaire", "Part (%)"]
    assert ["Type : VTE", "3", "3", "100.0"] in table
    assert client.get("/statistiques/inconnu.csv").status_code == 404
