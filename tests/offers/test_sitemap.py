"""`/sitemap.xml` (an index of sections), `/sitemap-<section>.xml` and `/robots.txt`."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from django.utils import timezone

from offers import sitemaps
from offers.cache import bump_offers_version
from offers.models import Offer
from territories.models import Commune, Departement, Region
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "https://talents.example.gouv.fr"


def xml_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locations(root, tag="url"):
    return [element.findtext("s:loc", namespaces=NS) for element in root.findall(f"s:{tag}", NS)]


@override_settings(SITE_URL=SITE)
def test_index_lists_every_section_with_absolute_urls(client):
    root = xml_of(client.get("/sitemap.xml", HTTP_HOST="testserver"))

    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert locations(root, "sitemap") == [
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-offres.xml",
        f"{SITE}/sitemap-programmes.xml",
        f"{SITE}/sitemap-regions.xml",
        f"{SITE}/sitemap-departements.xml",
        f"{SITE}/sitemap-communes.xml",
    ]


@override_settings(SITE_URL=SITE)
def test_offers_section_lists_open_offers_only_with_lastmod(client):
    open_offer = OfferFactory(title="Ouverte")
    closed = [
        OfferFactory(filled=True),
        OfferFactory(expired=True),
        OfferFactory(withdrawn=True),
        OfferFactory(draft=True),
        OfferFactory(expires_at=timezone.now() - dt.timedelta(minutes=1)),
    ]

    root = xml_of(client.get("/sitemap-offres.xml"))

    assert locations(root) == [f"{SITE}/offres/{open_offer.pk}-ouverte/"]
    lastmod = root.find("s:url", NS).findtext("s:lastmod", namespaces=NS)
    assert lastmod == timezone.localtime(open_offer.updated_at).date().isoformat()
    for offer in closed:
        assert offer.get_absolute_url() not in root.findtext(".//s:loc", namespaces=NS)


@override_settings(SITE_URL=SITE)
def test_index_gives_the_offers_lastmod(client):
    offer = OfferFactory()
    root = xml_of(client.get("/sitemap.xml"))

    entry = next(e for e in root.findall("s:sitemap", NS) if e.findtext("s:loc", namespaces=NS).endswith("offres.xml"))
    assert dt.datetime.fromisoformat(entry.findtext("s:lastmod", namespaces=NS)) == offer.updated_at


@override_settings(SITE_URL=SITE)
def test_a_closed_offer_leaves_the_sitemap_after_a_version_bump(client, django_capture_on_commit_callbacks):
    offer = OfferFactory()
    assert len(locations(xml_of(client.get("/sitemap-offres.xml")))) == 1

    Offer.objects.filter(pk=offer.pk).update(status="filled", closed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        bump_offers_version()

    assert locations(xml_of(client.get("/sitemap-offres.xml"))) == []


@override_settings(SITE_URL=SITE)
def test_territory_sections(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        communes = locations(xml_of(client.get("/sitemap-communes.xml")))
    assert len(communes) == Commune.objects.count() > 34000
    assert f"{SITE}/territoires/communes/19272/" in communes
    assert f"{SITE}/territoires/communes/2A004/" in communes

    departements = locations(xml_of(client.get("/sitemap-departements.xml")))
    assert len(departements) == Departement.objects.count()
    assert f"{SITE}/territoires/departements/19/" in departements

    regions = locations(xml_of(client.get("/sitemap-regions.xml")))
    assert len(regions) == Region.objects.count()

    programmes = locations(xml_of(client.get("/sitemap-programmes.xml")))
    assert len(programmes) == 7
    assert f"{SITE}/territoires/programmes/petites-villes-de-demain/" in programmes

    pages = locations(xml_of(client.get("/sitemap-pages.xml")))
    assert f"{SITE}/" in pages and f"{SITE}/offres/" in pages and f"{SITE}/territoires/" in pages


@override_settings(SITE_URL=SITE)
def test_large_sections_are_paginated(client, monkeypatch):
    monkeypatch.setattr(sitemaps.CommuneSitemap, "limit", 20000)

    index = locations(xml_of(client.get("/sitemap.xml")), "sitemap")
    assert [loc for loc in index if "communes" in loc] == [
        f"{SITE}/sitemap-communes.xml",
        f"{SITE}/sitemap-communes.xml?p=2",
    ]
    first = locations(xml_of(client.get("/sitemap-communes.xml")))
    second = locations(xml_of(client.get("/sitemap-communes.xml", {"p": "2"})))
    assert len(first) == 20000
    assert len(first) + len(second) == Commune.objects.count()
    assert client.get("/sitemap-communes.xml", {"p": "3"}).status_code == 404
    assert client.get("/sitemap-communes.xml", {"p": "x"}).status_code == 404


def test_unknown_section_is_404(client):
    assert client.get("/sitemap-inconnue.xml").status_code == 404


def test_sitemap_is_cached(client, django_assert_num_queries):
    OfferFactory()
    client.get("/sitemap-offres.xml")
    with django_assert_num_queries(0):
        assert client.get("/sitemap-offres.xml").status_code == 200


@override_settings(SITE_URL=SITE)
def test_robots_txt(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /pilotage/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
