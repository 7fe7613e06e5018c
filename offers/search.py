"""The offer search behind `/offres/` and its feeds: bounded counts, facets and one page of results.

Cost is bounded whatever the match set: counts stop at `COUNT_CAP` (each is a `count(*)` over a
`LIMIT COUNT_CAP + 1` subquery), every count of the page (total and facet values) comes in ONE
query, and the page of offers in one or two more (ids by an index-only scan, then their rows), and one more
resolves the commune of a radius search: at most four.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import BigAutoField, Count, F, FloatField, Func, Lookup, Q, QuerySet
from django.urls import reverse

from offers.cache import offers_version
from offers.enums import Contract, OfferKind
from offers.filters import MAX_PAGE, RAYON_DEFAULT, CommunePoint, OfferFilterSet, geo_names, within_radius
from offers.models import Offer, offer_path
from territories import programmes
from territories.models import Commune

PAGE_SIZE = 20
COUNT_CAP = 1000
# Relevance ranks the most recent matches only (ts_rank reads every vector it ranks): 400, that is
# the first 20 pages. Measured at 100,000 offers: 1,000 candidates cost 20-40 ms for a common word.
RANK_CANDIDATES = 400
FEED_SIZE = 50
# What a result card shows: nothing else is read.
RESULT_FIELDS = (
    "id",
    "slug",
    "kind",
    "title",
    "employer_name",
    "departement_id",
    "programmes",
    "contract",
    "duration_months",
    "published_at",
    "commune__name",
)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int | None  # None: more than COUNT_CAP matches for the facet, counted no further
    selected: bool
    hint: str = ""  # what the value means, in plain French (the programmes)
    url: str = ""  # the page that explains the value (a programme's page)


@dataclass(frozen=True, slots=True)
class ResultRow:
    """An offer of a results page: what its card shows, read as plain values by field name (twenty
    Offer models and their communes cost ≈ 0.8 ms of a search's Python, issue 14)."""

    pk: int
    slug: str
    kind: str
    title: str
    employer_name: str
    departement_id: str
    programmes: list[str]
    contract: str
    duration_months: int | None
    published_at: dt.datetime | None
    commune_name: str
    distance: float | None  # km, with a commune
    # (label, its expansion when the label is an acronym such as « QPV » or « FRR », else "")
    programme_labels: list[tuple[str, str]]

    def get_absolute_url(self) -> str:
        return offer_path(self.pk, self.slug)


# The names under which `ResultRow` reads RESULT_FIELDS.
_ROW_NAMES = {"id": "pk", "commune__name": "commune_name"}


def _result_rows(queryset: QuerySet[Offer], *, with_distance: bool) -> list[ResultRow]:
    """The rows of `queryset` (ordered, sliced) as result rows, the `distance` annotation with them."""
    return _rows_of(queryset.values(*RESULT_FIELDS, *(["distance"] if with_distance else [])))


@functools.cache
def _rows_by_ids_sql() -> str:
    """The statement of `_result_rows(Offer.objects.filter(id__any_of=ids))`, as the ORM writes it,
    compiled once per process: its only parameter is the ids (compiling it anew for every search
    cost ≈ 0.35 ms, issue 14)."""
    sql, params = Offer.objects.filter(id__any_of=[0]).values(*RESULT_FIELDS).query.sql_with_params()
    if list(params) != [[0]]:
        raise ImproperlyConfigured(f"The page's statement has parameters besides the ids: {params!r}")
    return sql


def _result_rows_by_ids(ids: list[int]) -> list[ResultRow]:
    # Prepared on the connection: planning it each time (a join, thirteen indexes to consider) took
    # 0.28 ms of the server's 0.36 (issue 14). Its plan is the same for any twenty ids.
    with connection.prepared_cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(_rows_by_ids_sql(), [ids])
        names = [column.name for column in cursor.description]
        return _rows_of(dict(zip(names, values, strict=True)) for values in cursor.fetchall())


def _rows_of(rows: Iterable[dict[str, Any]]) -> list[ResultRow]:
    """Result rows from rows of RESULT_FIELDS (and `distance`) by name."""
    short_names = programmes.short_names()
    names = {programme.code: programme.name for programme in programmes.programmes()}
    result = []
    for values in rows:
        fields = {_ROW_NAMES.get(name, name): value for name, value in values.items()}
        fields.setdefault("distance", None)
        labels = [
            (short, names.get(code, "") if short.isupper() else "")
            for code in fields["programmes"]
            for short in [short_names.get(code, code)]
        ]
        result.append(ResultRow(**fields, programme_labels=labels))
    return result


@dataclass
class SearchResults:
    offers: list[ResultRow]
    total: int
    page: int
    page_size: int = PAGE_SIZE
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    reachable: int = COUNT_CAP  # how many results the pages go through (RANK_CANDIDATES by relevance)

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def num_pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(min(self.total, self.reachable) / self.page_size)))

    @property
    def truncated(self) -> bool:
        """More matches than the pages go through (relevance ranks RANK_CANDIDATES, other orders COUNT_CAP)."""
        return self.total > self.reachable or self.total > MAX_PAGE * self.page_size

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages


def facet_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "type": list(OfferKind.choices),
        # In full (« Quartiers prioritaires de la politique de la ville », not « QPV »): issue 14.
        "programme": [(programme.code, programme.name) for programme in programmes.programmes()],
        "region": geo_names.region_choices(),
        "contrat": list(Contract.choices),
    }


# How each facet's values are counted in a capped sample of matches (rows of `FACET_COLUMNS`), as a
# JSON object {value: matches}: one pass grouping the rows by the facet's column, rather than one
# `count(*) FILTER` per value that reads the sample 18 times for the régions (0.46 → 0.13 ms for 800
# matches); the programmes, a few per offer, each tested with `= ANY` (0.33 ms; unnesting them 0.5,
# `@> ARRAY[…]` 0.84). Measured with EXPLAIN ANALYZE on the benchmark database (issue 14).
_FACET_GROUPS_SQL = {
    "type": "SELECT kind AS value, count(*) AS n FROM {sample} GROUP BY kind",
    "region": "SELECT region_id AS value, count(*) AS n FROM {sample} GROUP BY region_id",
    "contrat": "SELECT contract AS value, count(*) AS n FROM {sample} GROUP BY contract",
}
_FACET_VALUE_SQL = {"programme": "%s, count(*) FILTER (WHERE %s = ANY(programmes))"}


def _facet_sql(name: str, values: list[tuple[str, str]], sample: str) -> tuple[str, list[str]]:
    """The column counting facet `name`'s values in `sample`, and its parameters."""
    if name in _FACET_GROUPS_SQL:
        groups = _FACET_GROUPS_SQL[name].format(sample=sample)
        return f"(SELECT json_object_agg(value, n) FROM ({groups}) AS f WHERE value IS NOT NULL)", []  # noqa: S608  # nosec B608 - fixed SQL and aliases
    pairs = ", ".join(_FACET_VALUE_SQL[name] for _ in values)
    return f"(SELECT json_build_object({pairs}) FROM {sample})", [v for value, _ in values for v in (value, value)]  # noqa: S608  # nosec B608 - fixed SQL, %s placeholders


FACET_COLUMNS = ("kind", "programmes", "region_id", "contract")


def _sample_sql(queryset: QuerySet[Offer], query: SearchQuery | None = None) -> tuple[str, list[Any]]:
    """At most COUNT_CAP + 1 matching rows (id, publication date and facet columns), in no particular
    order; with `query`, also each row's relevance (`rank`), worked out from the row the search reads
    anyway rather than by fetching the candidates again for the page."""
    columns = ["id", "published_at", *FACET_COLUMNS]
    if query is not None:
        queryset = queryset.annotate(rank=SearchRank(F("search_vector"), query))
        columns.append("rank")
    sql, params = queryset.order_by().values(*columns)[: COUNT_CAP + 1].query.sql_with_params()
    return sql, list(params)


# A facet filter applied to the rows of a sample (the filter set's own semantics: any of the values).
_FACET_FILTER_SQL = {
    "type": "kind = ANY(%s)",
    "programme": "programmes && %s::varchar(10)[]",
    "region": "region_id = %s",
    "contrat": "contract = ANY(%s)",
}


def _derived_sample(filterset: OfferFilterSet, name: str, sample: str) -> tuple[str, list[Any]]:
    """The CTE of s0 taken from the rows of facet `name`'s sample (s1) when that sample is complete;
    else s0's own `sample` query (whose parameters follow the returned ones)."""
    value = filterset.data_ok.get(name)
    values = value if isinstance(value, list) else [value]
    sql = (
        f"s0 AS MATERIALIZED (SELECT * FROM s1 WHERE {_FACET_FILTER_SQL[name]}"  # noqa: S608  # nosec B608
        f" AND (SELECT count(*) FROM s1) <= {COUNT_CAP}"
        f" UNION ALL SELECT * FROM ({sample}) AS full_sample WHERE (SELECT count(*) FROM s1) > {COUNT_CAP})"
    )  # fixed SQL and %s placeholders only
    return sql, [values if name != "region" else values[0]]


@dataclass
class Counts:
    """What the counts query brings: the number of matches, the facets, and below the cap the
    matches' ids newest first (`ids`) and, for a search by relevance, the RANK_CANDIDATES newest of
    them most relevant first (`ranked_ids`)."""

    total: int
    facets: dict[str, list[FacetValue]]
    ids: list[int]
    ranked_ids: list[int] | None = None


def counts(filterset: OfferFilterSet, *, with_facets: bool = True) -> Counts:
    """The number of matches and of each facet value's matches, in ONE query over samples of at most
    COUNT_CAP + 1 matches: the counts are exact below the cap, and only the total is shown above it.

    A facet ignores its own parameter (the counts of `type` are those of every type under the other
    filters), so several values of one parameter can be combined knowing what each adds: a facet
    whose parameter is set is counted over a sample of its own.

    Also brings the ids of every match, newest first, when there are at most COUNT_CAP of them (else
    []), and for a search by relevance the order of the RANK_CANDIDATES newest: the page then only
    fetches its 20 rows by primary key.
    """
    base = Offer.objects.published()
    choices = facet_choices() if with_facets else {}
    # Every sample carries the rank when one does: a derived sample is read from another's rows.
    rank_query = filterset.search_query if filterset.sort == "pertinence" else None
    samples: dict[str | None, tuple[str, list[Any]]] = {None: _sample_sql(filterset.filter_queryset(base), rank_query)}
    for name in choices:
        if filterset.is_active(name):
            samples[name] = _sample_sql(filterset.filter_queryset(base, without=name), rank_query)
    ctes, params = [], []
    for index, (sql, sample_params) in enumerate(samples.values()):
        ctes.append(f"s{index} AS MATERIALIZED ({sql})")
        params.extend(sample_params)
    active = [name for name in samples if name is not None]
    if len(active) == 1:
        # One facet filter is set: its own sample (without it) holds every match of the search when
        # it is under the cap, so the matches are those of its rows that pass the filter: the
        # offers are searched once instead of twice. Over the cap, s0 is searched as it is.
        ctes[0], derived_params = _derived_sample(filterset, active[0], samples[None][0])
        ctes.append(ctes.pop(0))
        params = params[len(samples[None][1]) :] + derived_params + samples[None][1]
    aliases = {name: f"s{index}" for index, name in enumerate(samples)}
    # The ids of the matches come along, newest first: below the cap they are all the matches, and
    # the page is then read from them by primary key instead of searching the offers a second time.
    columns = ["(SELECT count(*) FROM s0)", "(SELECT array_agg(id ORDER BY published_at DESC, id DESC) FROM s0)"]
    if rank_query is not None:
        # Relevance ranks the RANK_CANDIDATES newest matches only (the pages stop there).
        columns.append(
            "(SELECT array_agg(id ORDER BY rank DESC, published_at DESC, id DESC) FROM (SELECT id, rank, published_at"  # noqa: S608  # nosec B608 - a fixed integer
            f" FROM s0 ORDER BY published_at DESC, id DESC LIMIT {int(RANK_CANDIDATES)}) AS candidates)"
        )
    leading = len(columns)  # the columns above; the scopes' counts and the facets follow
    # Only fixed identifiers and %s placeholders are formatted into the SQL: values go in params.
    for scope in samples:
        if scope is not None:
            columns.append(f"(SELECT count(*) FROM {aliases[scope]})")  # noqa: S608  # nosec B608 - fixed aliases and %s placeholders
    for name, values in choices.items():
        column, column_params = _facet_sql(name, values, aliases.get(name, "s0"))
        columns.append(column)
        params.extend(column_params)
    sql = f"WITH {', '.join(ctes)} SELECT {', '.join(columns)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    total, match_ids = row[0], row[1]
    ranked_ids = (row[2] or []) if rank_query is not None else None
    scope_totals = {name: total for name in choices}
    position = leading
    for scope in samples:
        if scope is not None:
            scope_totals[scope] = row[position]
            position += 1
    cleaned = filterset.data_ok
    place = filterset.recognised_place
    facets: dict[str, list[FacetValue]] = {}
    for name, values in choices.items():
        found = row[position] or {}  # {value: matches}, without the values that have none
        position += 1
        selected = cleaned.get(name) or []
        if isinstance(selected, str):
            selected = [selected]
        if place is not None and place.param == name:
            selected = []  # a place read in the words is not a choice of the form: the form sends it as words
        exact = scope_totals[name] <= COUNT_CAP
        hints = programmes.summaries() if name == "programme" else {}
        pages = _programme_pages() if name == "programme" else {}
        facets[name] = [
            FacetValue(
                value,
                label,
                found.get(value, 0) if exact else None,
                value in selected,
                hints.get(value, ""),
                pages.get(value, ""),
            )
            for value, label in values
        ]
    if total > COUNT_CAP:
        return Counts(total, facets, [])
    return Counts(total, facets, match_ids or [], ranked_ids)


@functools.cache
def _programme_pages() -> dict[str, str]:
    # Fixed for the process (the programmes are data of the code, the URL prefix a setting).
    return {p.code: reverse("territories:programme", args=[p.slug]) for p in programmes.programmes()}


# The expression indexed by migration 0003 (`offer_knn_published`), spelled identically so that
# the planner recognises it: an offer's point on the unit sphere, nudged by its id so that no two
# offers are at exactly the same distance.
KNN_POINT_SQL = (
    "public.cube(ARRAY[cos(radians({lat})) * cos(radians({lon})) + ({id} %% 1000000) * 1e-15, "
    "cos(radians({lat})) * sin(radians({lon})), sin(radians({lat}))])"
)


class KnnDistance(Func):
    """Chord distance on the unit sphere from a centre: sorts like the great-circle distance, and
    `ORDER BY` it is served nearest first by the GiST index."""

    output_field = FloatField()

    def __init__(self, point: CommunePoint) -> None:
        super().__init__(F("latitude"), F("longitude"), F("id"))
        lat, lon = math.radians(point.latitude), math.radians(point.longitude)
        self.centre = (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        (lat, lat_params), (lon, lon_params), (pk, pk_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        sql = KNN_POINT_SQL.format(lat=lat, lon=lon, id=pk) + " <-> public.cube(ARRAY[%s, %s, %s]::float8[])"
        return sql, [*lat_params, *lon_params, *pk_params, *lat_params, *lon_params, *lat_params, *self.centre]


class AnyOf(Lookup):
    """`field = ANY(<one array parameter>)`: `pk__in` for up to COUNT_CAP ids, without preparing
    and sending a thousand separate parameters (≈ 5 ms of Python for 900 ids)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


BigAutoField.register_lookup(AnyOf)


def ordered(filterset: OfferFilterSet, queryset: QuerySet[Offer]) -> QuerySet[Offer]:
    point = filterset.commune_point
    if point is not None:
        queryset = queryset.annotate(distance=point.distance_km())
    sort = filterset.sort
    if sort == "pertinence" and (query := filterset.search_query) is not None:
        # ts_rank reads every vector it ranks: rank the RANK_CANDIDATES most recent matches only
        # (the pages stop there: `SearchResults.reachable`), not all of a common word's matches.
        recent = queryset.order_by("-published_at", "-id").values("pk")[:RANK_CANDIDATES]
        queryset = Offer.objects.filter(pk__in=recent)
        if point is not None:
            queryset = queryset.annotate(distance=point.distance_km())
        return queryset.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "-published_at", "-id")
    if sort == "distance" and point is not None:
        # The nearest first through the GiST index of migration 0003 (k-nearest-neighbour scan):
        # reads offset + page size rows, not every offer of the radius.
        return queryset.annotate(knn=KnnDistance(point)).order_by("knn")
    if sort == "distance":
        return queryset.order_by("distance", "-published_at", "-id")  # type: ignore[misc]
    return queryset.order_by("-published_at", "-id")


def search(filterset: OfferFilterSet, *, page_size: int | None = None) -> SearchResults:
    page_size = page_size or PAGE_SIZE
    found = counts(filterset)
    ranked = filterset.sort == "pertinence" and filterset.search_query is not None
    results = SearchResults(
        offers=[],
        total=found.total,
        page=1,
        page_size=page_size,
        facets=found.facets,
        reachable=RANK_CANDIDATES if ranked else COUNT_CAP,
    )
    results.page = min(filterset.page_number, results.num_pages)
    if found.total:
        offset = (results.page - 1) * page_size
        if found.ids and filterset.sort != "distance":
            ordered_ids = found.ranked_ids if found.ranked_ids is not None else found.ids
            results.offers = _page_of_ids(filterset, ordered_ids[offset : offset + page_size])
        else:
            results.offers = _page_of_search(filterset, found.ids, offset, page_size)
    return results


def _page_of_ids(filterset: OfferFilterSet, page_ids: list[int]) -> list[ResultRow]:
    """A page by relevance or date whose ids, in order, the counts query brought (below the cap):
    one query by primary key, that neither searches nor sorts the matches again."""
    if (point := filterset.commune_point) is not None:
        queryset = Offer.objects.filter(id__any_of=page_ids).annotate(distance=point.distance_km())
        rows = _result_rows(queryset, with_distance=True)
    else:
        rows = _result_rows_by_ids(page_ids)
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in page_ids if pk in by_id]


def _page_of_search(filterset: OfferFilterSet, match_ids: list[int], offset: int, page_size: int) -> list[ResultRow]:
    """A page by distance, or of a search over the cap (whose ids the counts did not bring)."""
    matches = (
        Offer.objects.filter(id__any_of=match_ids)
        if match_ids
        else filterset.filter_queryset(Offer.objects.published())
    )
    queryset = ordered(filterset, matches)
    with_distance = filterset.commune_point is not None
    if filterset.sort == "pertinence":
        return _result_rows(queryset[offset : offset + page_size], with_distance=with_distance)
    # The page's ids first: an index-only scan of the covering index (migration 0002) that never
    # reads the wide offer rows it skips, then those rows alone.
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + page_size])
    rows = ordered(filterset, Offer.objects.filter(pk__in=ids))
    return _result_rows(rows, with_distance=with_distance) if ids else []


def feed_items(filterset: OfferFilterSet) -> list[Offer]:
    """The newest `FEED_SIZE` open offers of a search: one query (two with a commune)."""
    queryset = filterset.filter_queryset(Offer.objects.published()).order_by("-published_at", "-id")
    return list(queryset.select_related("commune").only(*RESULT_FIELDS, "description_text", "updated_at")[:FEED_SIZE])


# --- The open offers of a place (territory pages and home) ------------------------------------------
NEWEST_LIMIT = 5
PLACE_CACHE_SECONDS = 300


@dataclass
class KindCount:
    value: str
    label: str
    count: int
    url: str


@dataclass
class PlaceOffers:
    """The open offers of a territory: how many of each kind, the newest, and the search that lists them."""

    total: int
    kinds: list[KindCount]
    newest: list[Offer]
    search_url: str
    here: int | None = None  # a commune's page: how many of `total` are in the commune itself


def _search_url(params: list[tuple[str, str]]) -> str:
    query = urlencode(params)
    return reverse("offers:search") + (f"?{query}" if query else "")


def place_offers(
    queryset: QuerySet[Offer], params: list[tuple[str, str]], *, commune_code: str | None = None
) -> PlaceOffers:
    """The open offers of `queryset` (already narrowed to a place) in two queries, cached until an
    offer changes; `params` are the `/offres/` parameters that list the same offers."""
    key = f"offers:place:{offers_version()}:{urlencode(params)}"
    cached: PlaceOffers | None = cache.get(key)
    if cached is not None:
        return cached
    aggregates: dict[str, Any] = {kind: Count("pk", filter=Q(kind=kind)) for kind in OfferKind.values}
    if commune_code is not None:
        aggregates["here"] = Count("pk", filter=Q(commune_id=commune_code))
    figures = queryset.order_by().aggregate(**aggregates)
    kinds = [
        KindCount(value, str(label), figures[value], _search_url([*params, ("type", value)]))
        for value, label in OfferKind.choices
    ]
    total = sum(kind.count for kind in kinds)
    newest = (
        list(queryset.select_related("commune").only(*RESULT_FIELDS).order_by("-published_at", "-id")[:NEWEST_LIMIT])
        if total
        else []
    )
    for offer in newest:
        offer.distance_km = None  # type: ignore[attr-defined]  # the card shows a distance when there is one
    result = PlaceOffers(total, kinds, newest, _search_url(params), figures.get("here"))
    cache.set(key, result, PLACE_CACHE_SECONDS)
    return result


def commune_offers(commune: Commune, rayon: int = RAYON_DEFAULT) -> PlaceOffers:
    """The open offers in a commune and within `rayon` km of it."""
    point = CommunePoint(commune.code, commune.name, commune.departement_id, commune.latitude, commune.longitude)
    return place_offers(
        within_radius(Offer.objects.published(), point, rayon),
        [("commune", commune.code), ("rayon", str(rayon))],
        commune_code=commune.code,
    )


def programme_search_url(code: str) -> str:
    return _search_url([("programme", code)])


def programme_offer_counts() -> dict[str, int]:
    """Open offers per programme code, in one aggregate query, cached until an offer changes."""
    key = f"offers:programme-counts:{offers_version()}"
    figures: dict[str, int] | None = cache.get(key)
    if figures is None:
        figures = Offer.objects.published().aggregate(
            **{code: Count("pk", filter=Q(programmes__contains=[code])) for code in programmes.short_names()}
        )
        cache.set(key, figures, PLACE_CACHE_SECONDS)
    return figures
