"""`/offres/`: the offer search page, and its htmx partial.

Anonymous pages are cached, from a search's second request, for `CACHE_TIMEOUT` seconds under the
normalised query string, for the current `offers_version()` (read with the page, in one round trip),
so a withdrawn offer leaves every cached page at once; full page and htmx partial are cached apart
(and the response varies on `HX-Request`).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template import engines
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from offers import search as engine
from offers.cache import get_versioned, set_versioned
from offers.enums import Contract, EducationLevel, OfferKind, Remote
from offers.filters import (
    LIEU_AS_WORDS,
    MAX_PAGE,
    PUBLIEE_DEPUIS_CHOICES,
    RAYON_CHOICES,
    RAYON_DEFAULT,
    TRI_CHOICES,
    OfferFilterSet,
    geo_names,
)
from offers.models import Offer
from partnership.formatting import long_date, number
from partnership.templatetags.cached_url import remembered_reverse

CACHE_TIMEOUT = 60
PARAMS = tuple(OfferFilterSet.base_filters)
MULTI_VALUED = frozenset({"type", "programme", "contrat", "niveau", "teletravail"})
MAX_VALUES = 20  # per multi-valued parameter, so a key and a query stay small
MAX_VALUE_LENGTH = 500


def normalised_params(query: QueryDict) -> list[tuple[str, str]]:
    """The search parameters in a canonical order: known names only, empty values dropped, values
    of a multi-valued parameter sorted and deduplicated, the last value of a single-valued one."""
    items: list[tuple[str, str]] = []
    for name in PARAMS:
        values = [value.strip()[:MAX_VALUE_LENGTH] for value in query.getlist(name)]
        values = [value for value in values if value]
        if not values:
            continue
        if name in MULTI_VALUED:
            items.extend((name, value) for value in sorted(set(values))[:MAX_VALUES])
        else:
            items.append((name, values[-1]))
    if not any(name == "commune" for name, _ in items):
        # The radius only applies around a commune: without one, the form's default radius is no criterion.
        items = [(name, value) for name, value in items if name != "rayon"]
    return items


def _query_dict(items: list[tuple[str, str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, value in items:
        query.appendlist(name, value)
    return query


def _url(items: list[tuple[str, str]], **changes: Any) -> str:
    """The search URL for `items` with some parameters replaced (None removes one)."""
    kept = [(name, value) for name, value in items if name not in changes and name != "page"]
    for name, value in changes.items():
        if value is not None:
            kept.append((name, str(value)))
    query = urlencode(kept)
    return f"?{query}" if query else "?"


def _count_text(total: int) -> str:
    if total > engine.COUNT_CAP:
        return f"Plus de {number(engine.COUNT_CAP)} offres"
    if total == 0:
        return "Aucune offre"
    return f"{number(total)} offre{'s' if total > 1 else ''}"


# The badge of each kind of offer (the chef-de-projet vacancies take the third colour).
BADGE_COLOURS = {"vte": "fr-badge--blue-ecume", "vta": "fr-badge--green-menthe"}


@dataclass(frozen=True)
class ResultCard:
    """What a result card shows, worked out here: the card is written twenty times a page, and a
    template resolving each value and filter costs twice as much (0.8 ms a page, issue 14)."""

    url: str
    title: str
    place: str  # « Mairie de Tulle – Tulle (19), à 12 km »
    contract: str  # « CDD, 24 mois »
    kind: str
    badge: str
    tags: SafeString  # the programmes' `<li>` tags, an acronym in an <abbr> with its expansion
    published: str


def _tags_html(labels: list[tuple[str, str]]) -> SafeString:
    """The programmes' tags of a card, built here (three or four a card, twenty cards: 300 template
    nodes a page otherwise)."""
    return _tags_html_of(tuple(labels))


@functools.lru_cache(maxsize=256)
def _tags_html_of(labels: tuple[tuple[str, str], ...]) -> SafeString:
    # A few dozen combinations of the seven programmes: each built once (format_html cost 0.5 ms a page).
    return format_html_join(
        "",
        '<li><p class="fr-tag fr-tag--sm">{}</p></li>',
        ((format_html('<abbr title="{}">{}</abbr>', full, short) if full else short,) for short, full in labels),
    )


KIND_LABELS = dict(OfferKind.choices)
CONTRACT_LABELS = dict(Contract.choices)


def _cards(offers: list[engine.ResultRow]) -> list[ResultCard]:
    cards = []
    for offer in offers:
        distance = offer.distance
        place = f"{offer.employer_name} – {offer.commune_name} ({offer.departement_id})"
        if distance is not None:
            place += ", à moins d’1 km" if distance < 1 else f", à {number(distance)} km"
        contract = CONTRACT_LABELS.get(offer.contract, offer.contract)
        if offer.duration_months:
            contract += f", {offer.duration_months} mois"
        cards.append(
            ResultCard(
                url=offer.get_absolute_url(),
                title=offer.title,
                place=place,
                contract=contract,
                kind=KIND_LABELS.get(offer.kind, offer.kind),
                badge=BADGE_COLOURS.get(offer.kind, "fr-badge--purple-glycine"),
                tags=_tags_html(offer.programme_labels),
                published=long_date(offer.published_at) if offer.published_at else "",
            )
        )
    return cards


def _page_links(items: list[tuple[str, str]], page: int, num_pages: int) -> list[tuple[int | None, str]]:
    """Page numbers to show (None for an ellipsis) with their URLs."""
    numbers = sorted({1, num_pages, *range(max(1, page - 2), min(num_pages, page + 2) + 1)})
    links: list[tuple[int | None, str]] = []
    previous = 0
    for page_number in numbers:
        if page_number - previous > 1:
            links.append((None, ""))
        links.append((page_number, _url(items, page=page_number)))
        previous = page_number
    return links


def _suggestions(filterset: OfferFilterSet, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Ways to widen a search that found nothing: a larger radius, then each filter removed."""
    suggestions: list[tuple[str, str]] = []
    if filterset.commune_point is not None and filterset.recognised_place is None:
        wider = next((r for r in RAYON_CHOICES if r > filterset.rayon_km), None)
        if wider is not None:
            suggestions.append((f"Élargir le rayon à {wider} km", _url(items, rayon=wider)))
    labels = {
        "q": "les mots-clés",
        "type": "le type d’offre",
        "programme": "le programme",
        "region": "la région",
        "departement": "le département",
        "commune": "la commune",
        "contrat": "le contrat",
        "duree_min": "la durée minimale",
        "duree_max": "la durée maximale",
        "niveau": "le niveau d’études",
        "teletravail": "le télétravail",
        "publiee_depuis": "la date de publication",
    }
    place = filterset.recognised_place
    if place is not None:
        suggestions.append((f"Retirer le lieu reconnu ({place.label})", _url(items, lieu=LIEU_AS_WORDS)))
    for name, label in labels.items():
        if place is not None and name == place.param:
            continue
        if filterset.is_active(name):
            changes: dict[str, Any] = {name: None}
            if name == "commune":
                changes.update(rayon=None, tri=None)
            suggestions.append((f"Retirer {label}", _url(items, **changes)))
    return suggestions


@functools.lru_cache(maxsize=256)
def _options_html(choices: tuple[tuple[str, str], ...], selected: str | None) -> SafeString:
    """`<option>` elements of a long list (the 101 départements), built here: a template loop over
    them costs more than the rest of the filters together. Kept for each choice list and selected
    value (0.5 ms a page otherwise): the list changes only when the territories do."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def _region_options_html(facets: list[engine.FacetValue], *, out_of_band: bool = False) -> SafeString:
    """The régions' `<option>` elements with their counts (each with an id, so that the htmx partial
    replaces them out of band), built here like the départements' (0.25 ms a page in a template loop,
    and still 0.3 ms through format_html: the escaped value and label are kept, only counts change)."""
    oob = ' hx-swap-oob="true"' if out_of_band else ""
    options = "".join(
        f'<option id="n-region-{value}" value="{value}"{" selected" if facet.selected else ""}{oob}>{label}'
        f"{'' if facet.count is None else f' ({number(facet.count)})'}</option>"
        for facet in facets
        for value, label in [_escaped(facet.value, facet.label)]
    )
    return mark_safe(options)  # noqa: S308  # nosec B308 B703 - value and label escaped (_escaped), counts are numbers


@functools.lru_cache(maxsize=64)
def _escaped(*texts: str) -> tuple[str, ...]:
    return tuple(escape(text) for text in texts)


def _options(choices: Any, selected: list[str]) -> list[dict[str, Any]]:
    return [{"value": value, "label": label, "selected": value in selected} for value, label in choices]


# The parameters behind « Filtrer » (the words, the commune and its radius stay in view).
FOLDED_FILTERS = (
    "type",
    "programme",
    "region",
    "departement",
    "contrat",
    "duree_min",
    "duree_max",
    "niveau",
    "teletravail",
    "publiee_depuis",
)


def active_filter_count(filterset: OfferFilterSet) -> int:
    """How many criteria the folded filters hold (each checked box counts); a place read in the words
    is not one of them."""
    place = filterset.recognised_place
    count = 0
    for name in FOLDED_FILTERS:
        if place is not None and name == place.param:
            continue
        if filterset.is_active(name):
            value = filterset.data_ok[name]
            count += len(value) if isinstance(value, list) else 1
    return count


# Short enough to sit beside « Plus de 1 000 offres » on a phone; the select's label says « Trier par ».
SORT_LABELS = {"pertinence": "Les plus pertinentes", "date": "Les plus récentes", "distance": "Les plus proches"}


def _tri_options(filterset: OfferFilterSet, chosen: str) -> list[dict[str, Any]]:
    """The orders to choose from. The first one has no value: it is the default (by relevance when
    there are words, else by date), so that the form never sends an order the visitor did not choose."""
    default = "pertinence" if filterset.search_query is not None else "date"
    labels = SORT_LABELS
    options = [{"value": "", "label": labels[default], "selected": chosen in ("", default)}]
    options += [
        {"value": value, "label": SORT_LABELS[value], "selected": value == chosen}
        for value, _ in TRI_CHOICES
        if value != default and not (value == "pertinence" and filterset.search_query is None)
    ]
    return options


def _publiee_depuis_choices(days: int | None) -> list[tuple[str, str]]:
    choices = [(str(value), label) for value, label in PUBLIEE_DEPUIS_CHOICES]
    if days and days not in dict(PUBLIEE_DEPUIS_CHOICES):
        choices.append((str(days), f"Depuis {days} jours"))
    return choices


def _context(
    filterset: OfferFilterSet, items: list[tuple[str, str]], results: engine.SearchResults, *, partial: bool = False
) -> dict[str, Any]:
    form = filterset.form
    cleaned = filterset.data_ok
    raw = {name: form.data.get(name, "") for name in PARAMS}
    errors = {name: list(form.errors.get(name, [])) for name in PARAMS}
    point = filterset.commune_point
    feed_query = urlencode([(name, value) for name, value in items if name not in {"page", "tri"}])
    suffix = f"?{feed_query}" if feed_query else ""
    place = filterset.recognised_place
    # The form shows what the visitor chose; a place read in the words stays in the words.
    departement = raw["departement"] if place is not None else cleaned.get("departement") or ""
    if place is not None and place.param == "commune":
        point = None
    rayon = filterset.rayon_km if point else RAYON_DEFAULT
    days = cleaned.get("publiee_depuis")
    return {
        "results": results,
        "cards": _cards(results.offers),
        "partial": partial,
        # In the htmx partial the options replace the form's own, out of band.
        "region_options_html": _region_options_html(results.facets.get("region", []), out_of_band=partial),
        "count_text": _count_text(results.total),
        "raw": raw,
        "errors": errors,
        "error_messages": [message for messages in errors.values() for message in messages],
        "commune_label": point.label if point else raw["commune"],
        "commune_point": point,
        "rayon": rayon,
        "rayon_options": [{"value": r, "selected": r == rayon} for r in sorted({*RAYON_CHOICES, rayon})],
        "departement_options_html": _options_html(geo_names.departement_choices(), departement),
        "niveau_options": _options(EducationLevel.choices, cleaned.get("niveau") or []),
        "teletravail_options": _options(Remote.choices, cleaned.get("teletravail") or []),
        "publiee_depuis_options": _options(_publiee_depuis_choices(days), [str(days or "")]),
        "tri_options": _tri_options(filterset, cleaned.get("tri") or ""),
        "recognised_place": place,
        "active_filters": active_filter_count(filterset),
        # Open when one of them holds an error, so that the message is seen.
        "filters_open": any(errors[name] for name in FOLDED_FILTERS),
        "place_as_words_url": _url(items, lieu=LIEU_AS_WORDS),
        "lieu": cleaned.get("lieu") or "",
        "ignored_words": filterset.ignored_words,
        "sort": filterset.sort,
        "q": cleaned.get("q") or "",
        "page_links": _page_links(items, results.page, results.num_pages),
        "previous_url": _url(items, page=results.page - 1),
        "next_url": _url(items, page=results.page + 1),
        "first_url": _url(items, page=1),
        "last_url": _url(items, page=results.num_pages),
        "max_page": MAX_PAGE,
        "suggestions": _suggestions(filterset, items) if not results.total else [],
        "feed_rss_url": remembered_reverse("offers:feed-rss") + suffix,
        "feed_atom_url": remembered_reverse("offers:feed-atom") + suffix,
    }


def _jinja(name: str) -> Any:
    """The form, the filters and the results are Jinja2 templates (jinja_templates/offers/, four times faster
    than Django's language on these pages: partnership/jinja_env.py); their frame is Django's."""
    return engines["jinja2"].get_template(name)


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - a Jinja2 template's output, autoescaped


def _cache_key(items: list[tuple[str, str]], partial: bool) -> str:
    digest = hashlib.sha256(urlencode(items).encode()).hexdigest()[:32]
    return f"offers:search:{'partial' if partial else 'page'}:{digest}"


def _finish(response: HttpResponse, anonymous: bool) -> HttpResponse:
    patch_vary_headers(response, ("HX-Request",))
    if anonymous:
        patch_cache_control(response, public=True, max_age=CACHE_TIMEOUT)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    items = normalised_params(request.GET)
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request and not htmx.boosted  # type: ignore[union-attr]
    anonymous = not request.user.is_authenticated
    key = _cache_key(items, partial) if anonymous else None
    version, cached, first = get_versioned(key, mark_seen=CACHE_TIMEOUT) if key is not None else (0, None, True)
    if isinstance(cached, bytes):
        return _finish(HttpResponse(cached), anonymous)

    filterset = OfferFilterSet(_query_dict(items), queryset=Offer.objects.none())
    results = engine.search(filterset)
    context = _context(filterset, items, results, partial=partial)
    if partial:
        response = HttpResponse(_jinja("offers/_results.html").render(context, request))
    else:
        context["search_form"] = _safe(_jinja("offers/_search_form.html").render(context, request))
        response = render(request, "offers/search.html", context)
    # Kept from a search's second request within CACHE_TIMEOUT: most searches are asked once, and
    # writing each one's page (≈ 50 KB) to Redis cost varied searches 10 % of their throughput
    # (make bench, issue 14); a small marker, added in the same round trip as the read, says a
    # search was seen.
    if key is not None and not first:
        set_versioned(key, version, response.content, CACHE_TIMEOUT)
    return _finish(response, anonymous)
