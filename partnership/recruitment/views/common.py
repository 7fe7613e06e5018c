"""What the recruitment views share: the offer page with a « brouillon » banner, the history of an offer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from offers.enums import EventKind
from offers.models import OfferEvent
from offers.views.detail import page_context
from partnership.accounts.models import Organisation
from partnership.recruitment.models import Posting, status_label


def optional_url(name: str, **kwargs: Any) -> str | None:
    """The URL of a page another part of the portal may not have yet (sign-up, members), or None."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def history(posting: Posting) -> list[OfferEvent]:
    """The offer's events, oldest first, with their statuses' labels (`from_status_label`, `to_status_label`)."""
    events = list(OfferEvent.objects.filter(offer_id=posting.pk).select_related("actor").order_by("at", "id"))
    for event in events:
        event.from_status_label = status_label(event.from_status).lower() if event.from_status else ""  # type: ignore[attr-defined]
        event.to_status_label = status_label(event.to_status).lower()  # type: ignore[attr-defined]
    return events


def last_return(events: list[OfferEvent]) -> OfferEvent | None:
    returned = [event for event in events if event.kind == EventKind.RETURNED]
    return returned[-1] if returned else None


def crumbs(organisation: Organisation | None = None) -> list[tuple[str, str]]:
    """The breadcrumb's links above a page of the space."""
    links = [("Espace collectivités", reverse("recruitment:home"))]
    if organisation is not None:
        links.append((organisation.name, reverse("recruitment:organisation", kwargs={"organisation": organisation.pk})))
    return links


def preview(request: HttpRequest, posting: Posting, back_url: str) -> HttpResponse:
    """The public page of the offer as it will look, with a banner: never cached, never indexed."""
    offer = posting.offer
    context = page_context(offer) | {"preview": True, "preview_back_url": back_url, "apply_here_url": ""}
    response = render(request, "offers/detail.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
