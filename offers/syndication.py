"""RSS 2.0 and Atom feeds of any offer search: `/offres/flux.rss?<search parameters>` (and `.atom`).

The feed takes the same GET parameters as `/offres/` (docs/search.md) and lists the newest
`FEED_SIZE` open offers that match, newest first; invalid parameters are ignored as on the page.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from offers import search as engine
from offers.filters import OfferFilterSet
from offers.models import Offer
from offers.views.search import _query_dict, normalised_params

SUMMARY_WORDS = 60
FEED_CACHE_SECONDS = 300


class OfferRssFeed(Feed):
    """The newest open offers of a search, as RSS 2.0."""

    url_name = "offers:feed-rss"
    description = "Les dernières offres VTE, VTA et chefs de projet publiées sur Talents des territoires."

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        patch_cache_control(response, public=True, max_age=FEED_CACHE_SECONDS)
        return response

    def get_object(self, request: HttpRequest, *args: object, **kwargs: object) -> OfferFilterSet:
        items = [(name, value) for name, value in normalised_params(request.GET) if name not in {"page", "tri"}]
        filterset = OfferFilterSet(_query_dict(items), queryset=Offer.objects.none())
        filterset.query_string = urlencode(items)
        return filterset

    def title(self, obj: OfferFilterSet) -> str:
        words = obj.data_ok.get("q")
        return f"Offres « {words} » – Talents des territoires" if words else "Offres – Talents des territoires"

    def link(self, obj: OfferFilterSet) -> str:
        query = obj.query_string
        return reverse("offers:search") + (f"?{query}" if query else "")

    def feed_url(self, obj: OfferFilterSet) -> str:
        query = obj.query_string
        return reverse(self.url_name) + (f"?{query}" if query else "")

    def items(self, obj: OfferFilterSet) -> list[Offer]:
        return engine.feed_items(obj)

    def item_title(self, item: Offer) -> str:
        return f"{item.title} – {item.employer_name}, {item.commune.name} ({item.departement_id})"

    def item_description(self, item: Offer) -> str:
        # RSS <description> and Atom <summary type="html"> hold HTML: the plain text is escaped, so that
        # « postes <PC> » reads as written and a `<script>` in a source's text stays text.
        return escape(Truncator(item.description_text).words(SUMMARY_WORDS))

    def item_link(self, item: Offer) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Offer) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Offer) -> dt.datetime | None:
        return item.updated_at

    def item_categories(self, item: Offer) -> list[str]:
        return [str(item.get_kind_display()), str(item.get_contract_display())]


class OfferAtomFeed(OfferRssFeed):
    feed_type = Atom1Feed
    url_name = "offers:feed-atom"
    subtitle = OfferRssFeed.description
