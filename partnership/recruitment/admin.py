from django.contrib import admin

from partnership.recruitment.models import EligibilityRules


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
