"""The public page of an offer: `/offres/<id>-<slug>/`.

- Open offers: the whole offer, its commune's ANCT programmes, how to apply, a share link,
  similar open offers nearby, and schema.org `JobPosting` data (see `offers.jsonld`).
- Closed offers (filled, expired, withdrawn, or published but past their end date): the same
  page with an alert, `noindex` and no JobPosting, for `CLOSED_PAGE_DAYS` after closing; then
  410 Gone. Drafts, offers awaiting moderation and rejected ones are not public: 404.
- Anonymous pages are cached: `Cache-Control: public, max-age=60` for browsers and proxies,
  and the rendered page on the server under the offer's id and `offers_version()`, so that
  `bump_offers_version()` makes every cached page stale at once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString
from django.views.decorators.http import require_safe

from offers.cache import offers_version
from offers.enums import Contract, EmployerKind, OfferStatus, Remote
from offers.html import clean_html
from offers.jsonld import absolute_url, job_posting, json_ld_script
from offers.models import LOCAL_SOURCE, Offer
from partnership.formatting import euro_range, euros, percent
from territories.geo import bounding_box, distance_km
from territories.models import Programme

# A closed offer keeps its page (with an alert) this long after closing, then answers 410 Gone.
CLOSED_PAGE_DAYS = 90
# Browsers and proxies may keep an anonymous page this long; the server keeps it at most
# PAGE_CACHE_SECONDS, and never past the moment the page changes state (end date, 410).
BROWSER_MAX_AGE = 60
PAGE_CACHE_SECONDS = 300

SIMILAR_RADIUS_KM = 100
SIMILAR_LIMIT = 4

# Offers nobody outside their organisation and the moderators may see.
NOT_PUBLIC_STATUSES = (OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.REJECTED)

CLOSED_REASONS = {
    OfferStatus.FILLED: "elle a été pourvue",
    OfferStatus.EXPIRED: "elle a expiré",
    OfferStatus.WITHDRAWN: "elle a été retirée",
}

FULL_TIME_PERCENT = 100


@require_safe
def detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    anonymous = not request.user.is_authenticated
    key = page_cache_key(pk)
    if anonymous:
        cached = cache.get(key)
        if cached is not None:
            canonical_slug, status, content = cached
            if slug != canonical_slug:
                return HttpResponsePermanentRedirect(_detail_path(pk, canonical_slug))
            return _public(HttpResponse(content, status=status))

    offer = _public_offer(pk)
    if slug != _slug(offer):
        return HttpResponsePermanentRedirect(offer.get_absolute_url())

    now = timezone.now()
    status, content, fresh_until = _render(request, offer, now)
    response = HttpResponse(content, status=status)
    if anonymous:
        timeout = PAGE_CACHE_SECONDS
        if fresh_until is not None:
            timeout = max(1, min(timeout, math.ceil((fresh_until - now).total_seconds())))
        cache.set(key, (_slug(offer), status, content), timeout)
        _public(response)
    return response


@require_safe
def detail_redirect(request: HttpRequest, pk: int) -> HttpResponse:
    """`/offres/<id>/`: permanently to the offer's canonical address."""
    offer = _public_offer(pk, only=("id", "slug", "status"))
    return HttpResponsePermanentRedirect(offer.get_absolute_url())


def page_cache_key(pk: int) -> str:
    return f"offers:page:{offers_version()}:{pk}"


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE)
    return response


def _slug(offer: Offer) -> str:
    return offer.slug or "offre"


def _detail_path(pk: int, slug: str) -> str:
    return Offer(pk=pk, slug=slug).get_absolute_url()


def _public_offer(pk: int, only: tuple[str, ...] = ()) -> Offer:
    offers = Offer.objects.exclude(status__in=NOT_PUBLIC_STATUSES)
    if only:
        offers = offers.only(*only)
    else:
        offers = offers.select_related("commune", "departement", "region").defer(
            "search_vector", "description_text", "content_hash"
        )
    offer = offers.filter(pk=pk).first()
    if offer is None:
        raise Http404("Aucune offre publique n’a ce numéro.")
    return offer


def _render(request: HttpRequest, offer: Offer, now: dt.datetime) -> tuple[int, str, dt.datetime | None]:
    """(HTTP status, page, moment the page stops being right or None)."""
    closed = offer.closure(now)
    similar = similar_offers(offer)
    if closed is not None:
        reason, closed_since = closed
        gone_at = closed_since + dt.timedelta(days=CLOSED_PAGE_DAYS)
        if gone_at <= now:
            context = {"offer": offer, "similar": similar}
            return 410, render_to_string("offers/gone.html", context, request), None
        context = _context(offer, similar) | {"closed_reason": CLOSED_REASONS[OfferStatus(reason)]}
        return 200, render_to_string("offers/detail.html", context, request), gone_at
    context = _context(offer, similar) | {"job_posting": json_ld_script(job_posting(offer))}
    return 200, render_to_string("offers/detail.html", context, request), offer.expires_at


def _context(offer: Offer, similar: list[Offer]) -> dict[str, Any]:
    url = absolute_url(offer.get_absolute_url())
    return {
        "offer": offer,
        "commune": offer.commune,
        "canonical_url": url,
        "description": SafeString(clean_html(offer.description)),  # nosec B703 - nh3 allow-list sanitised
        "salary": salary_display(offer),
        "employer_kind": employer_kind_display(offer),
        "apply_in_description": says_how_to_apply(offer.description),
        "working_time": working_time_display(offer),
        "remote_badge": offer.get_remote_display() if offer.remote != Remote.NONE else "",
        "programmes": list(Programme.objects.filter(code__in=offer.programmes)) if offer.programmes else [],
        "similar": similar,
        "closed_reason": "",
        "job_posting": "",
        "apply_mailto": (
            f"mailto:{offer.apply_email}?subject={quote('Candidature : ' + offer.title)}" if offer.apply_email else ""
        ),
        "share_mailto": f"mailto:?subject={quote(offer.title)}&body={quote(offer.title + ' : ' + url)}",
        "show_duration": offer.duration_months is not None and offer.contract != Contract.CDI,
        "breadcrumb": [("Offres", "/offres/")],
        "apply_here_url": apply_here_url(offer),
        "preview": False,
        "preview_back_url": "",
    }


def page_context(offer: Offer) -> dict[str, Any]:
    """The offer page's context without similar offers: the preview a collectivité or a moderator sees."""
    return _context(offer, [])


def apply_here_url(offer: Offer) -> str:
    """The portal's « Postuler » form, for a collectivité's offer that takes applications here (recruitment)."""
    if offer.source != LOCAL_SOURCE:
        return ""
    posting = getattr(offer, "posting", None)  # none for a local offer written outside the recruitment space
    if posting is None or not posting.takes_applications:
        return ""
    return reverse("applications:apply", kwargs={"pk": offer.pk})


# What kind of employer, in words that can follow its name in brackets; nothing when the name says it
# already (« Commune de Gaillac », « Communauté de communes du Pays de Tulle »).
EMPLOYER_KIND_WORDS = {
    EmployerKind.ENTREPRISE: ("entreprise", ()),
    EmployerKind.COMMUNE: ("commune", ("commune", "mairie", "ville")),
    EmployerKind.EPCI: (
        "intercommunalité",
        ("communauté", "métropole", "agglomération", "intercommunal", "syndicat", "pays", "pôle", "epci"),
    ),
    EmployerKind.PUBLIC: ("organisme public", ()),
    EmployerKind.OTHER: ("", ()),
}


# What a description that says how to apply holds: an address, a link, or words about applying.
HOW_TO_APPLY = re.compile(r"candidat|postul|envoy|adress|@|https?://|www\.", re.IGNORECASE)


def says_how_to_apply(description: str) -> bool:
    """Whether the description seems to say how to apply: « Postuler » refers to it only then."""
    return bool(HOW_TO_APPLY.search(description))


def employer_kind_display(offer: Offer) -> str:
    """« commune », « intercommunalité »…: the employer's kind in lower case, or "" when its name says it."""
    words, name_says = EMPLOYER_KIND_WORDS.get(EmployerKind(offer.employer_kind), ("", ()))
    name = offer.employer_name.lower()
    return "" if any(word in name for word in name_says) else words


def salary_display(offer: Offer) -> str:
    """« 30 000 – 35 000 € brut annuel », said once: the offer's own words are added only when they
    say something else than an amount (« selon profil »); alone when there is no figure."""
    low, high = offer.salary_min, offer.salary_max
    if low is not None and high is not None:
        amount = euro_range(low, high)
    elif low is not None:
        amount = f"à partir de {euros(low)}"
    elif high is not None:
        amount = f"jusqu’à {euros(high)}"
    else:
        return offer.salary_text
    text = f"{amount} brut annuel"
    text = text[0].upper() + text[1:]
    words = offer.salary_text.strip()
    if not words or any(character.isdigit() for character in words):
        return text  # no words, or the same amount again in other words
    return f"{text} ({words[0].lower() + words[1:]})"


def working_time_display(offer: Offer) -> str:
    share = offer.working_time_percent
    if share is None:
        return ""
    if share >= FULL_TIME_PERCENT:
        return "Temps plein"
    return f"Temps partiel ({percent(share)})"


def similar_offers(offer: Offer) -> list[Offer]:
    """Up to SIMILAR_LIMIT open offers of the same kind within SIMILAR_RADIUS_KM, nearest first.

    One query: a bounding box on the indexed latitude and longitude of published offers picks
    the candidates, the haversine distance orders and bounds them.
    """
    lat, lon = offer.latitude, offer.longitude
    return list(
        Offer.objects.published()
        .filter(bounding_box(lat, lon, SIMILAR_RADIUS_KM).q(), kind=offer.kind)
        .exclude(pk=offer.pk)
        .select_related("commune")
        .only(
            "id",
            "slug",
            "kind",
            "title",
            "employer_name",
            "contract",
            "published_at",
            "departement_id",
            "commune__code",
            "commune__name",
        )
        .annotate(distance_km=distance_km(lat, lon))
        .filter(distance_km__lte=SIMILAR_RADIUS_KM)
        .order_by("distance_km", "-published_at", "-id")[:SIMILAR_LIMIT]
    )
