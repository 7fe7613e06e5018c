"""The figures of `/statistiques/`, computed by a beat task (`refresh`) and read from the cache: a
page view never runs these queries (`get` computes them only when the cache is empty, e.g. the
first view after a deployment, and stores them).

Every dataset is a `Dataset`: a title, the names of its columns, and rows; the page draws it as a
chart and a table, and `/statistiques/<slug>.csv` gives it as a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from offers.enums import EventKind, OfferKind, OfferStatus
from offers.models import LOCAL_SOURCE, Offer
from territories import programmes
from territories.models import Region

CACHE_KEY = "statistics:figures:v1"
CACHE_SECONDS = 3 * 24 * 3600  # refreshed every hour; kept if a refresh fails
WEEKS = 52


@dataclass
class Dataset:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    unit: str = "offres"
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def by_kind() -> Dataset:
    counts = dict(Offer.objects.published().order_by().values_list("kind").annotate(n=Count("id")))
    rows = [[str(label), counts.get(value, 0)] for value, label in OfferKind.choices]
    return Dataset("types", "Offres ouvertes par type", ["Type d’offre", "Offres ouvertes"], rows)


def by_programme() -> Dataset:
    aggregates = {code: Count("id", filter=Q(programmes__contains=[code])) for code in programmes.short_names()}
    counts = Offer.objects.published().aggregate(**aggregates)
    rows = [[programmes.name(code), counts[code]] for code in programmes.short_names()]
    note = "Une offre compte pour chaque programme de sa commune : la somme dépasse le nombre d’offres."
    return Dataset(
        "programmes", "Offres ouvertes par programme de l’ANCT", ["Programme", "Offres ouvertes"], rows, note=note
    )


def by_region() -> Dataset:
    counts = dict(Offer.objects.published().order_by().values_list("region_id").annotate(n=Count("id")))
    regions = Region.objects.order_by("name").values_list("code", "name")
    rows = [[name, counts.get(code, 0)] for code, name in regions]
    return Dataset("regions", "Offres ouvertes par région", ["Région", "Offres ouvertes"], rows)


def published_per_week(now: dt.datetime | None = None) -> Dataset:
    """Offers that became visible each week (Monday to Sunday, Paris time), over the last 52 weeks,
    read from the offer events (a republication counts again)."""
    today = timezone.localdate(now or timezone.now())
    this_monday = today - dt.timedelta(days=today.weekday())
    first = this_monday - dt.timedelta(weeks=WEEKS - 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_trunc('week', at AT TIME ZONE 'Europe/Paris')::date AS week, count(*)"
            " FROM offers_offerevent WHERE kind = %s AND at >= %s GROUP BY week",
            [EventKind.PUBLISHED, dt.datetime.combine(first, dt.time(), tzinfo=timezone.get_current_timezone())],
        )
        counts = dict(cursor.fetchall())
    rows = []
    for index in range(WEEKS):
        monday = first + dt.timedelta(weeks=index)
        rows.append([monday.isoformat(), counts.get(monday, 0)])
    return Dataset(
        "publications",
        "Offres publiées par semaine, sur 12 mois",
        ["Semaine du", "Offres publiées"],
        rows,
        note="Semaines du lundi au dimanche ; la semaine en cours n’est pas finie.",
    )


def salary_shown() -> Dataset:
    """Share of open offers that show a salary (an amount or a text), by kind and by source."""
    shown = Q(salary_min__isnull=False) | Q(salary_max__isnull=False) | ~Q(salary_text="")
    open_offers = Offer.objects.published().order_by()
    rows: list[list[Any]] = []
    kinds = dict(OfferKind.choices)
    for group, label in (("kind", "Type"), ("source", "Source")):
        for value, total, with_salary in (
            open_offers.values_list(group).annotate(total=Count("id"), shown=Count("id", filter=shown)).order_by(group)
        ):
            name = (
                str(kinds.get(value, value))
                if group == "kind"
                else ("Publiées sur le portail" if value == LOCAL_SOURCE else value)
            )
            share = round(100 * with_salary / total, 1) if total else 0.0
            rows.append([f"{label} : {name}", total, with_salary, share])
    return Dataset(
        "salaires",
        "Part des offres ouvertes qui indiquent un salaire",
        ["Groupe", "Offres ouvertes", "Avec un salaire", "Part (%)"],
        rows,
        unit="%",
    )


def local_delays() -> Dataset:
    """For the vacancies posted on the portal: median days from submission to publication, and from
    publication to « filled », from the offer events (first submission, first publication after it,
    first closing as filled after that)."""
    sql = """
        WITH submitted AS (
            SELECT e.offer_id, min(e.at) AS at FROM offers_offerevent e
            JOIN offers_offer o ON o.id = e.offer_id AND o.source = %s
            WHERE e.kind = %s GROUP BY e.offer_id
        ), published AS (
            SELECT s.offer_id, s.at AS submitted_at, min(e.at) AS at FROM submitted s
            JOIN offers_offerevent e ON e.offer_id = s.offer_id AND e.kind = %s AND e.at >= s.at
            GROUP BY s.offer_id, s.at
        ), filled AS (
            SELECT p.offer_id, p.at AS published_at, min(e.at) AS at FROM published p
            JOIN offers_offerevent e ON e.offer_id = p.offer_id AND e.kind = %s AND e.to_status = %s AND e.at >= p.at
            GROUP BY p.offer_id, p.at
        )
        SELECT (SELECT count(*) FROM published),
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - submitted_at))
                  FROM published),
               (SELECT count(*) FROM filled),
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM at - published_at))
                  FROM filled)
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [LOCAL_SOURCE, EventKind.SUBMITTED, EventKind.PUBLISHED, EventKind.CLOSED, OfferStatus.FILLED]
        )
        published, to_publish, filled, to_fill = cursor.fetchone()

    def days(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds / 86400, 1)

    rows = [
        ["De l’envoi en modération à la publication", published, days(to_publish)],
        ["De la publication à « pourvue »", filled, days(to_fill)],
    ]
    return Dataset(
        "delais",
        "Offres des collectivités : délais médians",
        ["Étape", "Offres mesurées", "Délai médian (jours)"],
        rows,
        unit="jours",
        note="Offres publiées sur le portail par les collectivités ; les offres venues d’un flux n’ont pas ces étapes.",
    )


def clct_quarters(now: dt.datetime | None = None) -> Dataset:
    """CLCT meetings held per quarter over the last two years, and the delegates' attendance rate
    (present among the invitations whose attendance was recorded)."""
    from partnership.clct.enums import MeetingStatus

    now = now or timezone.now()
    since = now - dt.timedelta(days=2 * 365)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(date_trunc('quarter', m.starts_at AT TIME ZONE 'Europe/Paris'), 'YYYY-\"T\"Q') AS quarter,"
            " count(DISTINCT m.id), count(i.id) FILTER (WHERE i.attended IS NOT NULL),"
            " count(i.id) FILTER (WHERE i.attended)"
            " FROM clct_meeting m LEFT JOIN clct_invitation i ON i.meeting_id = m.id"
            " WHERE m.starts_at < %s AND m.starts_at >= %s AND m.status <> %s GROUP BY quarter ORDER BY quarter",
            [now, since, MeetingStatus.CANCELLED],
        )
        rows = [
            [quarter, meetings, recorded, present, round(100 * present / recorded, 1) if recorded else None]
            for quarter, meetings, recorded, present in cursor.fetchall()
        ]
    return Dataset(
        "clct",
        "Comités locaux de cohésion territoriale : réunions tenues et présence des délégués de l’Apec",
        ["Trimestre", "Réunions tenues", "Présences relevées", "Délégués présents", "Taux de présence (%)"],
        rows,
        unit="réunions",
        note="Réunions passées et non annulées ; le taux porte sur les invitations dont la présence a été relevée.",
    )


def compute(now: dt.datetime | None = None) -> dict[str, Any]:
    datasets = [
        by_kind(),
        by_programme(),
        by_region(),
        published_per_week(now),
        salary_shown(),
        local_delays(),
        clct_quarters(now),
    ]
    return {
        "computed_at": (now or timezone.now()).isoformat(),
        "datasets": {dataset.slug: asdict(dataset) for dataset in datasets},
    }


def refresh(now: dt.datetime | None = None) -> dict[str, Any]:
    figures = compute(now)
    cache.set(CACHE_KEY, figures, CACHE_SECONDS)
    return figures


def get() -> dict[str, Any]:
    """The cached figures (computed and stored once if the cache is empty)."""
    figures = cache.get(CACHE_KEY)
    return figures if figures is not None else refresh()
