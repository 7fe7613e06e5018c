"""CSRF failures and 405 answers get the French DSFR page; every response carries Permissions-Policy."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from partnership.accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_form_without_its_csrf_token_gets_the_french_page(caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_user("agent@example.org", "un mot de passe solide"))
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post("/deconnexion/")

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="fr"' in html and "fr-header" in html
    assert "<h1>Formulaire expiré</h1>" in html and "Rien n’a été enregistré." in html
    assert "CSRF" not in html and "style=" not in html  # Django's page: English, with an inline style
    assert "csrf_failure" in [record.getMessage() for record in caplog.records]
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("post", "/offres/", "GET"),
        ("put", "/territoires/", "GET"),
        ("delete", "/", "GET"),
    ],
)
def test_a_method_the_page_does_not_take_gets_the_french_405(client, method, path, allow):
    response = getattr(client, method)(path)

    html = response.content.decode()
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert '<html lang="fr"' in html and "<h1>Action impossible sur cette page</h1>" in html
    assert "Content-Security-Policy" in response


def test_every_response_turns_off_the_browser_features_no_page_uses(client):
    for path in ("/", "/page-inconnue/", "/robots.txt", "/offres/flux.rss"):
        policy = client.get(path)["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy
