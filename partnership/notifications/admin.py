"""The latest e-mails, for staff (`/admin/notifications/delivery/`): read-only, as the worker recorded them.

With `make run` (console backend) the worker prints each message; this page lists them too, with
their status, and shows each one's text and HTML source. Seen by superusers and by staff given the
« Can view courriel envoyé » permission (the rows hold recipients' addresses).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from partnership.notifications.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "purpose", "key", "recipient_email", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "purpose")
    search_fields = ("key", "subject", "recipient_email")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("purpose", "key", "status", "recipient_email", "subject")}),
        ("Envoi", {"fields": ("attempts", "last_error", "created_at", "next_attempt_at", "claimed_at", "sent_at")}),
        ("Contenu", {"fields": ("headers", "body_text", "body_html", "attachment_names")}),
        ("Données personnelles", {"fields": ("erased_at",)}),
    )
    readonly_fields = (
        "purpose",
        "key",
        "status",
        "recipient_email",
        "subject",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "headers",
        "body_text",
        "body_html",
        "attachment_names",
        "erased_at",
    )

    @admin.display(description="pièces jointes")
    def attachment_names(self, obj: Delivery) -> str:
        return ", ".join(item["filename"] for item in obj.attachments) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A row is what keeps its message from being sent twice: it is never deleted by hand.
        return False
