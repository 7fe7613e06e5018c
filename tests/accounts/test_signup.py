"""Sign-up at /inscription/ with a confirmation link: same answer for every address, rate-limited, no login
before confirmation, the link signed, expiring and spent once (issue 12)."""

from __future__ import annotations

import logging

import pytest
from django.core import mail, signing
from django.test import Client

from partnership.accounts import ratelimit, tokens
from partnership.accounts.models import User
from partnership.notifications.enums import Purpose
from tests.accounts.support import deliveries, last_link
from tests.factories import UserFactory
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe solide"  # noqa: S105
FORM = {"first_name": "Inès", "last_name": "Durand", "email": "Ines.Durand@Mairie-Egletons.fr", "password": PASSWORD}


def sign_up(client: Client, capture, **changes: str):
    with sending_on_commit(capture):
        return client.post("/inscription/", FORM | changes)


def test_the_form_is_french_and_dsfr(client):
    html = client.get("/inscription/").content.decode()

    assert "<h1>Créer un compte</h1>" in html
    assert 'autocomplete="new-password"' in html and 'autocomplete="email"' in html
    assert "Espace collectivités et partenaires" in html
    assert "aucun compte n’est nécessaire" in html


def test_a_new_address_gets_an_unconfirmed_account_and_a_link(client, django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == "/inscription/courriel-envoye/"
    user = User.objects.get()
    assert user.email == "ines.durand@mairie-egletons.fr" and user.email_confirmed_at is None
    assert user.first_name == "Inès" and user.check_password(PASSWORD)
    assert [d.recipient_email for d in deliveries(Purpose.ACCOUNT_CONFIRMATION)] == [user.email]
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "[Talents des territoires] Confirmez votre adresse"
    assert "signup" in [r.getMessage() for r in caplog.records if r.name == "security"]
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_an_unconfirmed_account_cannot_log_in(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)

    response = client.post("/connexion/", {"username": FORM["email"], "password": PASSWORD})

    assert response.status_code == 200
    assert "Confirmez d’abord votre adresse" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_the_link_and_the_password_confirm_and_log_in(client, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    link = last_link("ines.durand@mairie-egletons.fr", containing="/inscription/confirmer/")

    page = client.get(link)
    assert page.status_code == 200 and "ines.durand@mairie-egletons.fr" in page.content.decode()
    assert User.objects.get().email_confirmed_at is None  # opening the link (a mail scanner) confirms nothing

    wrong = client.post(link, {"password": "pas le bon"})
    assert wrong.status_code == 200 and "Ce n’est pas le mot de passe choisi" in wrong.content.decode()
    assert User.objects.get().email_confirmed_at is None

    response = client.post(link, {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/espace-collectivite/rejoindre/"
    user = User.objects.get()
    assert user.email_confirmed_at is not None
    assert client.get("/").wsgi_request.user == user

    client.logout()
    again = client.get(link)  # spent
    assert again.status_code == 404 and "a déjà servi" in again.content.decode()
    assert client.post("/connexion/", {"username": user.email, "password": PASSWORD}).status_code == 302


def test_an_existing_address_gets_the_same_answer_and_an_e_mail_saying_so(client, django_capture_on_commit_callbacks):
    existing = User.objects.create_user("ines.durand@mairie-egletons.fr", "son ancien mot de passe")
    new_address = sign_up(client, django_capture_on_commit_callbacks, email="autre@mairie-egletons.fr")

    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == new_address.status_code == 302
    assert response["Location"] == new_address["Location"]
    existing.refresh_from_db()
    assert existing.check_password("son ancien mot de passe") and existing.first_name == ""
    assert [d.recipient_email for d in deliveries(Purpose.ACCOUNT_EXISTS)] == [existing.email]
    assert "/mot-de-passe-oublie/" in mail.outbox[-1].body
    assert User.objects.count() == 2


def test_signing_up_again_replaces_an_unconfirmed_password_and_stales_the_old_link(
    client, django_capture_on_commit_callbacks
):
    # A stranger signs up with someone's address first: the owner's own sign-up takes the account over.
    sign_up(client, django_capture_on_commit_callbacks, password="le mot de passe de l’intrus")
    old_link = last_link("ines.durand@mairie-egletons.fr", containing="/inscription/confirmer/")
    sign_up(client, django_capture_on_commit_callbacks)
    new_link = last_link("ines.durand@mairie-egletons.fr", containing="/inscription/confirmer/")

    assert client.get(old_link).status_code == 404
    assert client.post(old_link, {"password": "le mot de passe de l’intrus"}).status_code == 404
    assert client.post(new_link, {"password": "le mot de passe de l’intrus"}).status_code == 200  # refused
    assert User.objects.get().email_confirmed_at is None
    assert client.post(new_link, {"password": PASSWORD}).status_code == 302


def test_a_tampered_or_expired_link_is_refused(client, django_capture_on_commit_callbacks, monkeypatch):
    sign_up(client, django_capture_on_commit_callbacks)
    link = last_link("ines.durand@mairie-egletons.fr", containing="/inscription/confirmer/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    tampered = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    response = client.get(tampered)
    assert response.status_code == 404 and "a été modifié" in response.content.decode()

    monkeypatch.setattr(tokens, "CONFIRMATION_MAX_AGE", -1)
    response = client.post(link, {"password": PASSWORD})
    assert response.status_code == 404 and "expiré" in response.content.decode()
    assert User.objects.get().email_confirmed_at is None


def test_a_link_for_another_purpose_is_refused(client):
    user = UserFactory(email_confirmed_at=None)
    forged = signing.dumps({"i": user.pk}, salt="partnership.accounts.invitation")

    assert client.get(f"/inscription/confirmer/{forged}/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"email": "pas-une-adresse"}, "Indiquez une adresse électronique valide"),
        ({"first_name": ""}, "Indiquez votre prénom."),
        ({"password": "court"}, "Ce mot de passe est trop court"),
        ({"password": "ines.durand"}, "Ce mot de passe est trop court"),
        ({"password": "123456789012345"}, "Ce mot de passe est entièrement numérique"),
    ],
)
def test_bad_input_is_a_french_error_and_keeps_what_was_typed(client, changes, error):
    response = client.post("/inscription/", FORM | changes)

    html = response.content.decode()
    assert response.status_code == 200 and error in html
    assert 'value="Inès"' in html or changes.get("first_name") == ""
    assert 'value="Durand"' in html
    assert User.objects.count() == 0 and mail.outbox == []


def test_sign_up_requests_count_on_the_ip_and_the_address(client, django_capture_on_commit_callbacks):
    for _ in range(ratelimit.MAX_EMAILS_PER_ADDRESS + 2):
        assert sign_up(client, django_capture_on_commit_callbacks).status_code == 302
    # The same answer, but no more e-mails to that address in this window.
    assert len(deliveries(Purpose.ACCOUNT_CONFIRMATION)) == ratelimit.MAX_EMAILS_PER_ADDRESS

    for number in range(ratelimit.MAX_FAILURES_PER_IP - ratelimit.MAX_EMAILS_PER_ADDRESS - 2):
        sign_up(client, django_capture_on_commit_callbacks, email=f"personne{number}@example.org")
    response = client.post("/inscription/", FORM | {"email": "encore@example.org"})

    assert response.status_code == 429 and "Retry-After" in response
    assert not User.objects.filter(email="encore@example.org").exists()
    # …and the IP's logins are refused as well: one limiter.
    assert client.post("/connexion/", {"username": "x@example.org", "password": "y"}).status_code == 429


def test_logged_in_people_are_sent_to_their_organisation(client):
    client.force_login(UserFactory())

    assert client.get("/inscription/")["Location"] == "/espace-collectivite/rejoindre/"


def test_without_redis_sign_up_is_refused_with_a_clear_503(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = client.post("/inscription/", FORM)

    assert response.status_code == 503 and "momentanément impossible" in response.content.decode()
    assert not User.objects.exists()


def test_wrong_passwords_on_the_confirmation_page_lock_the_address(client, django_capture_on_commit_callbacks, caplog):
    sign_up(client, django_capture_on_commit_callbacks)
    link = last_link("ines.durand@mairie-egletons.fr", containing="/inscription/confirmer/")

    with caplog.at_level(logging.INFO, logger="security"):
        for _ in range(ratelimit.MAX_FAILURES_PER_EMAIL):
            client.post(link, {"password": "pas le bon"})
        locked = client.post(link, {"password": PASSWORD})

    assert locked.status_code == 429
    assert User.objects.get().email_confirmed_at is None
    events = [r.getMessage() for r in caplog.records if r.name == "security"]
    assert "login_locked" in events and "login_rate_limited" in events
    # The same address's logins are locked too: one limiter.
    assert client.post("/connexion/", {"username": FORM["email"], "password": PASSWORD}).status_code == 429
