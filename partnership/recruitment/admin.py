from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from partnership.recruitment.exports import export_zip
from partnership.recruitment.models import Application, EligibilityRules, Posting


@admin.register(EligibilityRules)
class EligibilityRulesAdmin(admin.ModelAdmin):
    """Staff edit the parameters of the eligibility rules here (one row per period)."""

    list_display = ("label", "valid_from", "valid_until")
    fieldsets = (
        (None, {"fields": ("label", "valid_from", "valid_until")}),
        (
            "Volontariat territorial en administration (VTA)",
            {
                "fields": (
                    "vta_min_duration_months",
                    "vta_max_duration_months",
                    "vta_min_working_time_percent",
                    "vta_density_levels",
                    "vta_frr_levels",
                    "vta_epci_rural_share_percent",
                    "vta_state_aid_euros",
                )
            },
        ),
        (
            "Chefs de projet",
            {"fields": ("pvd_cofunding_percent", "pvd_cofunding_ceiling_euros", "pvd_until", "acv_until")},
        ),
        ("Publication", {"fields": ("publication_days", "expiry_reminder_days")}),
    )


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    """Read-only: offers change through the collectivités' space and moderation (offers.lifecycle)."""

    list_display = ("offer", "organisation", "programme", "submitted_at")
    list_filter = ("programme", "offer__kind", "offer__status")
    search_fields = ("offer__title", "organisation__name")
    list_select_related = ("offer", "organisation")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Posting]:
        return super().get_queryset(request).filter(pk__in=Posting.objects.moderated_by(request.user).values("pk"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """A candidate's request to see or erase their application: « Exporter » (a ZIP of the application and its
    CV) and deletion (the CV file with it)."""

    list_display = ("pk", "posting", "status", "created_at", "keep_two_years")
    list_filter = ("status", "keep_two_years")
    search_fields = ("email",)
    list_select_related = ("posting__offer",)
    readonly_fields = (
        "posting",
        "name",
        "email",
        "message",
        "cv_size",
        "keep_two_years",
        "status",
        "created_at",
        "status_changed_at",
        "replied_at",
    )
    exclude = ("cv",)
    actions = ["export", "delete_with_files"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Application]:
        visible = Posting.objects.moderated_by(request.user).values("pk")
        return super().get_queryset(request).filter(posting__in=visible)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # ours deletes the CV files too
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Application) -> None:
        obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        for application in queryset:
            application.delete()

    @admin.action(description="Supprimer les candidatures choisies et leurs CV", permissions=["delete"])
    def delete_with_files(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        count = 0
        for application in queryset:
            application.delete()
            count += 1
        self.message_user(request, f"{count} candidature(s) supprimée(s), avec leur CV.")

    @admin.action(description="Exporter les candidatures choisies (ZIP : données et CV)", permissions=["view"])
    def export(self, request: HttpRequest, queryset: QuerySet[Application]) -> HttpResponse:
        return HttpResponse(
            export_zip(queryset.select_related("posting__offer", "posting__organisation")),
            content_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="candidatures.zip"'},
        )
