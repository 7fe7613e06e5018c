"""Password reset at /mot-de-passe-oublie/ (same answer, the one login limiter, unlocks a locked account),
password change, and the logout page (issue 12; the deferred unlock of issue 10)."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from partnership.accounts import ratelimit
from partnership.accounts.models import User
from partnership.notifications.enums import Purpose
from tests.accounts.support import deliveries, last_link
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe solide"  # noqa: S105
NEW_PASSWORD = "un tout nouveau secret"  # noqa: S105
RESET = "/mot-de-passe-oublie/"


@pytest.fixture
def agent() -> User:
    return User.objects.create_user("agent@example.org", PASSWORD, first_name="Agnès")


def ask_reset(client, capture, email: str):
    with sending_on_commit(capture):
        return client.post(RESET, {"email": email})


def test_the_answer_is_the_same_whether_the_account_exists_or_not(client, agent, django_capture_on_commit_callbacks):
    known = ask_reset(client, django_capture_on_commit_callbacks, "Agent@Example.org")
    unknown = ask_reset(client, django_capture_on_commit_callbacks, "personne@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/mot-de-passe-oublie/courriel-envoye/"
    assert [d.recipient_email for d in deliveries(Purpose.PASSWORD_RESET)] == ["agent@example.org"]
    assert [message.to for message in mail.outbox] == [["agent@example.org"]]
    assert "Si un compte existe avec cette adresse" in client.get(known["Location"]).content.decode()


def test_the_link_sets_a_new_password_once(client, agent, django_capture_on_commit_callbacks, caplog):
    ask_reset(client, django_capture_on_commit_callbacks, agent.email)
    link = last_link(agent.email, containing=RESET)

    form_page = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]

    mismatch = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": "autre chose"})
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.content.decode()
    short = client.post(set_password_url, {"new_password1": "court", "new_password2": "court"})
    assert "Ce mot de passe est trop court" in short.content.decode()

    with caplog.at_level(logging.INFO, logger="security"):
        done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/mot-de-passe-oublie/termine/"
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert "password_reset" in [r.getMessage() for r in caplog.records if r.name == "security"]

    again = client.get(link, follow=True)  # spent: the password it was made for changed
    assert "Ce lien n’est pas valable" in again.content.decode()


def test_a_tampered_link_is_refused(client, agent, django_capture_on_commit_callbacks):
    ask_reset(client, django_capture_on_commit_callbacks, agent.email)
    link = last_link(agent.email, containing=RESET)

    page = client.get(link[:-3] + "xx/", follow=True)

    assert "Ce lien n’est pas valable" in page.content.decode()


def test_a_reset_unlocks_an_account_locked_by_the_limiter(client, agent, django_capture_on_commit_callbacks):
    for _ in range(ratelimit.MAX_FAILURES_PER_EMAIL):
        client.post("/connexion/", {"username": agent.email, "password": "mauvais"})
    assert client.post("/connexion/", {"username": agent.email, "password": PASSWORD}).status_code == 429

    ask_reset(client, django_capture_on_commit_callbacks, agent.email)  # a locked address may still ask
    link = last_link(agent.email, containing=RESET)
    set_password_url = client.get(link)["Location"]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.post("/connexion/", {"username": agent.email, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_reset_requests_and_failed_logins_share_the_ip_limit(client, agent, django_capture_on_commit_callbacks):
    for number in range(ratelimit.MAX_FAILURES_PER_IP - 1):
        client.post("/connexion/", {"username": f"personne{number}@example.org", "password": "mauvais"})
    assert ask_reset(client, django_capture_on_commit_callbacks, agent.email).status_code == 302  # the 20th

    refused = client.post(RESET, {"email": agent.email})
    assert refused.status_code == 429 and "Retry-After" in refused
    assert client.post("/connexion/", {"username": agent.email, "password": PASSWORD}).status_code == 429
    assert len(deliveries(Purpose.PASSWORD_RESET)) == 1


def test_an_address_gets_at_most_a_few_reset_e_mails(client, agent, django_capture_on_commit_callbacks):
    for _ in range(ratelimit.MAX_EMAILS_PER_ADDRESS + 2):
        assert ask_reset(client, django_capture_on_commit_callbacks, agent.email).status_code == 302

    assert len(deliveries(Purpose.PASSWORD_RESET)) == ratelimit.MAX_EMAILS_PER_ADDRESS


def test_a_reset_confirms_an_address_never_confirmed(client, django_capture_on_commit_callbacks):
    pending = User.objects.create_user("nouvelle@example.org", PASSWORD, email_confirmed_at=None)
    ask_reset(client, django_capture_on_commit_callbacks, pending.email)
    set_password_url = client.get(last_link(pending.email, containing=RESET))["Location"]

    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    pending.refresh_from_db()
    assert pending.email_confirmed_at is not None


def test_bad_input_is_a_french_error(client):
    html = client.post(RESET, {"email": "pas-une-adresse"}).content.decode()

    assert "Indiquez une adresse électronique valide" in html and 'value="pas-une-adresse"' in html


def test_password_change(client, agent, caplog):
    client.force_login(agent)

    wrong = client.post(
        "/mot-de-passe/", {"old_password": "x", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert "Le mot de passe actuel n’est pas le bon." in wrong.content.decode()

    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post(
            "/mot-de-passe/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(NEW_PASSWORD)
    assert client.get("/").wsgi_request.user == agent  # still logged in
    assert "Votre mot de passe est modifié." in client.get("/mot-de-passe/").content.decode()
    assert "password_changed" in [r.getMessage() for r in caplog.records if r.name == "security"]


def test_the_logout_page_offers_the_button(client, agent):
    assert "Vous n’êtes pas connecté." in client.get("/deconnexion/").content.decode()
    client.force_login(agent)

    html = client.get("/deconnexion/").content.decode()

    assert "Vous êtes connecté avec l’adresse agent@example.org." in html
    assert client.get("/").wsgi_request.user.is_authenticated
