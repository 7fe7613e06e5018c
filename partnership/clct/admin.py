"""Committees (their préfecture contact and secretariat) and delegates' settings, for staff in /admin/.
Meetings, answers and actions are managed in the CLCT space (/clct/), which records every change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import HttpRequest

from partnership.clct.models import Committee, DelegateSettings
from territories.codes import is_departement_code


class CommitteeForm(forms.ModelForm):
    class Meta:
        model = Committee
        fields = (
            "prefecture_contact_name",
            "prefecture_contact_email",
            "prefecture_contact_phone",
            "secretariat",
            "secretariat_email",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["prefecture_contact_name"]
        field.required = True
        field.error_messages["required"] = "Indiquez le contact du comité à la préfecture."


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    form = CommitteeForm
    list_display = ("departement", "prefecture_contact_name", "secretariat")
    search_fields = ("departement__name", "departement__code")
    readonly_fields = ("departement",)
    fields = (
        "departement",
        "prefecture_contact_name",
        "prefecture_contact_email",
        "prefecture_contact_phone",
        "secretariat",
        "secretariat_email",
    )

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Committee | None:
        """A committee's key is its département's code: anything else (a NUL byte, 10,000 characters)
        is no committee, answered as the admin answers a missing one, before any query."""
        if from_field is None and not is_departement_code(unquote(object_id)):
            return None
        return super().get_object(request, object_id, from_field)

    def has_add_permission(self, request: object) -> bool:
        return False  # one per département, created by import_territories

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(DelegateSettings)
class DelegateSettingsAdmin(admin.ModelAdmin):
    """Read-only: each delegate changes their own settings in the CLCT space (or unsubscribes by the e-mail's link)."""

    list_display = ("delegate", "digest_subscribed", "digest_when_empty", "unsubscribed_at")
    fields = ("delegate", "digest_subscribed", "digest_when_empty", "unsubscribed_at")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
