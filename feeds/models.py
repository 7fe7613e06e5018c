"""Outside feeds of offers, their runs and the records they set aside."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from feeds.enums import FINISHED_STATUSES, FeedFormat, RunStatus, RunTrigger
from offers.enums import OfferKind

# Offer sources that are not feeds: a feed may not take their slug (`Offer.source` is the feed's slug).
RESERVED_SLUGS = frozenset({"local", "demo"})


def validate_feed_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            "« %(value)s » est réservé aux offres qui ne viennent pas d’un flux.", params={"value": value}
        )


class Feed(models.Model):
    """An outside source of offers, synchronised on a schedule.

    Offers of the feed have `Offer.source == feed.slug` and `Offer.external_id` = the record's id at
    the source. Credentials are never stored: `credentials_env` names the prefix of the environment
    variables that hold them (see docs/feeds.md).
    """

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", max_length=60, unique=True, validators=[validate_feed_slug])
    format = models.CharField("format", max_length=20, choices=FeedFormat.choices)
    location = models.CharField(
        "adresse",
        max_length=500,
        help_text="URL en http ou https d’un hôte autorisé par la configuration du serveur, ou chemin d’un "
        "fichier du dossier des flux du serveur, relatif à ce dossier (par exemple partenaires/offres.xml).",
    )
    default_kind = models.CharField("type d’offre par défaut", max_length=20, choices=OfferKind.choices)
    interval_minutes = models.PositiveIntegerField(
        "fréquence (minutes)", default=60, validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)]
    )
    enabled = models.BooleanField("actif", default=True)
    withdrawal_threshold = models.PositiveSmallIntegerField(
        "seuil de retrait (%)",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Au-delà de cette part des offres publiées du flux à retirer, rien n’est retiré et la "
        "synchronisation est signalée comme suspecte.",
    )
    credentials_env = models.CharField(
        "nom des identifiants",
        max_length=60,
        blank=True,
        help_text="Vide pour un flux public. Les identifiants eux-mêmes ne sont jamais saisis ici : l’équipe "
        "technique les range dans la configuration du serveur, sous un nom qu’elle vous indique.",
    )
    max_megabytes = models.PositiveIntegerField(
        "taille maximale (Mo)", default=32, validators=[MinValueValidator(1), MaxValueValidator(2048)]
    )
    max_records = models.PositiveIntegerField(
        "nombre maximal d’offres", default=100_000, validators=[MinValueValidator(1), MaxValueValidator(1_000_000)]
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "flux"
        verbose_name_plural = "flux"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(format__in=FeedFormat.values), name="feed_format_valid"),
            models.CheckConstraint(condition=Q(default_kind__in=OfferKind.values), name="feed_default_kind_valid"),
            models.CheckConstraint(
                condition=Q(withdrawal_threshold__gte=1, withdrawal_threshold__lte=100),
                name="feed_withdrawal_threshold_valid",
            ),
            models.CheckConstraint(condition=~Q(slug__in=sorted(RESERVED_SLUGS)), name="feed_slug_not_reserved"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("feeds:detail", kwargs={"slug": self.slug})

    @property
    def max_bytes(self) -> int:
        return self.max_megabytes * 1024 * 1024

    @property
    def is_remote(self) -> bool:
        return self.location.startswith(("http://", "https://"))


UNFINISHED = ~Q(status__in=FINISHED_STATUSES)


class FeedRunQuerySet(models.QuerySet["FeedRun"]):
    def unfinished(self) -> FeedRunQuerySet:
        return self.filter(UNFINISHED)

    def lost(self, now: dt.datetime) -> FeedRunQuerySet:
        """Runs « en cours » whose process has not given a sign of life for FEEDS_RUN_LOST_AFTER seconds."""
        cutoff = now - dt.timedelta(seconds=settings.FEEDS_RUN_LOST_AFTER)
        return self.filter(status=RunStatus.RUNNING).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        )


class FeedRun(models.Model):
    """One synchronisation of a feed, and its report."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="runs", verbose_name="flux")
    status = models.CharField("statut", max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    trigger = models.CharField("déclenchement", max_length=10, choices=RunTrigger.choices)
    dry_run = models.BooleanField("essai à blanc", default=False)
    task_id = models.CharField("tâche Celery", max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandée par",
    )
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    # The process carrying the run (host:pid) and its last sign of life, written every
    # FEEDS_RUN_HEARTBEAT_SECONDS while it runs: a run whose process died is seen within minutes.
    worker = models.CharField("processus", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)

    queued_at = models.DateTimeField("demandée le", auto_now_add=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)

    records = models.PositiveIntegerField("enregistrements lus", default=0)
    created = models.PositiveIntegerField("créées", default=0)
    updated = models.PositiveIntegerField("modifiées", default=0)
    unchanged = models.PositiveIntegerField("inchangées", default=0)
    withdrawn = models.PositiveIntegerField("retirées", default=0)
    rejected = models.PositiveIntegerField("écartées", default=0)
    duplicates = models.PositiveIntegerField("doublons", default=0)
    # Offers the run would have withdrawn when the guard stopped it.
    withheld_withdrawals = models.PositiveIntegerField("retraits suspendus", default=0)

    error = models.TextField("erreur", blank=True)
    suspicious_reason = models.TextField("motif de suspicion", blank=True)

    objects = FeedRunQuerySet.as_manager()
    # Seconds from the start of `feeds.sync.run_feed` to the end of each phase (set by it; not stored).
    timings: dict[str, float]

    class Meta:
        verbose_name = "synchronisation"
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["feed", "-queued_at"], name="feedrun_feed_recent")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="feedrun_status_valid"),
            models.CheckConstraint(condition=Q(trigger__in=RunTrigger.values), name="feedrun_trigger_valid"),
            # At most one run of a feed waiting or going on: two clicks, the dispatcher and the command
            # cannot queue a second one, whatever their timing.
            models.UniqueConstraint(fields=["feed"], condition=UNFINISHED, name="feedrun_one_unfinished_per_feed"),
        ]

    def __str__(self) -> str:
        return f"{self.feed} – {self.queued_at:%d/%m/%Y %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class RejectedRecord(models.Model):
    """A record of a feed that could not become an offer: why, and the record as received."""

    run = models.ForeignKey(
        FeedRun, on_delete=models.CASCADE, related_name="rejected_records", verbose_name="synchronisation"
    )
    external_id = models.CharField("identifiant à la source", max_length=200, blank=True)
    reason = models.TextField("motif")
    raw = models.TextField("enregistrement reçu")

    class Meta:
        verbose_name = "enregistrement écarté"
        verbose_name_plural = "enregistrements écartés"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.external_id or '?'} : {self.reason}"
