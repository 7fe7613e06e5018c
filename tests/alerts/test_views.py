"""Alert pages: subscribing from a search, the confirmation that restates it, one-click unsubscribe,
the page of all one's alerts, the rate limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from partnership.alerts import services
from partnership.alerts.models import Alert, Subscriber
from partnership.alerts.ratelimit import MAX_PER_EMAIL, MAX_PER_IP
from tests.alerts.support import make_alert
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db

SEARCH = "type=chef-de-projet&programme=pvd&commune=19272&rayon=30"
WORDS = "Chef de projet, Petites villes de demain, à 30 km de Tulle"


def test_the_search_page_offers_an_alert_on_its_search(client):
    page = client.get(f"/offres/?{SEARCH}").content.decode()
    link = re.search(r'href="(/alertes/nouvelle/[^"]*)">Recevoir ces offres par e-mail', page)
    assert link, "no « Recevoir ces offres par e-mail » link"
    form = client.get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200
    assert WORDS in form.content.decode()


def test_subscribe_confirm_and_receive_the_search_in_words(client, django_capture_on_commit_callbacks):
    with sending_on_commit(django_capture_on_commit_callbacks):
        response = client.post(
            "/alertes/nouvelle/", {"email": "camille@example.org", "frequency": "weekly", "recherche": SEARCH}
        )
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.content.decode()
    alert = Alert.objects.get()
    assert (alert.description, alert.frequency, alert.confirmed_at) == (WORDS, "weekly", None)
    assert alert.query == "type=chef-de-projet&programme=pvd&commune=19272&rayon=30"  # the filter set's order
    link = re.search(r"http://[^/]+(/alertes/confirmer/[^/\s]+/)", mail.outbox[0].body).group(1)

    page = client.get(link)  # mail scanners follow links: a GET confirms nothing
    assert page.status_code == 200 and WORDS in page.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is None

    done = client.post(link)
    assert done.status_code == 200
    assert "Votre alerte est confirmée" in done.content.decode() and WORDS in done.content.decode()
    alert.refresh_from_db()
    assert alert.confirmed_at is not None


def test_bad_input_is_answered_in_french_and_keeps_the_search(client):
    response = client.post("/alertes/nouvelle/", {"email": "pas-une-adresse", "recherche": SEARCH})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide" in page and "Choisissez une fréquence." in page
    assert WORDS in page and 'value="pas-une-adresse"' in page
    assert not Alert.objects.exists()


def test_expired_or_forged_links_answer_a_clear_page(client, monkeypatch):
    alert = make_alert()
    token = services.confirmation_token(alert)
    for url in (f"/alertes/confirmer/{token}x/", f"/alertes/desinscription/{token}/", f"/alertes/gerer/{token}/"):
        response = client.get(url)
        assert response.status_code == 404 and "Ce lien n’est plus valable" in response.content.decode()
    later = timezone.now() + dt.timedelta(days=8)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    assert client.post(f"/alertes/confirmer/{token}/").status_code == 404
    alert.refresh_from_db()
    assert alert.confirmed_at is None


def test_one_click_unsubscribe_needs_no_form_and_no_cookie():
    alert = make_alert(confirmed_at=timezone.now())
    url = f"/alertes/desinscription/{services.unsubscribe_token(alert)}/"
    client = Client(enforce_csrf_checks=True)
    assert "Me désinscrire" in client.get(url).content.decode()
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not Alert.objects.exists() and not Subscriber.objects.exists()
    assert client.post(url).status_code == 200  # again: still done


def test_the_page_of_ones_alerts_lists_and_deletes_them(client):
    first = make_alert(SEARCH, confirmed_at=timezone.now())
    second = make_alert("type=vta")
    other = make_alert(email="autre@example.org")
    url = f"/alertes/gerer/{services.manage_token(first.subscriber)}/"
    page = client.get(url).content.decode()
    assert WORDS in page and "VTA" in page and "pas encore confirmée" in page
    assert "autre@example.org" not in page

    assert client.post(url, {"alerte": other.pk}).status_code == 302  # not theirs: nothing happens
    assert Alert.objects.filter(pk=other.pk).exists()
    assert client.post(url, {"alerte": second.pk}).status_code == 302
    assert set(Alert.objects.values_list("pk", flat=True)) == {first.pk, other.pk}
    assert client.post(url, {"tout": "1"}).status_code == 302
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["autre@example.org"]
    assert "aucune alerte" in client.get(url).content.decode()


def test_the_link_to_ones_alerts_is_sent_only_to_an_address_with_alerts(client, django_capture_on_commit_callbacks):
    alert = make_alert()
    with sending_on_commit(django_capture_on_commit_callbacks):
        mail.outbox.clear()
        known = client.post("/alertes/", {"email": "camille@example.org"})
        unknown = client.post("/alertes/", {"email": "inconnu@example.org"})
    assert known.content == unknown.content  # says nothing of who subscribed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["camille@example.org"]
    token = re.search(r"/alertes/gerer/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert services.subscriber_of_manage(token) == alert.subscriber_id


def test_subscribing_is_rate_limited_per_address(client):
    for _ in range(MAX_PER_EMAIL):
        data = {"email": "camille@example.org", "frequency": "daily", "recherche": f"q=mot{_}"}
        assert client.post("/alertes/nouvelle/", data).status_code == 200
    response = client.post(
        "/alertes/nouvelle/", {"email": "Camille@example.org", "frequency": "daily", "recherche": "q=autre"}
    )
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Alert.objects.count() == MAX_PER_EMAIL


def test_subscribing_is_rate_limited_per_ip(client):
    for index in range(MAX_PER_IP):
        data = {"email": f"personne{index}@example.org", "frequency": "daily"}
        assert client.post("/alertes/nouvelle/", data).status_code == 200
    assert client.post("/alertes/nouvelle/", {"email": "encore@example.org", "frequency": "daily"}).status_code == 429
    assert client.post("/alertes/", {"email": "encore@example.org"}).status_code == 429
    assert Subscriber.objects.count() == MAX_PER_IP
