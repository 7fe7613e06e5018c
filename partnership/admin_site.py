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


class PartnershipAdminConfig(AdminConfig):
    """`django.contrib.admin` with the site above."""

    default_site = "partnership.admin_site.PartnershipAdminSite"
