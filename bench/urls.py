"""The portal's URLs plus `/bench/ok`: a bare Django view, the yardstick of the requests-per-second ratio."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from partnership import urls as portal


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok", ok, name="bench-ok"),
    path("", include("partnership.urls")),
]

handler400 = portal.handler400
handler403 = portal.handler403
handler404 = portal.handler404
handler500 = portal.handler500
