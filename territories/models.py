"""French territories (COG 2026) and the ANCT programmes attached to them."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse

from territories import programmes
from territories.enums import DensityLevel, EpciKind, FrrLevel, NameType, ProgrammeCode, Zone


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField(max_length=100)
    zone = models.CharField(max_length=5, choices=Zone.choices)
    tncc = models.PositiveSmallIntegerField("type de nom (TNCC)", choices=NameType.choices)

    class Meta:
        verbose_name = "région"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(tncc__in=NameType.values), name="region_tncc_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:region", args=[self.code])


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    zone = models.CharField(max_length=5, choices=Zone.choices)
    tncc = models.PositiveSmallIntegerField("type de nom (TNCC)", choices=NameType.choices)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(tncc__in=NameType.values), name="departement_tncc_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("territories:departement", args=[self.code])


class Epci(models.Model):
    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=5, choices=EpciKind.choices)
    population = models.PositiveIntegerField("population totale", null=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=EpciKind.values), name="epci_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """An ANCT programme attached to places; its rows are data, created by the importer."""

    code = models.CharField(max_length=10, primary_key=True, choices=ProgrammeCode.choices)
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField("nom", max_length=120)
    short_name = models.CharField("nom court", max_length=40)
    summary = models.CharField("en une ligne, pour les candidats", max_length=programmes.SUMMARY_MAX_LENGTH)
    description = models.TextField()
    source = models.TextField("source des données")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "programme"
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:programme", args=[self.slug])


class TerritoireIndustrie(models.Model):
    code = models.CharField("identifiant ANCT", max_length=10, primary_key=True)
    name = models.CharField("nom", max_length=200)

    class Meta:
        verbose_name = "Territoire d'industrie"
        verbose_name_plural = "Territoires d'industrie"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Massif(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=60)

    class Meta:
        verbose_name = "massif"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet["Commune"]):
    def in_programme(self, code: str) -> CommuneQuerySet:
        return self.filter(programmes__contains=[code])


class Commune(models.Model):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField(max_length=100)
    # Lower-case, without accents or punctuation, "saint" spelled out: what the
    # autocomplete compares, with a trigram index.
    search_name = models.CharField(max_length=100)
    zone = models.CharField(max_length=5, choices=Zone.choices)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField(null=True, blank=True)
    postcodes = ArrayField(models.CharField(max_length=5), default=list, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    # Programmes
    territoire_industrie = models.ForeignKey(
        TerritoireIndustrie, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    pvd_id = models.CharField("identifiant PVD", max_length=20, blank=True)
    pvd_signed_on = models.DateField("convention PVD signée le", null=True, blank=True)
    acv_id = models.CharField("identifiant ACV", max_length=20, blank=True)
    acv_convention = models.CharField("convention ACV", max_length=200, blank=True)
    acv_signed_on = models.DateField("convention ACV signée le", null=True, blank=True)
    acv_entree_de_ville = models.BooleanField("ACV – Entrées de ville", default=False)
    frr_level = models.CharField(
        "classement FRR", max_length=25, choices=FrrLevel.choices, default=FrrLevel.NOT_CLASSIFIED
    )
    density_level = models.PositiveSmallIntegerField("grille de densité", choices=DensityLevel.choices, null=True)
    massif = models.ForeignKey(Massif, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    # Denormalised programme codes (ProgrammeCode values), recomputed by every import.
    programmes = ArrayField(models.CharField(max_length=10), default=list, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["programmes"], name="commune_programmes_gin"),
            GinIndex(fields=["search_name"], name="commune_search_name_trgm", opclasses=["gin_trgm_ops"]),
            models.Index(fields=["departement", "name"], name="commune_dep_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(frr_level__in=FrrLevel.values), name="commune_frr_level_valid"),
            models.CheckConstraint(
                condition=models.Q(density_level__isnull=True) | models.Q(density_level__gte=1, density_level__lte=7),
                name="commune_density_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="commune_point_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"

    def get_absolute_url(self) -> str:
        return reverse("territories:commune", args=[self.code])

    @property
    def is_rural(self) -> bool:
        return ProgrammeCode.RURAL in self.programmes


class OldCommuneCode(models.Model):
    """An INSEE code that no longer exists, and the commune it became (mergers)."""

    code = models.CharField("ancien code INSEE", max_length=5, primary_key=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="old_codes")

    class Meta:
        verbose_name = "ancien code commune"

    def __str__(self) -> str:
        return f"{self.code} → {self.commune_id}"


class Qpv(models.Model):
    code = models.CharField("code QPV", max_length=10, primary_key=True)
    name = models.CharField("nom", max_length=200)
    communes = models.ManyToManyField(Commune, related_name="qpvs")
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)

    class Meta:
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
