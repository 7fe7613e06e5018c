"""Hostile input in every URL pattern and every GET parameter answers below 500.

Each pattern of the resolver with a converter (a code, a slug, an id) gets hostile segments, and every
GET page gets each hostile value in every parameter the portal reads, as anonymous and as staff.
A new URL pattern is covered without being listed here.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from feeds.models import Feed, FeedRun
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

# Hostile values, as they travel in a URL (already percent-encoded where needed).
HOSTILE = {
    "nul": "%00",
    "nul-after-code": "74010%00",
    "invalid-utf8": "%C3%28%FF%FE",
    "long": "x" * 10_000,
    "bidi": quote("\u202egnp.exe\u2066"),
    "controls": "%01%07%1B%7F",
    "quote-and-tags": quote("'\"><script>alert(1)</script>"),
}

# Every GET parameter a page reads (search, territories, sitemap, staff pages…).
PARAMETERS = [
    "q",
    "type",
    "programme",
    "region",
    "departement",
    "commune",
    "rayon",
    "contrat",
    "duree_min",
    "duree_max",
    "niveau",
    "teletravail",
    "publiee_depuis",
    "tri",
    "page",
    "p",
    "next",
]


def patterns(resolvers=None, prefix=""):
    """(route as a string, pattern name) for every URL pattern of the site, the admin's included."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name


def fill(route: str, value: str) -> str:
    """The route with every converter replaced by `value` (regex routes of the admin: a plain path)."""
    path = re.sub(r"<(?:\w+:)?\w+>", value, route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", value, path)
    path = path.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + path


ROUTES_WITH_ARGUMENTS = sorted({route for route, _name in patterns() if "<" in route})


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("equipe@anct.gouv.fr", "x" * 16, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.fixture
def content():
    offer = OfferFactory()
    feed = Feed.objects.create(name="Flux", slug="flux", format="csv", location="/dev/null", default_kind="vte")
    run = FeedRun.objects.create(feed=feed, trigger="command", status="succeeded")
    return {"offer": offer, "feed": feed, "run": run}


def test_there_are_routes_with_arguments_to_fuzz():
    assert "territoires/communes/<str:code>/" in ROUTES_WITH_ARGUMENTS or any(
        "communes/<" in route for route in ROUTES_WITH_ARGUMENTS
    )
    assert len(ROUTES_WITH_ARGUMENTS) >= 10


@pytest.mark.parametrize("route", ROUTES_WITH_ARGUMENTS)
def test_hostile_path_segments_never_fail(client, django_user_model, route):
    staff = django_user_model.objects.create_user("equipe@anct.gouv.fr", "x" * 16, is_staff=True, is_superuser=True)
    for kind, value in HOSTILE.items():
        path = fill(route, value)
        client.force_login(staff)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code < 500, (method, kind, route, response.status_code)
        client.logout()
        assert client.get(path).status_code < 500, (kind, route)


def get_pages(content) -> list[str]:
    """One concrete URL of every GET page (patterns with arguments filled with real objects)."""
    offer, feed, run = content["offer"], content["feed"], content["run"]
    samples = {
        "pk": str(offer.pk),
        "slug": offer.slug,
        "code": "19272",
        "section": "offres",
        "object_id": "1",
        "app_label": "offers",
        "content_type_id": "1",
        "url": "x",
        "uidb64": "x",
        "token": "x",
        "path": "x",
    }
    pages = set()
    for route, name in patterns():
        if name and name.startswith(("feeds", "admin")) is False and "admin/" in route:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: samples.get(m.group(1), "x"), route)
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: samples.get(m.group(1), "x"), path)
        path = "/" + path.lstrip("^").rstrip("$").replace("\\", "")
        pages.add(path)
    pages.discard("/healthz")  # reads no parameter; 503 without a worker, which this test does not start
    pages.add(f"/pilotage/flux/{feed.slug}/")
    pages.add(f"/pilotage/flux/{feed.slug}/synchronisations/{run.pk}/")
    pages.update({"/territoires/departements/19/", "/territoires/regions/75/", "/territoires/programmes/qpv/"})
    return sorted(pages)


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_get_parameters_never_fail(client, django_user_model, content, kind):
    from django.test import Client

    staff_client = Client()
    staff_client.force_login(
        django_user_model.objects.create_user("equipe@anct.gouv.fr", "x" * 16, is_staff=True, is_superuser=True)
    )
    value = HOSTILE[kind]
    query = "&".join(f"{name}={value}" for name in PARAMETERS)
    for path in get_pages(content):
        if path.startswith("/admin/") and path != "/admin/":
            continue  # the admin's own views: Django's, with their own parameters
        # Staff pages as staff (others would be sent to the login page), public pages as anyone.
        who = staff_client if path.startswith(("/pilotage/", "/admin/")) else client
        response = who.get(f"{path}?{query}")
        assert response.status_code < 500, (path, kind, response.status_code)
        for name in PARAMETERS:  # one parameter at a time: the others do not hide it
            response = who.get(f"{path}?{name}={value}")
            assert response.status_code < 500, (path, name, kind, response.status_code)
