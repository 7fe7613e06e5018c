"""Offers: VTE, VTA and chef-de-projet vacancies in one model and one search."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from offers.enums import (
    CLOSED_STATUSES,
    Contract,
    EducationLevel,
    EmployerKind,
    EventKind,
    Experience,
    OfferKind,
    OfferStatus,
    Remote,
)
from territories.models import Commune, Departement, Region

# French full-text search without accents (text-search configuration created by territories/0001).
SEARCH_CONFIG = "french_unaccent"
LOCAL_SOURCE = "local"
PUBLISHED = Q(status=OfferStatus.PUBLISHED)


_PK, _SLUG = "987654321", "slug-de-l-offre"


@functools.cache
def _detail_path() -> str:
    """The path of an offer page with `{pk}` and `{slug}` to fill, from reverse() once per process:
    a result page, the home and the sitemaps give hundreds of offer links, at 20 µs a reverse()."""
    path = reverse("offers:detail", kwargs={"pk": _PK, "slug": _SLUG})
    return path.replace("{", "{{").replace("}", "}}").replace(_PK, "{pk}").replace(_SLUG, "{slug}")


def offer_path(pk: int, slug: str) -> str:
    """An offer page's address from its id and slug (what `Offer.get_absolute_url` gives)."""
    return _detail_path().format(pk=pk, slug=slug or "offre")


class OfferQuerySet(models.QuerySet["Offer"]):
    def published(self) -> OfferQuerySet:
        """Published and not past their end date: what search, feeds and the sitemap show."""
        return self.filter(PUBLISHED).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=Now()))

    def closed(self) -> OfferQuerySet:
        return self.filter(status__in=CLOSED_STATUSES)

    def in_programme(self, code: str) -> OfferQuerySet:
        return self.filter(programmes__contains=[code])


def offer_slug(title: str) -> str:
    """The slug of an offer's address, from its title: every writer of offers uses this one."""
    return slugify(title)[:80].strip("-") or "offre"


class Offer(models.Model):
    kind = models.CharField("type d'offre", max_length=20, choices=OfferKind.choices)
    title = models.CharField("intitulé", max_length=200)
    # Only in the offer's address (looked up by id): no index.
    slug = models.SlugField(max_length=80, blank=True, db_index=False)
    # Sanitised HTML (allow-list); `description_text` is its text, for search and summaries.
    description = models.TextField("description")
    description_text = models.TextField(blank=True)

    employer_name = models.CharField("employeur", max_length=200)
    employer_siren = models.CharField("SIREN", max_length=9, blank=True)
    employer_siret = models.CharField("SIRET", max_length=14, blank=True)
    employer_kind = models.CharField("nature de l'employeur", max_length=20, choices=EmployerKind.choices)

    # The foreign keys are indexed in Meta, as plain B-trees: Django's own would add a `varchar_pattern_ops`
    # twin for each (LIKE on a code: never done), which every insert of an offer pays for.
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="offers", db_index=False)
    # Denormalised from the commune for fast filters; kept right by `offers.lifecycle.refresh_places`
    # after every territories import.
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="+", db_index=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", db_index=False)
    latitude = models.FloatField()
    longitude = models.FloatField()
    programmes = ArrayField(models.CharField(max_length=10), default=list, blank=True)

    remote = models.CharField("télétravail", max_length=10, choices=Remote.choices, default=Remote.NONE)
    contract = models.CharField("contrat", max_length=20, choices=Contract.choices)
    duration_months = models.PositiveSmallIntegerField("durée (mois)", null=True, blank=True)
    working_time_percent = models.PositiveSmallIntegerField("temps de travail (%)", null=True, blank=True)
    start_date = models.DateField("date de prise de poste", null=True, blank=True)
    salary_min = models.PositiveIntegerField("salaire annuel brut minimum (€)", null=True, blank=True)
    salary_max = models.PositiveIntegerField("salaire annuel brut maximum (€)", null=True, blank=True)
    salary_text = models.CharField("rémunération", max_length=200, blank=True)
    education_level = models.CharField("niveau d'études", max_length=10, choices=EducationLevel.choices, blank=True)
    experience = models.CharField("expérience", max_length=12, choices=Experience.choices, blank=True)

    apply_url = models.URLField("adresse pour postuler", max_length=500, blank=True)
    apply_email = models.EmailField("courriel pour postuler", blank=True)

    source = models.CharField("source", max_length=60, default=LOCAL_SOURCE)
    external_id = models.CharField("identifiant à la source", max_length=200, blank=True)
    source_url = models.URLField("adresse à la source", max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    status = models.CharField("statut", max_length=12, choices=OfferStatus.choices, default=OfferStatus.DRAFT)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    expires_at = models.DateTimeField("date limite", null=True, blank=True)
    closed_at = models.DateTimeField("fermée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("employer_name", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description_text", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = "offre"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OfferKind.values), name="offer_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=OfferStatus.values), name="offer_status_valid"),
            models.CheckConstraint(
                condition=Q(employer_kind__in=EmployerKind.values), name="offer_employer_kind_valid"
            ),
            models.CheckConstraint(condition=Q(remote__in=Remote.values), name="offer_remote_valid"),
            models.CheckConstraint(condition=Q(contract__in=Contract.values), name="offer_contract_valid"),
            models.CheckConstraint(
                condition=Q(education_level="") | Q(education_level__in=EducationLevel.values),
                name="offer_education_level_valid",
            ),
            models.CheckConstraint(
                condition=Q(experience="") | Q(experience__in=Experience.values), name="offer_experience_valid"
            ),
            models.CheckConstraint(
                condition=Q(working_time_percent__isnull=True)
                | Q(working_time_percent__gte=1, working_time_percent__lte=100),
                name="offer_working_time_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True) | Q(duration_months__gte=1, duration_months__lte=120),
                name="offer_duration_valid",
            ),
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="offer_salary_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=models.F("published_at")),
                name="offer_expires_after_publication",
            ),
            models.CheckConstraint(
                condition=~PUBLISHED | Q(published_at__isnull=False), name="offer_published_has_date"
            ),
            # A closed offer says since when; an offer that is not closed has no closing date.
            models.CheckConstraint(
                condition=Q(status__in=CLOSED_STATUSES, closed_at__isnull=False)
                | (~Q(status__in=CLOSED_STATUSES) & Q(closed_at__isnull=True)),
                name="offer_closed_has_date",
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="offer_source_external_id_unique"
            ),
        ]
        indexes = [
            # Words with a place, the commonest search (« ingénieur 19 », « VTA Cantal »): one GIN scan
            # intersects the place's entries with the words' (btree_gin), instead of a bitmap of every
            # offer holding a common word ANDed with the place's (issue 14: 4 ms → 0.5 ms for
            # « commerce » in the Gironde at 100,000 offers). Words alone use it as they used a GIN
            # index on the vector alone.
            GinIndex(
                fields=["departement", "region", "search_vector"],
                condition=PUBLISHED,
                name="offer_search_place_published",
            ),
            GinIndex(fields=["programmes"], condition=PUBLISHED, name="offer_programmes_published"),
            models.Index(fields=["-published_at", "-id"], condition=PUBLISHED, name="offer_date_published"),
            models.Index(fields=["departement", "-published_at"], condition=PUBLISHED, name="offer_dep_published"),
            models.Index(fields=["region", "-published_at"], condition=PUBLISHED, name="offer_region_published"),
            models.Index(fields=["latitude", "longitude"], condition=PUBLISHED, name="offer_point_published"),
            models.Index(fields=["kind", "-published_at"], condition=PUBLISHED, name="offer_kind_published"),
            models.Index(fields=["status", "closed_at"], name="offer_status_closed"),
            models.Index(fields=["commune"], name="offer_commune"),
            models.Index(fields=["departement"], name="offer_departement"),
            models.Index(fields=["region"], name="offer_region"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = offer_slug(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return offer_path(self.pk, self.slug)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Published and not past its end date (the rule of `OfferQuerySet.published`)."""
        return self.closure(now) is None and self.status == OfferStatus.PUBLISHED

    def closure(self, now: dt.datetime | None = None) -> tuple[str, dt.datetime] | None:
        """Why and since when a public offer is closed, or None while it is open (or not public yet).

        A published offer past its end date is expired from that date, even before the hourly
        `expire_offers` task has recorded it."""
        now = now or timezone.now()
        if self.status == OfferStatus.PUBLISHED:
            if self.expires_at is None or self.expires_at > now:
                return None
            return OfferStatus.EXPIRED, self.expires_at
        if self.status in CLOSED_STATUSES:
            return self.status, self.closed_at or self.updated_at
        return None

    def set_place(self, commune: Commune) -> None:
        """Attach the offer to a commune and copy what search filters on."""
        self.commune = commune
        self.departement_id = commune.departement_id
        self.region_id = commune.region_id
        self.latitude = commune.latitude
        self.longitude = commune.longitude
        self.programmes = list(commune.programmes)


class OfferEvent(models.Model):
    """One change of one offer: what (`kind`), from which status to which, when, who or which feed run,
    and why. Written by `offers.lifecycle` only, in the transaction of the change. Moderation history,
    alerts (« new since »), the CLCT digest (« published this week ») and statistics read them."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("événement", max_length=12, choices=EventKind.choices)
    from_status = models.CharField("statut avant", max_length=12, blank=True)
    to_status = models.CharField("statut après", max_length=12)
    at = models.DateTimeField("le", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The feed run that made the change: its report may be purged before the event (no constraint).
    feed_run = models.ForeignKey(
        "feeds.FeedRun",
        verbose_name="synchronisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField("motif", blank=True)

    class Meta:
        verbose_name = "événement d’une offre"
        verbose_name_plural = "événements des offres"
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="offerevent_kind_valid"),
            models.CheckConstraint(condition=Q(to_status__in=OfferStatus.values), name="offerevent_to_status_valid"),
        ]
        indexes = [
            models.Index(fields=["offer", "at"], name="offerevent_offer_at"),
            # « Published since … » (alerts, digests, statistics).
            models.Index(fields=["kind", "at"], name="offerevent_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} de l’offre {self.offer_id} le {self.at:%d/%m/%Y %H:%M}"
