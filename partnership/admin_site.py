"""The Django admin, in French, whose login is the site's own (`/connexion/`, under the one limiter)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse


class PartnershipAdminSite(admin.AdminSite):
    site_header = "Administration de Talents des territoires"
    site_title = "Administration – Talents des territoires"
    index_title = "Administration"

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from partnership.accounts.views import admin_login

        return admin_login(request, extra_context)


# Registered by installed apps, but not ours to edit: django-dsfr's site configuration (the portal
# sets its header, footer and notices in its own templates, decision 5).
HIDDEN_MODELS = ("dsfr.DsfrConfig",)


class PartnershipAdminConfig(AdminConfig):
    """`django.contrib.admin` with the site above, without the models of HIDDEN_MODELS."""

    default_site = "partnership.admin_site.PartnershipAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin module
        from django.apps import apps

        for label in HIDDEN_MODELS:
            model = apps.get_model(label)
            if admin.site.is_registered(model):
                admin.site.unregister(model)
