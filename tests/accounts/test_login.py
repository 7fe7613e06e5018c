"""Logging in and out: the form, French errors, the rate limit of failures, safe redirects."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from partnership.accounts import ratelimit
from partnership.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe solide"  # noqa: S105
LOGIN = "/connexion/"


@pytest.fixture
def agent() -> User:
    return User.objects.create_user("agent@example.org", PASSWORD)


def test_urls_are_pinned():
    assert reverse("accounts:login") == "/connexion/"
    assert reverse("accounts:logout") == "/deconnexion/"


def test_login_form_is_french_with_autocomplete(client):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # LoginView is never cached
    assert '<label class="fr-label" for="connexion-email">Adresse électronique' in html
    assert 'type="email" id="connexion-email" name="username"' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert html.count("<h1") == 1


def test_login_with_the_right_password_logs_in_and_goes_home(client, agent, caplog):
    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post(LOGIN, {"username": "Agent@Example.org ", "password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").wsgi_request.user == agent
    assert "login" in [r.getMessage() for r in caplog.records if r.name == "security"]


def test_wrong_password_shows_a_french_error_and_logs_nobody_in(client, agent):
    response = client.post(LOGIN, {"username": "agent@example.org", "password": "pas le bon"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in html
    assert 'class="fr-alert fr-alert--error' in html
    assert 'value="agent@example.org"' in html and "pas le bon" not in html
    assert not response.wsgi_request.user.is_authenticated


def test_missing_fields_are_french_field_errors(client):
    html = client.post(LOGIN, {"username": "pas-une-adresse", "password": ""}).content.decode()

    assert "Indiquez une adresse électronique valide" in html
    assert "Indiquez votre mot de passe." in html
    assert 'aria-describedby="connexion-email-erreur"' in html


def test_safe_next_is_followed(client, agent):
    response = client.post(LOGIN, {"username": agent.email, "password": PASSWORD, "next": "/offres/?q=chef"})

    assert response["Location"] == "/offres/?q=chef"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "http:evil.example"],
)
def test_open_redirect_in_next_is_refused(client, agent, next_url):
    page = client.get(LOGIN, {"next": next_url}).content.decode()
    assert 'name="next"' not in page  # an unsafe target is not even carried in the form

    response = client.post(LOGIN, {"username": agent.email, "password": PASSWORD, "next": next_url})

    assert response.status_code == 302 and response["Location"] == "/"


def test_logged_in_user_is_sent_on_from_the_login_page(client, agent):
    client.force_login(agent)

    assert client.get(LOGIN)["Location"] == "/"


def test_failures_per_address_are_limited_then_answer_429(client, agent, caplog):
    for _ in range(ratelimit.MAX_FAILURES_PER_EMAIL):
        assert client.post(LOGIN, {"username": "agent@example.org", "password": "faux"}).status_code == 200

    with caplog.at_level(logging.INFO, logger="security"):
        # Even the right password, with the address written differently: the address is blocked.
        response = client.post(LOGIN, {"username": " AGENT@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= ratelimit.LOCK_STEPS_SECONDS[0] == 60
    assert "Trop de demandes" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated
    events = [r for r in caplog.records if r.name == "security"]
    assert [r.getMessage() for r in events if r.getMessage() == "login_rate_limited"] == ["login_rate_limited"]
    assert next(r for r in events if r.getMessage() == "login_rate_limited").scope == "email"
    assert "agent@example.org" not in caplog.text.lower()
    # Another address from elsewhere is not affected.
    other = User.objects.create_user("autre@example.org", PASSWORD)
    assert (
        Client(REMOTE_ADDR="10.0.0.9").post(LOGIN, {"username": other.email, "password": PASSWORD}).status_code == 302
    )


def locked_for(client, email: str, password: str = "faux") -> int:
    """Five failures for `email`, then the Retry-After of the attempt they lock out."""
    for _ in range(ratelimit.MAX_FAILURES_PER_EMAIL):
        assert client.post(LOGIN, {"username": email, "password": password}).status_code == 200
    response = client.post(LOGIN, {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    return int(response["Retry-After"])


def test_each_lock_of_an_address_is_longer_one_five_then_fifteen_minutes(client, agent, caplog):
    from django.core.cache import cache

    durations = []
    for _ in range(4):
        durations.append(locked_for(Client(REMOTE_ADDR=f"10.0.1.{len(durations)}"), agent.email))
        # The lock ends: make it so without waiting (the lock key holds its end time).
        who = ratelimit.subject(Client().get("/").wsgi_request, agent.email)
        cache.delete(who.lock_key)
    assert [round(d / 60) for d in durations] == [1, 5, 15, 15]
    assert "login_locked" in caplog.text


def test_a_lock_ends_by_itself(client, agent, monkeypatch):
    import time

    assert locked_for(client, agent.email) == 60
    real_time = time.time
    monkeypatch.setattr(ratelimit.time, "time", lambda: real_time() + 61)
    assert client.post(LOGIN, {"username": agent.email, "password": PASSWORD}).status_code == 302


def test_admin_login_is_the_site_login_under_the_same_limiter(client, agent):
    agent.is_staff = True
    agent.save()
    # The admin's login page sends to the site's, and its POSTs log nobody in.
    response = client.get("/admin/login/?next=/admin/offers/offer/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/admin/offers/offer/"
    for _ in range(30):
        response = client.post("/admin/login/", {"username": agent.email, "password": "faux"})
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    assert client.post("/admin/login/", {"username": agent.email, "password": PASSWORD}).status_code == 302
    assert not client.get("/").wsgi_request.user.is_authenticated
    # Anonymous admin pages go through it too.
    chain = client.get("/admin/", follow=True).redirect_chain
    assert chain == [("/admin/login/?next=/admin/", 302), ("/connexion/?next=/admin/", 302)]
    # Failures at the site's page lock the staff account for the admin as well.
    locked_for(client, agent.email)
    assert client.post(LOGIN, {"username": agent.email, "password": PASSWORD, "next": "/admin/"}).status_code == 429


def test_admin_login_sends_staff_on_and_refuses_others(client, agent):
    client.force_login(agent)
    assert client.get("/admin/login/?next=/admin/").status_code == 403
    assert client.get("/admin/").status_code in (302, 403)
    agent.is_staff = True
    agent.save()
    assert client.get("/admin/login/?next=/admin/offers/offer/")["Location"] == "/admin/offers/offer/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_failures_per_ip_are_limited_across_addresses(client):
    for n in range(ratelimit.MAX_FAILURES_PER_IP):
        assert client.post(LOGIN, {"username": f"personne{n}@example.org", "password": "faux"}).status_code == 200

    assert client.post(LOGIN, {"username": "encore@example.org", "password": "faux"}).status_code == 429
    assert (
        Client(REMOTE_ADDR="10.0.0.9").post(LOGIN, {"username": "encore@example.org", "password": "faux"}).status_code
        == 200
    )


def test_a_successful_login_clears_the_address_count(client, agent):
    for _ in range(ratelimit.MAX_FAILURES_PER_EMAIL - 1):
        client.post(LOGIN, {"username": agent.email, "password": "faux"})
    assert client.post(LOGIN, {"username": agent.email, "password": PASSWORD}).status_code == 302
    client.logout()

    for _ in range(ratelimit.MAX_FAILURES_PER_EMAIL - 1):
        assert client.post(LOGIN, {"username": agent.email, "password": "faux"}).status_code == 200
    assert client.post(LOGIN, {"username": agent.email, "password": PASSWORD}).status_code == 302


def test_empty_posts_are_not_counted_as_failures(client):
    for _ in range(ratelimit.MAX_FAILURES_PER_EMAIL + 1):
        assert client.post(LOGIN, {"username": "agent@example.org", "password": ""}).status_code == 200


def test_cache_keys_do_not_hold_the_address(client, agent):
    from django.conf import settings
    from django.core.cache import cache

    client.post(LOGIN, {"username": agent.email, "password": "faux"})

    redis = cache._cache.get_client(write=True)
    keys = [key.decode() for key in redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*")]
    assert any("login-failures:email:" in key for key in keys)
    assert not any("agent" in key or "example" in key for key in keys)


def test_client_ip_behind_the_tls_proxy_is_the_last_forwarded_hop(settings, rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.SECURE_PROXY_SSL_HEADER = None
    assert ratelimit.client_ip(request) == "10.0.0.1"

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert ratelimit.client_ip(request) == "203.0.113.7"


def test_logout_is_a_post_and_get_shows_its_button(client, agent):
    client.force_login(agent)

    page = client.get("/deconnexion/")
    assert page.status_code == 200
    assert page.content.decode().count('<form method="post" action="/deconnexion/">') == 3  # header ×2 and page
    assert client.get("/").wsgi_request.user.is_authenticated

    response = client.post("/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_logout_needs_the_csrf_token(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    assert client.post("/deconnexion/").status_code == 403
    assert client.get("/").wsgi_request.user.is_authenticated


def test_header_links_follow_the_user(client, agent):
    html = client.get("/offres/").content.decode()
    assert 'href="/connexion/?next=/offres/"' in html and "Se connecter" in html
    assert "Se connecter – Espace collectivités et partenaires" in html
    assert "Se déconnecter" not in html and ">Pilotage<" not in html

    client.force_login(agent)
    html = client.get("/").content.decode()
    assert "Se connecter" not in html
    assert '<form method="post" action="/deconnexion/">' in html and "Se déconnecter" in html
    assert ">Pilotage<" not in html
    assert 'href="/espace-collectivite/">Espace collectivités<' in html

    agent.is_staff = True
    agent.save()
    html = client.get("/").content.decode()
    assert 'href="/pilotage/organisations/">Pilotage<' in html
    assert "Espace collectivités" not in html  # staff who belong to no organisation


def test_without_redis_login_is_refused_with_a_clear_503(client, agent, settings, caplog):
    # The limiter's counters live in Redis: with Redis down the limit cannot hold, so no login, but a
    # clear French page instead of a server error, and nobody logged in.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with caplog.at_level(logging.ERROR):
        response = client.post(LOGIN, {"username": "agent@example.org", "password": PASSWORD})

    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "<h1>Service momentanément indisponible</h1>" in html
    assert "La connexion est momentanément impossible." in html
    assert "_auth_user_id" not in client.session
    assert "failure counters (Redis) are unreachable" in caplog.text
