"""Read-side queries of the territory pages: few SQL statements each, shared by the views."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet

from territories.codes import is_commune_code
from territories.enums import ProgrammeCode
from territories.models import Commune, Programme, Qpv, TerritoireIndustrie
from territories.normalize import search_name

AUTOCOMPLETE_LIMIT = 10
AUTOCOMPLETE_MIN_LENGTH = 2
# What the autocomplete looks at: the longest commune name has 45 characters. Its trigram matching
# costs about 5 ms per character of random text (measured: 200 ms at 40 characters), so longer text
# is cut here rather than left to the database.
AUTOCOMPLETE_MAX_LENGTH = 60

KEY_FIGURES_CACHE_KEY = "territories:key-figures:v1"
KEY_FIGURES_TIMEOUT = 600


def programme_counts(communes: QuerySet[Commune]) -> dict[str, int]:
    """Number of communes per programme code, plus `total`: one aggregate query."""
    aggregates: dict[str, Any] = {
        code: Count("pk", filter=Q(programmes__contains=[code])) for code in ProgrammeCode.values
    }
    aggregates["total"] = Count("pk")
    return communes.aggregate(**aggregates)


def key_figures() -> dict[str, Any]:
    """Programmes and national counts of the home page, cached (4 queries when cold)."""
    figures = cache.get(KEY_FIGURES_CACHE_KEY)
    if figures is None:
        counts = programme_counts(Commune.objects.all())
        programmes = [
            {"code": p.code, "slug": p.slug, "name": p.name, "short_name": p.short_name, "count": counts.get(p.code, 0)}
            for p in Programme.objects.all()
        ]
        figures = {
            "communes": counts["total"],
            "counts": counts,
            "programmes": programmes,
            "qpv": Qpv.objects.count(),
            "territoires_industrie": TerritoireIndustrie.objects.count(),
        }
        cache.set(KEY_FIGURES_CACHE_KEY, figures, KEY_FIGURES_TIMEOUT)
    return figures


def search_communes(communes: QuerySet[Commune], query: str) -> QuerySet[Commune]:
    """Communes whose normalised name contains `query`'s words (accents, case and hyphens ignored)."""
    normalised = search_name(query)
    if not normalised:
        return communes
    if is_commune_code(query):
        code = query.strip().upper()
        return communes.filter(Q(pk=code) | Q(postcodes__contains=[code]))
    return communes.filter(search_name__contains=normalised)


def autocomplete_queryset(query: str) -> QuerySet[Commune] | None:
    """At most ten communes for what the user typed, or None when it is too short.

    A name matches by prefix (`LIKE 'q%'`) or by trigram word similarity (`search_name %> q`):
    both are served by the GIN trigram index `commune_search_name_trgm`. Exact names come
    first, then prefixes, then the most similar names, then the most populated communes.
    Five characters that look like a code match an INSEE code or a postcode. Only the first
    `AUTOCOMPLETE_MAX_LENGTH` characters are looked at.
    """
    raw = query.strip()[:AUTOCOMPLETE_MAX_LENGTH].strip()
    if len(raw) < AUTOCOMPLETE_MIN_LENGTH:
        return None
    communes = Commune.objects.select_related("departement").only(
        "code", "name", "population", "postcodes", "departement__code", "departement__name"
    )
    if is_commune_code(raw):
        code = raw.upper()
        return communes.filter(Q(pk=code) | Q(postcodes__contains=[code])).order_by(
            F("population").desc(nulls_last=True), "code"
        )[:AUTOCOMPLETE_LIMIT]
    normalised = search_name(raw)
    if len(normalised) < AUTOCOMPLETE_MIN_LENGTH:
        return None
    return (
        communes.filter(Q(search_name__startswith=normalised) | TrigramWordSimilar(F("search_name"), normalised))
        .annotate(
            is_exact=ExpressionWrapper(Q(search_name=normalised), output_field=BooleanField()),
            is_prefix=ExpressionWrapper(Q(search_name__startswith=normalised), output_field=BooleanField()),
            # Word similarity finds the commune inside a longer name; whole-name similarity
            # then prefers `Saint-Étienne` to `Saint-Étienne-sur-Usson` for `sant etienne`.
            similarity=TrigramWordSimilarity(normalised, "search_name") + TrigramSimilarity("search_name", normalised),
        )
        .order_by("-is_exact", "-is_prefix", "-similarity", F("population").desc(nulls_last=True), "code")[
            :AUTOCOMPLETE_LIMIT
        ]
    )


def autocomplete(query: str) -> list[Commune]:
    communes = autocomplete_queryset(query)
    return [] if communes is None else list(communes)
