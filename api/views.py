"""`/api/v1/`: read-only JSON, anonymous, open to every origin for GET (docs/api.md, and the French
page `/api/`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from api import serializers
from api.filters import ApiOfferFilterSet, CommuneFilterSet
from offers.models import Offer
from offers.views.search import _query_dict, normalised_params
from territories.models import Commune, Departement, Programme, Region

ERRORS = {
    400: OpenApiResponse(description="Paramètre invalide : le message dit lequel et pourquoi, en français"),
    429: OpenApiResponse(description="Trop de requêtes : réessayez après le délai de l’en-tête Retry-After"),
}
NOT_FOUND = {404: OpenApiResponse(description="Inconnu")}
BAD_CURSOR = {404: OpenApiResponse(description="Curseur invalide : suivez l’adresse `next` d’une réponse")}


class Pagination(CursorPagination):
    cursor_query_param = "curseur"
    page_size = 20
    page_size_query_param = "taille"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        """`taille` from 1 to 100; anything else is refused (400), not silently replaced."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            message = f"La taille d’une page est un nombre entier de 1 à {self.max_page_size}."
            raise ValidationError({self.page_size_query_param: [message]})
        return int(raw)


class OfferPagination(Pagination):
    ordering = ("-published_at", "-id")


class CodePagination(Pagination):
    ordering = ("code",)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, whose invalid parameters answer 400 with the form's own messages
    (django-filter's translation formats them again with `%`, which fails on a value holding one)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
        return filterset.qs


class OfferFilterBackend(FilterBackend):
    """The search page's filter set, on the search page's normalised parameters."""

    def get_filterset_kwargs(self, request, queryset, view):
        # The page takes an empty value as « not given »; the API says so instead of guessing.
        blank = sorted(
            name
            for name in ApiOfferFilterSet.base_filters
            if any(not value.strip() or value != value.strip() for value in request.query_params.getlist(name))
        )
        if blank:
            message = "Valeur vide ou entourée d’espaces : retirez ce paramètre ou donnez-lui une valeur."
            raise ValidationError(dict.fromkeys(blank, [message]))
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["data"] = _query_dict(normalised_params(request.query_params))
        return kwargs


@extend_schema_view(
    list=extend_schema(
        summary="Offres ouvertes",
        description="Les offres ouvertes, les plus récentes d’abord, avec les filtres de la recherche du site.",
        responses={200: serializers.OfferSerializer(many=True), **BAD_CURSOR, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="Une offre ouverte", responses={200: serializers.OfferDetailSerializer, **NOT_FOUND, **ERRORS}
    ),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = OfferPagination
    filter_backends = [OfferFilterBackend]
    filterset_class = ApiOfferFilterSet

    def get_queryset(self) -> QuerySet[Offer]:
        return Offer.objects.published().select_related("commune")

    def get_serializer_class(self):
        return serializers.OfferDetailSerializer if self.action == "retrieve" else serializers.OfferSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Communes",
        description="Les communes (COG 2026), par nom, code, département, région ou programme.",
        responses={200: serializers.CommuneSerializer(many=True), **BAD_CURSOR, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="Une commune, par son code INSEE", responses={200: serializers.CommuneSerializer, **NOT_FOUND, **ERRORS}
    ),
)
class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Commune.objects.all()
    serializer_class = serializers.CommuneSerializer
    pagination_class = CodePagination
    filter_backends = [FilterBackend]
    filterset_class = CommuneFilterSet
    lookup_value_regex = "[0-9AB]{5}"


def _simple(name: str, serializer: type, model: Any) -> type:
    @extend_schema_view(
        list=extend_schema(summary=name, responses={200: serializer(many=True), 429: ERRORS[429]}),
        retrieve=extend_schema(
            summary=f"{name} : un seul, par son code", responses={200: serializer, **NOT_FOUND, 429: ERRORS[429]}
        ),
    )
    class ViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = model.objects.order_by("pk")
        serializer_class = serializer
        pagination_class = None

    ViewSet.__name__ = ViewSet.__qualname__ = f"{model.__name__}ViewSet"
    return ViewSet


RegionViewSet = _simple("Régions", serializers.RegionSerializer, Region)
DepartementViewSet = _simple("Départements", serializers.DepartementSerializer, Departement)
ProgrammeViewSet = _simple("Programmes de l’ANCT", serializers.ProgrammeSerializer, Programme)


@require_GET
def documentation(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    rate = (
        settings.API_ANON_RATE.replace("/minute", " par minute")
        .replace("/hour", " par heure")
        .replace("/day", " par jour")
    )
    return render(request, "api/documentation.html", {"filters": ApiOfferFilterSet.base_filters, "rate": rate})
