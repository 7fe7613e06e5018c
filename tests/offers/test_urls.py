"""Public addresses of offers, the sitemap and robots.txt: stable, pinned here."""

from django.urls import resolve, reverse

from offers import sitemaps
from offers.views import detail


def test_offer_urls_are_pinned():
    assert reverse("offers:search") == "/offres/"
    assert reverse("offers:feed-rss") == "/offres/flux.rss"
    assert reverse("offers:feed-atom") == "/offres/flux.atom"
    assert reverse("offers:detail", kwargs={"pk": 12, "slug": "slug"}) == "/offres/12-slug/"
    assert reverse("offers:detail-short", kwargs={"pk": 12}) == "/offres/12/"


def test_sitemap_and_robots_urls_are_pinned():
    assert reverse("sitemap") == "/sitemap.xml"
    assert reverse("sitemap-section", kwargs={"section": "offres"}) == "/sitemap-offres.xml"
    assert reverse("robots") == "/robots.txt"


def test_urls_resolve_to_their_views():
    assert resolve("/offres/12-chef-de-projet/").func is detail.detail
    assert resolve("/offres/12-chef-de-projet/").kwargs == {"pk": 12, "slug": "chef-de-projet"}
    assert resolve("/offres/12/").func is detail.detail_redirect
    assert resolve("/sitemap.xml").func is sitemaps.sitemap
    assert resolve("/sitemap-communes.xml").kwargs == {"section": "communes"}
    assert resolve("/robots.txt").func is sitemaps.robots_txt


def test_an_offers_address_is_the_one_reverse_gives():
    # Offer.get_absolute_url fills a path reversed once per process: the same as reverse() each time.
    from offers.models import Offer

    for pk, slug in [(12, "chef-de-projet"), (7, ""), (123456789, "vte-2027-ingenieure-qualite")]:
        expected = reverse("offers:detail", kwargs={"pk": pk, "slug": slug or "offre"})
        assert Offer(pk=pk, slug=slug).get_absolute_url() == expected
