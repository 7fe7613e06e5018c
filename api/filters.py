"""The API's filters: the search page's own (`offers.filters.OfferFilterSet`, one definition for both),
without the two parameters that only make sense on a page of HTML (the sort and the page number: the
API pages by cursor, newest first), and the communes' filters."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from offers.filters import OfferFilterSet, departement_choices, region_choices
from territories.enums import ProgrammeCode
from territories.models import Commune
from territories.queries import search_communes


class ApiOfferFilterSet(OfferFilterSet):
    tri = None
    page = None  # type: ignore[assignment]

    class Meta(OfferFilterSet.Meta):
        pass


class CommuneFilterSet(django_filters.FilterSet):
    nom = django_filters.CharFilter(
        label="Nom (ou une partie du nom), code INSEE ou code postal",
        method="filter_nom",
        max_length=100,
    )
    departement = django_filters.ChoiceFilter(
        label="Code du département", field_name="departement_id", choices=departement_choices
    )
    region = django_filters.ChoiceFilter(label="Code de la région", field_name="region_id", choices=region_choices)
    programme = django_filters.ChoiceFilter(
        label="Programme de l’ANCT", choices=ProgrammeCode.choices, method="filter_programme"
    )

    class Meta:
        model = Commune
        fields: list[str] = []

    def filter_nom(self, queryset: QuerySet[Commune], name: str, value: str) -> QuerySet[Commune]:
        return search_communes(queryset, value)

    def filter_programme(self, queryset: QuerySet[Commune], name: str, value: str) -> QuerySet[Commune]:
        return queryset.in_programme(value)  # type: ignore[attr-defined]
