"""The moderation queue's filters (GET parameters)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet
from django.utils import timezone

from offers.enums import OfferKind, OfferStatus
from partnership.recruitment.enums import ChefDeProjetProgramme
from partnership.recruitment.models import Posting
from territories.models import Departement

AGE_CHOICES = [("2", "Plus de 2 jours"), ("7", "Plus de 7 jours"), ("14", "Plus de 14 jours")]


class ModerationFilter(django_filters.FilterSet):
    statut = django_filters.ChoiceFilter(
        label="Statut", field_name="offer__status", choices=OfferStatus.choices, empty_label="Tous les statuts"
    )
    departement = django_filters.ModelChoiceFilter(
        label="Département",
        field_name="offer__departement",
        queryset=Departement.objects.order_by("code"),
        empty_label="Tous les départements",
    )
    programme = django_filters.ChoiceFilter(
        label="Programme", choices=ChefDeProjetProgramme.choices, empty_label="Tous les programmes"
    )
    type = django_filters.ChoiceFilter(
        label="Type d’offre",
        field_name="offer__kind",
        choices=[(OfferKind.CHEF_DE_PROJET.value, "Chef de projet"), (OfferKind.VTA.value, "VTA")],
        empty_label="Tous les types",
    )
    attente = django_filters.ChoiceFilter(
        label="En attente depuis", choices=AGE_CHOICES, method="waiting_for", empty_label="Peu importe"
    )

    class Meta:
        model = Posting
        fields: list[str] = []

    def waiting_for(self, queryset: QuerySet[Posting], name: str, value: str) -> QuerySet[Posting]:
        return queryset.filter(submitted_at__lte=timezone.now() - dt.timedelta(days=int(value)))
