"""Site pages: home, the footer's legal pages, and the error handlers."""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_GET

from offers import search as offer_search
from offers.models import Offer
from partnership import glossary as glossary_terms
from partnership.observability import log_security_event
from territories.queries import key_figures


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    figures = key_figures()
    offer_counts = offer_search.programme_offer_counts()
    tiles = [
        {
            **programme,
            "offers": offer_counts.get(programme["code"], 0),
            "offers_url": offer_search.programme_search_url(programme["code"]),
        }
        for programme in figures["programmes"]
    ]
    context = {
        "figures": figures,
        "programme_tiles": tiles,
        "offers": offer_search.place_offers(Offer.objects.published(), []),
        "offers_title": "Les offres ouvertes",
        "offers_where": "sur le portail",
    }
    return render(request, "pages/home.html", context)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@require_GET
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/legal_notice.html")


@require_GET
def personal_data(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/personal_data.html")


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/glossary.html", {"terms": glossary_terms.TERMS})


@require_GET
def data_sources(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/data_sources.html")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseBadRequest(loader.render_to_string("400.html", request=request))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    log_security_event("permission_denied", level=logging.WARNING, path=request.path)
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (`CSRF_FAILURE_VIEW`): the French page, the reason logged only."""
    log_security_event("csrf_failure", level=logging.WARNING, path=request.path, reason=reason[:200])
    return HttpResponseForbidden(loader.render_to_string("403_csrf.html", request=request))


def method_not_allowed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The French page of a 405, keeping the `Allow` header of `response`."""
    page = HttpResponse(loader.render_to_string("405.html", request=request), status=405)
    page["Allow"] = response.get("Allow", "")
    return page


def too_many_requests(request: HttpRequest, retry_after: int = 60) -> HttpResponse:
    """The page a rate limit answers with (HTTP 429, `Retry-After`)."""
    log_security_event("rate_limited", level=logging.WARNING, path=request.path)
    response = HttpResponse(loader.render_to_string("429.html", request=request), status=429)
    response["Retry-After"] = str(retry_after)
    return response


def service_unavailable(request: HttpRequest, reason: str, retry_after: int = 60) -> HttpResponse:
    """The page of a service that cannot answer for now (HTTP 503, `Retry-After`); `reason` says which."""
    response = HttpResponse(loader.render_to_string("503.html", {"reason": reason}, request=request), status=503)
    response["Retry-After"] = str(retry_after)
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the context processors, the database or the session may be what failed.
    return HttpResponseServerError(loader.render_to_string("500.html"))


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    """RFC 9116: whom to tell about a vulnerability; `Expires` a year ahead, always in the future."""
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: mailto:{settings.SECURITY_CONTACT_EMAIL}",
        f"Expires: {expires.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: fr, en",
        f"Canonical: {settings.SITE_URL}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
