"""What the API answers: French field names, as the search parameters and the CSV export."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import serializers

from offers.licences import licence_of
from offers.models import Offer
from territories.models import Commune, Departement, Programme, Region


class CommuneRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    nom = serializers.CharField(source="name")


class OfferSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Page de l’offre sur le portail")
    titre = serializers.CharField(source="title")
    type = serializers.CharField(source="kind", help_text="vte, vta ou chef-de-projet")
    employeur = serializers.CharField(source="employer_name")
    commune = CommuneRefSerializer()
    departement = serializers.CharField(source="departement_id")
    region = serializers.CharField(source="region_id")
    programmes = serializers.ListField(child=serializers.CharField())
    contrat = serializers.CharField(source="contract")
    duree_mois = serializers.IntegerField(source="duration_months", allow_null=True)
    teletravail = serializers.CharField(source="remote")
    niveau_etudes = serializers.CharField(source="education_level")
    salaire_min = serializers.IntegerField(source="salary_min", allow_null=True, help_text="Annuel brut, en euros")
    salaire_max = serializers.IntegerField(source="salary_max", allow_null=True, help_text="Annuel brut, en euros")
    date_publication = serializers.DateTimeField(source="published_at")
    date_limite = serializers.DateTimeField(source="expires_at", allow_null=True)
    source = serializers.CharField(help_text="« local » : publiée sur le portail ; sinon le flux d’origine")
    licence = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "url",
            "titre",
            "type",
            "employeur",
            "commune",
            "departement",
            "region",
            "programmes",
            "contrat",
            "duree_mois",
            "teletravail",
            "niveau_etudes",
            "salaire_min",
            "salaire_max",
            "date_publication",
            "date_limite",
            "source",
            "licence",
        ]

    def get_url(self, offer: Offer) -> str:
        return settings.SITE_URL + offer.get_absolute_url()

    def get_licence(self, offer: Offer) -> str:
        return licence_of(offer.source)


class OfferDetailSerializer(OfferSerializer):
    description = serializers.CharField(source="description_text", help_text="Texte de l’offre, sans mise en forme")

    class Meta(OfferSerializer.Meta):
        fields = [*OfferSerializer.Meta.fields, "description"]


class CommuneSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    departement = serializers.CharField(source="departement_id")
    region = serializers.CharField(source="region_id")
    epci = serializers.CharField(source="epci_id", allow_null=True, help_text="SIREN de l’intercommunalité")
    codes_postaux = serializers.ListField(source="postcodes", child=serializers.CharField())
    programmes = serializers.ListField(child=serializers.CharField())
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()

    class Meta:
        model = Commune
        fields = [
            "code",
            "nom",
            "departement",
            "region",
            "epci",
            "population",
            "codes_postaux",
            "programmes",
            "latitude",
            "longitude",
        ]


def communes_url(request: Any, **params: str) -> str:
    from urllib.parse import urlencode

    from django.urls import reverse

    return request.build_absolute_uri(reverse("api:commune-list") + "?" + urlencode(params))


class RegionSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    communes = serializers.SerializerMethodField(help_text="Adresse de la liste de ses communes")

    class Meta:
        model = Region
        fields = ["code", "nom", "communes"]

    def get_communes(self, region: Region) -> str:
        return communes_url(self.context["request"], region=region.code)


class DepartementSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    region = serializers.CharField(source="region_id")
    communes = serializers.SerializerMethodField(help_text="Adresse de la liste de ses communes")

    class Meta:
        model = Departement
        fields = ["code", "nom", "region", "communes"]

    def get_communes(self, departement: Departement) -> str:
        return communes_url(self.context["request"], departement=departement.code)


class ProgrammeSerializer(serializers.ModelSerializer):
    nom = serializers.CharField(source="name")
    nom_court = serializers.CharField(source="short_name")
    resume = serializers.CharField(source="summary")
    source_des_donnees = serializers.CharField(source="source")
    communes = serializers.SerializerMethodField(help_text="Adresse de la liste de ses communes")

    class Meta:
        model = Programme
        fields = ["code", "nom", "nom_court", "resume", "source_des_donnees", "communes"]

    def get_communes(self, programme: Programme) -> str:
        return communes_url(self.context["request"], programme=programme.code)
