"""E-mail alerts on a search: an address (no account), its alerts, and the offers each alert has sent.

An alert is a search (its normalised parameters, `offers.filters.OfferFilterSet`'s) sent daily or
weekly once its address confirmed it (double opt-in). `SentOffer` makes « never the same offer twice
to an alert » a unique constraint; the delivery record of `partnership.notifications` (purpose
`search-alert`, key `<alert id>:<period>`) makes « one e-mail per alert and period » another.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from partnership.alerts.enums import Frequency


class Subscriber(models.Model):
    """An e-mail address that asked for alerts: deleted with its last alert (`purge_personal_data`)."""

    email = models.EmailField("adresse électronique", unique=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "abonné aux alertes"
        verbose_name_plural = "abonnés aux alertes"
        constraints = [
            # Stored as `canonical_email` writes it (lower case): one row per address.
            models.CheckConstraint(condition=Q(email=Lower("email")), name="subscriber_email_lower"),
        ]

    def __str__(self) -> str:
        return f"Abonné {self.pk}"


class AlertQuerySet(models.QuerySet["Alert"]):
    def confirmed(self) -> AlertQuerySet:
        return self.filter(confirmed_at__isnull=False)


class Alert(models.Model):
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    # The search's parameters, normalised (`offers.views.search.normalised_params`), URL-encoded.
    query = models.CharField("recherche", max_length=2000, blank=True)
    # The search in words, as the confirmation and every e-mail restate it.
    description = models.CharField("description", max_length=500)
    frequency = models.CharField("fréquence", max_length=10, choices=Frequency.choices)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    confirmed_at = models.DateTimeField("confirmée le", null=True, blank=True)
    # Offers published after this moment are new to the alert (the confirmation, then each send).
    last_sent_at = models.DateTimeField("dernier envoi", null=True, blank=True)
    # Confirmation e-mails sent (each is its own delivery: « send it again » sends one more).
    confirmation_requests = models.PositiveSmallIntegerField(default=0)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = "alerte"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="alert_frequency_valid"),
            models.UniqueConstraint(fields=["subscriber", "query", "frequency"], name="alert_once_per_search"),
        ]
        indexes = [
            models.Index(fields=["frequency"], condition=Q(confirmed_at__isnull=False), name="alert_confirmed"),
            models.Index(fields=["created_at"], condition=Q(confirmed_at__isnull=True), name="alert_unconfirmed"),
        ]

    def __str__(self) -> str:
        return self.description


class SentOffer(models.Model):
    """An offer an alert has sent: never again to that alert."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="sent_offers")
    offer = models.ForeignKey("offers.Offer", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "offer"], name="sentoffer_once_per_alert")]

    def __str__(self) -> str:
        return f"Offre {self.offer_id} envoyée par l’alerte {self.alert_id}"
