"""Delivery records: one row per message, written before the message is sent (see services.py)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.notifications.enums import UNFINISHED_STATUSES, DeliveryStatus, Purpose

# What a key may hold: ids, slugs, ISO weeks, joined by ':' (never an address: no '@', no space).
KEY_PATTERN = r"^[A-Za-z0-9._:-]+$"


class Delivery(models.Model):
    """One e-mail to one recipient, unique by (purpose, key): whoever records it again, or runs its task
    again, sends nothing more. The rendered message is kept with it, so a retry sends the same thing."""

    purpose = models.CharField("type d’envoi", max_length=40, choices=Purpose.choices)
    key = models.CharField("clé", max_length=200)
    status = models.CharField("statut", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    recipient_email = models.EmailField("destinataire", blank=True)
    subject = models.CharField("objet", max_length=300, blank=True)
    body_text = models.TextField("texte", blank=True)
    body_html = models.TextField("HTML", blank=True)
    # Extra headers (List-Unsubscribe…), and attachments as [{"filename", "mimetype", "content_base64"}].
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)
    created_at = models.DateTimeField("enregistré le", default=timezone.now)
    next_attempt_at = models.DateTimeField("prochain essai", null=True, blank=True)
    claimed_at = models.DateTimeField("dernier essai commencé le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    # When purge_personal_data erased the recipient and the content (the row stays: it keeps the key).
    erased_at = models.DateTimeField("données effacées le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel envoyé"
        verbose_name_plural = "courriels envoyés"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "key"], name="delivery_once_per_purpose_and_key"),
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="delivery_purpose_valid"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"),
            models.CheckConstraint(condition=Q(key__regex=KEY_PATTERN), name="delivery_key_valid"),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=DeliveryStatus.SENT) & Q(sent_at__isnull=True)),
                name="delivery_sent_at_iff_sent",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENDING) | Q(claimed_at__isnull=False),
                name="delivery_sending_is_claimed",
            ),
        ]
        indexes = [
            models.Index(fields=["-created_at"], name="delivery_recent"),
            # The sweeper's scan (tasks.sweep_deliveries) stays small however many rows were sent.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=UNFINISHED_STATUSES),
                name="delivery_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.key}"
