"""RSS 2.0 and Atom feeds of a search: /offres/flux.rss?<parameters> and /offres/flux.atom?…"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from offers import search as engine
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def offers():
    now = timezone.now()
    return {
        "vte": OfferFactory(title="Ingénieur VTE", published_at=now - dt.timedelta(hours=1)),
        "vta": OfferFactory(title="Chargé de mission VTA", vta=True, commune="75056", published_at=now),
        "old": OfferFactory(title="Ingénieur ancien", published_at=now - dt.timedelta(days=5)),
        "filled": OfferFactory(title="Ingénieur pourvu", filled=True, published_at=now),
        "draft": OfferFactory(title="Ingénieur brouillon", draft=True),
    }


def test_rss_lists_open_offers_newest_first(client, offers):
    response = client.get("/offres/flux.rss")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title").split(" – ")[0] for item in items] == [
        "Chargé de mission VTA",
        "Ingénieur VTE",
        "Ingénieur ancien",
    ]
    first = items[0]
    assert first.findtext("link") == "http://testserver" + offers["vta"].get_absolute_url()
    assert first.findtext("description").startswith("Vous rejoignez une PME")
    assert first.findtext("pubDate")
    assert channel.findtext("language") == "fr"


def test_rss_takes_the_search_parameters(client, offers):
    channel = ET.fromstring(client.get("/offres/flux.rss?q=ingenieur&type=vte").content).find("channel")
    titles = [item.findtext("title").split(" – ")[0] for item in channel.findall("item")]
    assert titles == ["Ingénieur VTE", "Ingénieur ancien"]
    assert channel.findtext("title") == "Offres « ingenieur » – Talents des territoires"
    assert channel.findtext("link") == "http://testserver/offres/?q=ingenieur&type=vte"


def test_rss_radius_and_invalid_parameters(client, offers):
    channel = ET.fromstring(client.get("/offres/flux.rss?commune=75056&rayon=10&type=xyz").content).find("channel")
    assert [item.findtext("title").split(" – ")[0] for item in channel.findall("item")] == ["Chargé de mission VTA"]


def test_atom_feed(client, offers):
    response = client.get("/offres/flux.atom?publiee_depuis=2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title").split(" – ")[0] for entry in entries] == [
        "Chargé de mission VTA",
        "Ingénieur VTE",
    ]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://testserver" + offers["vta"].get_absolute_url()
    assert entries[0].findtext(f"{ATOM}published")
    assert entries[0].findtext(f"{ATOM}summary")
    self_link = [el.get("href") for el in feed.findall(f"{ATOM}link") if el.get("rel") == "self"]
    assert self_link == ["http://testserver/offres/flux.atom?publiee_depuis=2"]


def test_feed_size_and_query_count(client, django_assert_max_num_queries, monkeypatch):
    monkeypatch.setattr(engine, "FEED_SIZE", 3)
    OfferFactory.create_batch(5)
    with django_assert_max_num_queries(2):
        response = client.get("/offres/flux.rss?commune=19272")
    assert len(ET.fromstring(response.content).find("channel").findall("item")) == 3


HOSTILE = "postes <PC> & </script><script>alert(8)</script> « fin »"


@pytest.mark.parametrize("path", ["/offres/flux.rss", "/offres/flux.atom"])
def test_plain_text_reaches_feed_readers_as_text_not_html(client, path):
    import html

    OfferFactory(title="Technicien réseau", description="<p>x</p>", description_text=HOSTILE)
    root = ET.fromstring(client.get(path).content)
    if path.endswith(".rss"):
        summary = root.find("channel/item/description")
    else:
        summary = root.find(f"{ATOM}entry/{ATOM}summary")
        assert summary.get("type") == "html"
    # What the XML carries is HTML: once a reader decodes it as HTML, it shows the text as written.
    assert "<script>" not in summary.text and "<PC>" not in summary.text
    assert html.unescape(summary.text) == HOSTILE
