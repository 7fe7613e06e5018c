"""Site pages: home, the footer's legal pages, and the error handlers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET

from territories.queries import key_figures


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"figures": key_figures()})


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
def data_sources(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/data_sources.html")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseNotFound(loader.render_to_string("404.html", request=request))


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the context processors, the database or the session may be what failed.
    return HttpResponseServerError(loader.render_to_string("500.html"))
