"""Public pages of the territories: commune, département, région, programme, and the commune autocomplete."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from offers import search as offer_search
from offers.models import Offer
from partnership.formatting import NBSP, of_place
from partnership.text import query_text, strip_unsafe_characters
from territories import queries
from territories.enums import ProgrammeCode
from territories.models import Commune, Departement, OldCommuneCode, Programme, Qpv, Region
from territories.normalize import search_name

PROGRAMME_PAGE_SIZE = 50
Place = TypeVar("Place", Region, Departement)
QUERY_MAX_LENGTH = 100


def _territories_link() -> tuple[str, str]:
    return ("Territoires", reverse("territories:index"))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Programmes, régions and départements; a commune search that works without JavaScript."""
    query = query_text(request.GET.get("q", ""), QUERY_MAX_LENGTH)
    context = {
        "figures": queries.key_figures(),
        "regions": french_sorted(
            Region.objects.prefetch_related(
                Prefetch("departements", queryset=Departement.objects.only("code", "name", "region_id"))
            )
        ),
        "query": query,
        "communes": queries.autocomplete(query) if query else [],
    }
    return render(request, "territories/index.html", context)


def french_sorted(places: Iterable[Place]) -> list[Place]:
    """Régions or départements in French alphabetical order: accents and case ignored, so that
    « Île-de-France » comes among the I, not after « Wallis-et-Futuna » as a byte order puts it."""
    return sorted(places, key=lambda place: (search_name(place.name), place.name))


def _programmes_by_code() -> dict[str, Programme]:
    return {programme.code: programme for programme in Programme.objects.all()}


def _programme_rows(counts: dict[str, int]) -> list[dict[str, object]]:
    return [{"programme": p, "count": counts.get(p.code, 0)} for p in Programme.objects.all()]


@require_GET
def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    communes = Commune.objects.select_related(
        "departement", "region", "epci", "territoire_industrie", "massif"
    ).prefetch_related("qpvs")
    commune = communes.filter(pk=code).first()
    if commune is None:
        old = get_object_or_404(OldCommuneCode.objects.only("commune_id"), pk=code)
        return HttpResponsePermanentRedirect(Commune(pk=old.commune_id).get_absolute_url())
    return render(
        request,
        "territories/commune_detail.html",
        {
            "commune": commune,
            "offers": offer_search.commune_offers(commune),
            "offers_title": "Offres d’emploi à proximité",
            "offers_where": f"à {commune.name} ou à moins de {offer_search.RAYON_DEFAULT}{NBSP}km",
            "programmes": _programmes_by_code(),
            "codes": ProgrammeCode,
            "breadcrumb": [
                _territories_link(),
                (commune.region.name, commune.region.get_absolute_url()),
                (str(commune.departement), commune.departement.get_absolute_url()),
            ],
        },
    )


@require_GET
def departement_detail(request: HttpRequest, code: str) -> HttpResponse:
    departement = get_object_or_404(Departement.objects.select_related("region"), pk=code)
    communes = Commune.objects.filter(departement=departement)
    counts = queries.programme_counts(communes)
    context = {
        "departement": departement,
        "offers": offer_search.place_offers(
            Offer.objects.published().filter(departement_id=departement.code), [("departement", departement.code)]
        ),
        "offers_title": "Offres d’emploi du département",
        "offers_where": f"dans le département {of_place(departement.name, departement.tncc)}",
        "breadcrumb": [_territories_link(), (departement.region.name, departement.region.get_absolute_url())],
        "counts": counts,
        "programme_rows": _programme_rows(counts),
        "pvd_communes": communes.in_programme(ProgrammeCode.PVD).only("code", "name", "pvd_signed_on"),
        "acv_communes": communes.in_programme(ProgrammeCode.ACV).only(
            "code", "name", "acv_convention", "acv_signed_on", "acv_entree_de_ville"
        ),
        "territoires_industrie": _territoires_industrie(communes),
        "qpvs": Qpv.objects.filter(communes__departement=departement)
        .distinct()
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("code", "name"))),
    }
    return render(request, "territories/departement_detail.html", context)


@require_GET
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, pk=code)
    communes = Commune.objects.filter(region=region)
    counts = queries.programme_counts(communes)
    departements = (
        Departement.objects.filter(region=region)
        .order_by("code")
        .annotate(
            communes_count=Count("communes"),
            **{
                f"{code}_count": Count("communes", filter=Q(communes__programmes__contains=[code]))
                for code in ProgrammeCode.values
            },
        )
    )
    context = {
        "region": region,
        "offers": offer_search.place_offers(
            Offer.objects.published().filter(region_id=region.code), [("region", region.code)]
        ),
        "offers_title": "Offres d’emploi de la région",
        "offers_where": f"dans la région {region.name}",
        "breadcrumb": [_territories_link()],
        "counts": counts,
        "programme_rows": _programme_rows(counts),
        "departements": departements,
        "acv_communes": communes.in_programme(ProgrammeCode.ACV)
        .select_related("departement")
        .only("code", "name", "departement__code", "departement__name"),
        "territoires_industrie": _territoires_industrie(communes),
    }
    return render(request, "territories/region_detail.html", context)


def _territoires_industrie(communes: QuerySet[Commune]) -> QuerySet[Any, Any]:
    return (
        communes.filter(territoire_industrie__isnull=False)
        .values("territoire_industrie__code", "territoire_industrie__name")
        .annotate(communes_count=Count("pk"))
        .order_by("territoire_industrie__name")
    )


@require_GET
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    query = query_text(request.GET.get("q", ""), QUERY_MAX_LENGTH)
    departement_code = request.GET.get("departement", "").strip()[:3]
    departements = list(Departement.objects.only("code", "name"))
    if departement_code not in {d.code for d in departements}:
        departement_code = ""

    rows: QuerySet[Qpv] | QuerySet[Commune] = (
        _qpv_rows(query, departement_code)
        if programme.code == ProgrammeCode.QPV
        else _programme_communes(programme.code, query, departement_code)
    )
    page = Paginator(rows, PROGRAMME_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "offers": offer_search.place_offers(
            Offer.objects.published().in_programme(programme.code), [("programme", programme.code)]
        ),
        "offers_title": "Offres d’emploi du programme",
        "offers_where": f"dans les territoires du programme «{NBSP}{programme.name}{NBSP}»",
        "figures": queries.key_figures(),
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "breadcrumb": [_territories_link()],
        "query": query,
        "departement_code": departement_code,
        "departements": departements,
        "codes": ProgrammeCode,
    }
    return render(request, "territories/programme_detail.html", context)


def _programme_communes(code: str, query: str, departement_code: str) -> QuerySet[Commune]:
    communes = queries.search_communes(Commune.objects.in_programme(code), query)
    if departement_code:
        communes = communes.filter(departement_id=departement_code)
    return communes.select_related("departement", "territoire_industrie", "massif").order_by("name", "code")


def _qpv_rows(query: str, departement_code: str) -> QuerySet[Qpv]:
    qpvs = Qpv.objects.all()
    if query:
        qpvs = qpvs.filter(
            Q(name__unaccent__icontains=query) | Q(communes__in=queries.search_communes(Commune.objects.all(), query))
        )
    if departement_code:
        qpvs = qpvs.filter(communes__departement_id=departement_code)
    communes = Commune.objects.select_related("departement").only(
        "code", "name", "departement__code", "departement__name"
    )
    return qpvs.distinct().prefetch_related(Prefetch("communes", queryset=communes)).order_by("name", "code")


@require_GET
@cache_control(public=True, max_age=3600)
def commune_autocomplete(request: HttpRequest) -> JsonResponse:
    query = strip_unsafe_characters(request.GET.get("q", ""))
    results = [
        {
            "code": commune.code,
            "nom": commune.name,
            "departement": commune.departement.code,
            "departement_nom": commune.departement.name,
            "codes_postaux": commune.postcodes,
            "population": commune.population,
            "url": commune.get_absolute_url(),
        }
        for commune in queries.autocomplete(query)
    ]
    answer: dict[str, Any] = {"results": results}
    if len(query.strip()) > queries.AUTOCOMPLETE_MAX_LENGTH:
        answer["tronque"] = True
        answer["message"] = (
            f"Seuls les {queries.AUTOCOMPLETE_MAX_LENGTH} premiers caractères de la recherche ont été pris en compte."
        )
    return JsonResponse(answer)
