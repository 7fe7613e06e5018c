"""`/sitemap.xml` (a sitemap index), its sections `/sitemap-<section>.xml`, and `/robots.txt`.

Communes alone are about 35,000 URLs and offers may be many more, beyond the 50,000 URLs a
sitemap file may hold: `/sitemap.xml` is an index that lists one file per section, and a
section of more than 50,000 URLs has pages (`?p=2`). Every URL is absolute, built from
`settings.SITE_URL`, not from the request's host nor from the Sites framework (not
installed). Only open offers are listed (`Offer.objects.published()`), with their last
change as `lastmod`; closed ones are absent as soon as they close.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from offers.cache import offers_version
from offers.models import Offer
from territories.models import Commune, Departement, Programme, Region

# Crawlers may keep a sitemap an hour; the server keeps a rendered section as long, or until
# `bump_offers_version()` (an offer opened or closed).
SITEMAP_CACHE_SECONDS = 3600


class _SiteSitemap(Sitemap):
    """Absolute URLs from `settings.SITE_URL` (protocol and domain), whatever the request."""

    def get_protocol(self, protocol: str | None = None) -> str:
        return settings.SITE_URL.split("://", 1)[0]

    def get_domain(self, site: Any = None) -> str:
        return settings.SITE_URL.split("://", 1)[1]

    def get_latest_lastmod(self) -> dt.datetime | None:
        return None


class OfferSitemap(_SiteSitemap):
    changefreq = "daily"

    def items(self) -> QuerySet[Offer]:
        return Offer.objects.published().only("id", "slug", "updated_at").order_by("id")

    def lastmod(self, offer: Offer) -> dt.datetime:
        return offer.updated_at

    def get_latest_lastmod(self) -> dt.datetime | None:
        return Offer.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class _PathSitemap(_SiteSitemap):
    """Items are URL paths, built without loading model instances."""

    def location(self, item: str) -> str:
        return item


class CommuneSitemap(_PathSitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        # reverse() once, not 35,000 times: the code is the path's last segment.
        prefix = reverse("territories:commune", args=["00000"]).removesuffix("00000/")
        codes = Commune.objects.order_by("code").values_list("code", flat=True)
        return [f"{prefix}{code}/" for code in codes]


class DepartementSitemap(_PathSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [d.get_absolute_url() for d in Departement.objects.only("code").order_by("code")]


class RegionSitemap(_PathSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [r.get_absolute_url() for r in Region.objects.only("code").order_by("code")]


class ProgrammeSitemap(_PathSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [p.get_absolute_url() for p in Programme.objects.only("code", "slug")]


class PageSitemap(_PathSitemap):
    """The site's own pages: home, the lists, the footer pages."""

    changefreq = "weekly"

    def items(self) -> list[str]:
        names = ["home", "offers:search", "territories:index", "accessibility", "legal-notice", "data-sources"]
        return [reverse(name) for name in names]


SECTIONS: dict[str, type[_SiteSitemap]] = {
    "pages": PageSitemap,
    "offres": OfferSitemap,
    "programmes": ProgrammeSitemap,
    "regions": RegionSitemap,
    "departements": DepartementSitemap,
    "communes": CommuneSitemap,
}


def _cached(key: str, render: Callable[[], str]) -> str:
    content = cache.get(key)
    if content is None:
        content = render()
        cache.set(key, content, SITEMAP_CACHE_SECONDS)
    return content


def _xml(content: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response.headers["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, public=True, max_age=SITEMAP_CACHE_SECONDS)
    return response


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """The sitemap index: every page of every section, with the latest `lastmod` when known."""

    def render() -> str:
        entries = []
        for section, sitemap_class in SECTIONS.items():
            site = sitemap_class()
            location = f"{settings.SITE_URL}{reverse('sitemap-section', kwargs={'section': section})}"
            last_mod = site.get_latest_lastmod()
            entries.append({"location": location, "last_mod": last_mod})
            for page in range(2, site.paginator.num_pages + 1):
                entries.append({"location": f"{location}?p={page}", "last_mod": last_mod})
        return render_to_string("sitemap_index.xml", {"sitemaps": entries})

    return _xml(_cached(f"sitemap:{offers_version()}:index", render))


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One page (`?p=`, from 1) of one section."""
    if section not in SECTIONS:
        raise Http404("Pas de plan du site pour cette section.")
    page = request.GET.get("p", "1")
    if not page.isdigit():
        raise Http404("Page de plan du site invalide.")

    def render() -> str:
        try:
            urls = SECTIONS[section]().get_urls(page=int(page))
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404("Page de plan du site vide.") from error
        return render_to_string("sitemap.xml", {"urlset": urls})

    # Offers change all day (the key follows offers_version()); territories only on import.
    version = offers_version() if section == "offres" else "territories"
    return _xml(_cached(f"sitemap:{version}:{section}:{int(page)}", render))


ROBOTS_DISALLOW = ["/admin/", "/pilotage/"]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}"]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=SITEMAP_CACHE_SECONDS)
    return response
