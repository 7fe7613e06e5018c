"""`/offres/carte/?<the search's parameters>`: the map of the search's open offers per département;
alone for htmx (the search page loads it into its results), else a page of its own (no JavaScript)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from offers import maps
from offers.filters import OfferFilterSet
from offers.models import Offer
from offers.views.search import _query_dict, normalised_params
from partnership.alerts.searches import describe


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    items = normalised_params(request.GET)
    filterset = OfferFilterSet(_query_dict(items), queryset=Offer.objects.none())
    context: dict[str, Any] = {"map": maps.build(items, filterset)}
    if getattr(request, "htmx", False):
        response = render(request, "offers/_map.html", context)
    else:
        kept = [(name, value) for name, value in items if name != "page"]
        query = urlencode(kept)
        context["search_url"] = reverse("offers:search") + (f"?{query}" if query else "")
        context["description"] = describe(filterset) if kept else ""
        response = render(request, "offers/map.html", context)
    patch_vary_headers(response, ("HX-Request",))
    patch_cache_control(response, public=True, max_age=60)
    return response
