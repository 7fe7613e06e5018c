"""The meetings list's filters (django-filter): département, status, period, dates."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from partnership.clct.enums import MeetingStatus, Period
from partnership.clct.models import Committee, Meeting

DATE = forms.DateInput(attrs={"type": "date"})


class MeetingFilterSet(django_filters.FilterSet):
    departement = django_filters.ChoiceFilter(
        label="Département", field_name="committee__departement", empty_label="Tous les départements"
    )
    statut = django_filters.ChoiceFilter(
        label="Statut", field_name="status", choices=MeetingStatus.choices, empty_label="Tous les statuts"
    )
    periode = django_filters.ChoiceFilter(
        label="Période", choices=Period.choices, method="filter_period", empty_label=None
    )
    du = django_filters.DateFilter(label="Du", field_name="starts_at", lookup_expr="date__gte", widget=DATE)
    au = django_filters.DateFilter(label="Au", field_name="starts_at", lookup_expr="date__lte", widget=DATE)

    class Meta:
        model = Meeting
        fields: list[str] = []

    def __init__(self, *args: Any, committees: QuerySet[Committee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["departement"].extra["choices"] = [
            (committee.departement.code, f"{committee.departement.code} – {committee.departement.name}")
            for committee in committees.select_related("departement")
        ]
        # Nothing chosen yet: the upcoming meetings.
        this: Any = self  # django-filter's `data` is untyped
        if not this.data.get("periode"):
            data = this.data.copy()
            data["periode"] = Period.UPCOMING
            this.data = data

    def filter_period(self, queryset: QuerySet[Meeting], name: str, value: str) -> QuerySet[Meeting]:
        now = timezone.now()
        if value == Period.UPCOMING:
            return queryset.filter(starts_at__gte=now).order_by("starts_at", "id")
        if value == Period.PAST:
            return queryset.filter(starts_at__lt=now).order_by("-starts_at", "-id")
        return queryset.order_by("-starts_at", "-id")
