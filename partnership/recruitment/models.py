"""Collectivités recruiting through the portal: their offers (an `Offer` plus a `Posting`), the eligibility
rules staff edit, and the applications candidates send.

A local offer is an `offers.Offer` like any other (search, pages, feeds, sitemap read it); what only a
collectivité's offer has lives on its `Posting`, one to one. Every write of the offer itself goes through
`offers.lifecycle` (see `services.py`)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from offers.enums import OfferStatus
from offers.models import Offer
from partnership.accounts.models import AnyUser, Organisation, _active
from partnership.recruitment.enums import ApplicationHandling, ApplicationStatus, ChefDeProjetProgramme
from territories.enums import DensityLevel, FrrLevel


class EligibilityRulesQuerySet(models.QuerySet["EligibilityRules"]):
    def in_force(self, on: dt.date | None = None) -> EligibilityRules | None:
        """The rules in force on `on` (today): the latest that started and has not ended."""
        on = on or timezone.localdate()
        return (
            self.filter(valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
            .order_by("-valid_from", "-pk")
            .first()
        )


class EligibilityRules(models.Model):
    """The parameters of the eligibility rules for one period (a campaign year): staff edit them in the admin.

    The first row is written by the migration `0001_recruitment` from the public texts of 2025–2026;
    nothing in the code repeats these figures."""

    label = models.CharField("intitulé", max_length=120, help_text="Par exemple « Règles 2026 ».")
    valid_from = models.DateField("en vigueur à partir du")
    valid_until = models.DateField("jusqu’au", null=True, blank=True, help_text="Vide : sans date de fin.")

    vta_min_duration_months = models.PositiveSmallIntegerField("VTA : durée minimale (mois)")
    vta_max_duration_months = models.PositiveSmallIntegerField("VTA : durée maximale (mois)")
    vta_min_working_time_percent = models.PositiveSmallIntegerField("VTA : temps de travail minimal (%)")
    vta_density_levels = ArrayField(
        models.PositiveSmallIntegerField(choices=DensityLevel.choices),
        verbose_name="VTA : niveaux de la grille de densité de l’Insee reconnus ruraux",
        help_text="Niveaux de 1 (grands centres urbains) à 7 (rural à habitat très dispersé), séparés par des "
        "virgules.",
    )
    vta_frr_levels = ArrayField(
        models.CharField(max_length=25, choices=FrrLevel.choices),
        verbose_name="VTA : classements France Ruralités Revitalisation reconnus",
        help_text="Codes séparés par des virgules : " + ", ".join(FrrLevel.values) + ".",
    )
    vta_epci_rural_share_percent = models.PositiveSmallIntegerField(
        "VTA : part minimale de communes rurales d’une intercommunalité (%)"
    )
    vta_state_aid_euros = models.PositiveIntegerField("VTA : aide de l’État par volontaire (€)")
    pvd_cofunding_percent = models.PositiveSmallIntegerField("PVD : part du coût du poste cofinancée (%)")
    pvd_cofunding_ceiling_euros = models.PositiveIntegerField("PVD : plafond annuel du cofinancement (€)")
    pvd_until = models.DateField("Petites villes de demain : fin du programme", null=True, blank=True)
    acv_until = models.DateField("Action cœur de ville : fin du programme", null=True, blank=True)
    publication_days = models.PositiveSmallIntegerField(
        "durée de publication d’une offre (jours)",
        help_text="Une offre publiée est ouverte aux candidatures ce nombre de jours, puis peut être prolongée.",
    )
    expiry_reminder_days = models.PositiveSmallIntegerField(
        "rappel avant la fin de publication (jours)",
        help_text="L’organisation reçoit un courriel ce nombre de jours avant la date limite de son offre.",
    )

    objects = EligibilityRulesQuerySet.as_manager()

    class Meta:
        verbose_name = "règles d’éligibilité"
        verbose_name_plural = "règles d’éligibilité"
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="eligibilityrules_period_ordered",
                violation_error_message="La fin de validité doit suivre son début.",
            ),
            models.CheckConstraint(
                condition=Q(vta_min_duration_months__gte=1)
                & Q(vta_min_duration_months__lte=models.F("vta_max_duration_months")),
                name="eligibilityrules_vta_durations_ordered",
                violation_error_message="La durée minimale d’un VTA doit être inférieure à sa durée maximale.",
            ),
            models.CheckConstraint(
                condition=Q(vta_min_working_time_percent__gte=1, vta_min_working_time_percent__lte=100)
                & Q(pvd_cofunding_percent__lte=100)
                & Q(vta_epci_rural_share_percent__lte=100),
                name="eligibilityrules_percents_valid",
                violation_error_message="Un pourcentage est compris entre 0 et 100.",
            ),
            models.CheckConstraint(
                condition=Q(vta_density_levels__contained_by=DensityLevel.values),
                name="eligibilityrules_density_levels_valid",
                violation_error_message="Les niveaux de densité vont de 1 à 7.",
            ),
            models.CheckConstraint(
                condition=Q(vta_frr_levels__contained_by=FrrLevel.values),
                name="eligibilityrules_frr_levels_valid",
                violation_error_message="Classement France Ruralités Revitalisation inconnu.",
            ),
            models.CheckConstraint(condition=Q(publication_days__gte=1), name="eligibilityrules_publication_days"),
            models.CheckConstraint(
                condition=Q(expiry_reminder_days__lt=models.F("publication_days")),
                name="eligibilityrules_reminder_before_end",
                violation_error_message="Le rappel doit tomber avant la fin de la publication.",
            ),
        ]

    def __str__(self) -> str:
        return self.label


def status_label(status: str) -> str:
    """A status as the collectivités' space and moderation word it: a returned offer is to be corrected, not refused."""
    if status == OfferStatus.REJECTED:
        return "Renvoyée pour correction"
    return OfferStatus(status).label


class PostingQuerySet(models.QuerySet["Posting"]):
    def moderated_by(self, user: AnyUser) -> PostingQuerySet:
        """What a staff member moderates: every local offer, or those of their départements. Others: none."""
        viewer = _active(user)
        if viewer is None or not viewer.is_staff:
            return self.none()
        scope = viewer.departement_scope()
        return self.all() if scope is None else self.filter(offer__departement__in=scope)

    def of_member(self, user: AnyUser) -> PostingQuerySet:
        """The offers of the organisations `user` belongs to."""
        viewer = _active(user)
        if viewer is None:
            return self.none()
        return self.filter(organisation__memberships__user=viewer)


class Posting(models.Model):
    """What a collectivité's own offer holds besides the `Offer`: its organisation and the fields of its form."""

    offer = models.OneToOneField(
        Offer, verbose_name="offre", on_delete=models.CASCADE, primary_key=True, related_name="posting"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="postings"
    )
    programme = models.CharField(
        "programme", max_length=20, choices=ChefDeProjetProgramme.choices, blank=True, help_text="Chef de projet."
    )
    cofunding = models.CharField("cofinancement", max_length=300, blank=True)
    missions = models.TextField("missions")
    profile = models.TextField("profil recherché", blank=True)
    application_handling = models.CharField(
        "réception des candidatures",
        max_length=10,
        choices=ApplicationHandling.choices,
        default=ApplicationHandling.PORTAL,
    )
    tutor_name = models.CharField("tuteur ou tutrice", max_length=200, blank=True)
    tutor_role = models.CharField("fonction du tuteur ou de la tutrice", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When it was last sent to moderation (the queue's age); the events keep the whole history.
    submitted_at = models.DateTimeField("envoyée en modération le", null=True, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = "offre d’une collectivité"
        verbose_name_plural = "offres des collectivités"
        constraints = [
            models.CheckConstraint(
                condition=Q(programme="") | Q(programme__in=ChefDeProjetProgramme.values),
                name="posting_programme_valid",
            ),
            models.CheckConstraint(
                condition=Q(application_handling__in=ApplicationHandling.values), name="posting_handling_valid"
            ),
        ]
        indexes = [models.Index(fields=["organisation"], name="posting_organisation")]

    def __str__(self) -> str:
        return str(self.offer)

    @property
    def status_label(self) -> str:
        return status_label(self.offer.status)

    @property
    def takes_applications(self) -> bool:
        """Whether candidates apply on the portal (and the offer is open)."""
        return self.application_handling == ApplicationHandling.PORTAL and self.offer.is_open()


class CvStorage(FileSystemStorage):
    """CVs are kept in `RECRUITMENT_CV_DIR` (read at each use), outside the static and media directories, with
    no URL (`url()` raises): only the members' view `application_cv` serves them."""

    @property
    def base_location(self) -> str:
        return str(settings.RECRUITMENT_CV_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> str | None:  # type: ignore[override]
        return None


def cv_storage() -> FileSystemStorage:
    return CvStorage()


def cv_path(instance: Application, filename: str) -> str:
    """A random name: never the candidate's file name."""
    return f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def of_member(self, user: AnyUser) -> ApplicationQuerySet:
        viewer = _active(user)
        if viewer is None:
            return self.none()
        return self.filter(posting__organisation__memberships__user=viewer)


class Application(models.Model):
    """A candidate's application to a local offer, with their CV (a checked PDF)."""

    posting = models.ForeignKey(Posting, verbose_name="offre", on_delete=models.CASCADE, related_name="applications")
    name = models.CharField("nom et prénom", max_length=200)
    email = models.EmailField("adresse électronique")
    message = models.TextField("message")
    cv = models.FileField("CV", storage=cv_storage, upload_to=cv_path, max_length=200)
    cv_size = models.PositiveIntegerField("taille du CV (octets)")
    keep_two_years = models.BooleanField("accord pour une conservation de 2 ans", default=False)
    status = models.CharField("suivi", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.NEW)
    created_at = models.DateTimeField("reçue le", default=timezone.now)
    status_changed_at = models.DateTimeField("suivi modifié le", null=True, blank=True)
    replied_at = models.DateTimeField("réponse envoyée le", null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "candidature"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"),
        ]
        indexes = [models.Index(fields=["posting", "-created_at"], name="application_posting_recent")]

    def __str__(self) -> str:
        return f"Candidature {self.pk} à « {self.posting} »"

    def delete_file(self) -> None:
        if self.cv.name:
            self.cv.storage.delete(self.cv.name)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self.delete_file()
        return super().delete(*args, **kwargs)

    @property
    def cv_filename(self) -> str:
        return f"CV-candidature-{self.pk}{Path(self.cv.name or '').suffix or '.pdf'}"
