from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from feeds.models import Feed, FeedRun, RejectedRecord
from feeds.validators import validate_feed_location


class FeedAdminForm(forms.ModelForm):
    class Meta:
        model = Feed
        fields = (
            "name",
            "slug",
            "format",
            "location",
            "default_kind",
            "interval_minutes",
            "enabled",
            "withdrawal_threshold",
            "credentials_env",
            "max_megabytes",
            "max_records",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        location = self.fields["location"]
        location.help_text = f"{location.help_text} Dossier des flux de ce serveur : {settings.FEEDS_FILES_DIR}"

    def clean_location(self) -> str:
        location = self.cleaned_data["location"].strip()
        validate_feed_location(location)
        return location


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the sync engine only: staff read them (and may delete old reports)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    form = FeedAdminForm
    list_display = ("name", "slug", "format", "default_kind", "enabled", "interval_minutes", "updated_at")
    list_filter = ("enabled", "format", "default_kind")
    search_fields = ("name", "slug", "location")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at", "updated_at")


@admin.register(FeedRun)
class FeedRunAdmin(ReadOnlyAdmin):
    list_display = (
        "feed",
        "status",
        "trigger",
        "dry_run",
        "queued_at",
        "finished_at",
        "created",
        "updated",
        "withdrawn",
        "rejected",
    )
    list_filter = ("status", "trigger", "dry_run", "feed")
    list_select_related = ("feed",)
    search_fields = ("feed__name", "feed__slug", "task_id")
    date_hierarchy = "queued_at"
    raw_id_fields = ("requested_by",)


@admin.register(RejectedRecord)
class RejectedRecordAdmin(ReadOnlyAdmin):
    list_display = ("external_id", "reason", "run")
    list_filter = ("run__feed",)
    list_select_related = ("run__feed",)
    search_fields = ("external_id", "reason")
    raw_id_fields = ("run",)
