"""The site's URLs and one whose view runs a statement longer than any timeout the tests set: for the 503 test only."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from partnership import urls as site_urls


def slow(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("fini")


urlpatterns = [path("lent/", slow), *site_urls.urlpatterns]
