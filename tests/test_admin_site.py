"""The admin is in French for staff: French field labels, help texts without configuration names,
and only the portal's own sections (not django-dsfr's site configuration)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from tests.personas import client_as

# A field whose label is its Python name (no verbose_name) is fine when that name is French.
FRENCH_NAMES = {"commune", "format", "message", "missions", "organisation", "programme"}
# An environment variable's name: FEEDS_ALLOWED_HOSTS, FRANCE_TRAVAIL_CLIENT_ID…
ENV_NAME = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")


def project_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path
        for model in config.get_models()
    ]


def labelled_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.get_fields() if isinstance(field, models.Field) and not field.auto_created]


@pytest.mark.django_db
@pytest.mark.ignore_template_errors  # the admin's own templates
def test_the_admin_index_lists_the_portal_only(superuser):
    html = client_as(superuser).get(reverse("admin:index")).content.decode()

    assert "/admin/feeds/feed/" in html and "/admin/accounts/organisation/" in html
    assert "/admin/dsfr/" not in html
    assert "dsfr" not in html.lower().replace("/static/dsfr/", "")
    with pytest.raises(NoReverseMatch):
        reverse("admin:dsfr_dsfrconfig_changelist")
    assert client_as(superuser).get("/admin/dsfr/dsfrconfig/").status_code == 404


def test_every_field_the_admin_shows_has_a_french_label():
    english = [
        f"{model._meta.label}.{field.name}"
        for model in admin.site._registry
        if model in project_models()
        for field in labelled_fields(model)
        if str(field.verbose_name) == field.name.replace("_", " ") and field.name not in FRENCH_NAMES
    ]
    assert english == []


def test_creation_and_change_dates_have_french_labels_everywhere():
    labels = {
        f"{model._meta.label}.{field.name}": str(field.verbose_name)
        for model in project_models()
        for field in labelled_fields(model)
        if field.name in ("created_at", "updated_at")
    }
    assert labels["feeds.Feed.created_at"] == "créé le"
    assert labels["offers.Offer.updated_at"] == "modifiée le"
    assert [name for name, label in labels.items() if not label.endswith(" le")] == []


@pytest.mark.django_db
def test_no_help_text_names_a_configuration_variable(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    help_texts = {
        f"{model._meta.label}.{field.name}": str(field.help_text)
        for model in project_models()
        for field in labelled_fields(model)
        if field.help_text
    }
    for model, model_admin in admin.site._registry.items():
        for name, field in model_admin.get_form(request)().fields.items():
            if field.help_text:
                help_texts[f"admin {model._meta.label}.{name}"] = str(field.help_text)

    assert help_texts["feeds.Feed.location"]  # the check sees the feeds' help texts
    assert {name: text for name, text in help_texts.items() if ENV_NAME.search(text)} == {}
