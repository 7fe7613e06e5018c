from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import add_never_cache_headers
from psycopg.errors import QueryCanceled

logger = logging.getLogger(__name__)


class NoStoreForAuthenticatedMiddleware:
    """Pages seen by a logged-in user are never stored by a browser or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
            response.headers.pop("Expires", None)
        return response


def is_statement_timeout(exception: BaseException) -> bool:
    """A database statement cancelled by `statement_timeout` (SQLSTATE 57014)."""
    return isinstance(exception, OperationalError) and isinstance(exception.__cause__, QueryCanceled)


class StatementTimeoutMiddleware:
    """A statement cut by the web's statement timeout answers the French 503 page, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_statement_timeout(exception):
            return None
        logger.error("statement timeout on %s", request.path, exc_info=exception)
        from partnership.views import service_unavailable

        return service_unavailable(request, "Cette page a demandé trop de temps de calcul.", retry_after=30)


# Browser features no page of the portal uses: off for the site and anything it could embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class ResponseDefaultsMiddleware:
    """What every response gets: the `Permissions-Policy` header, and a French page for a 405 that
    came without one (Django's `require_GET` and the class-based views answer with an empty body)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            from partnership.views import method_not_allowed

            response = method_not_allowed(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class HtmlGZipMiddleware(GZipMiddleware):
    """Compresses HTML pages for browsers that accept it (issue 14); other responses are left alone:
    static files come precompressed from WhiteNoise, and API clients that send `Accept-Encoding`
    without decoding (schemathesis through the WSGI client) keep reading plain JSON."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
