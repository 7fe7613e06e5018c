"""Alerts: the search in words, the daily and weekly sends (new offers only, never twice, nothing when
nothing is new, once per period), unsubscribing, and the purge."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from offers import lifecycle
from offers.enums import OfferStatus
from partnership.alerts import services
from partnership.alerts.enums import Frequency
from partnership.alerts.models import Alert, SentOffer, Subscriber
from partnership.alerts.searches import alert_query, describe, filterset, query_dict
from partnership.alerts.tasks import dispatch_alerts
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from tests.alerts.support import make_alert, publish
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db

PARIS = dt.timezone(dt.timedelta(hours=1))  # December: Paris is UTC+1


def ago(**kwargs: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**kwargs)


# --- The search in words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (
            "type=chef-de-projet&programme=pvd&commune=19272&rayon=30",
            "Chef de projet, Petites villes de demain, à 30 km de Tulle",
        ),
        (
            "q=urbanisme&type=vte&type=vta&departement=19",
            "« urbanisme », VTE ou VTA, dans le département de la Corrèze (19)",
        ),
        ("region=75&contrat=cdd&duree_min=12&duree_max=18", "CDD, de 12 à 18 mois, en région Nouvelle-Aquitaine"),
        ("", "Toutes les offres"),
        ("type=xyz&tri=date&page=3", "Toutes les offres"),
    ],
)
def test_the_search_is_told_in_words(query, words):
    assert describe(filterset(alert_query(query_dict(query)))) == words


def test_an_alert_keeps_the_search_in_the_search_pages_canonical_form():
    assert (
        alert_query(query_dict("type=vta&type=vte&tri=date&page=4&publiee_depuis=7&q=+eau+"))
        == "q=eau&type=vta&type=vte"
    )


# --- Double opt-in ---------------------------------------------------------------------------------


def test_a_request_sends_one_confirmation_and_nothing_else(django_capture_on_commit_callbacks):
    with sending_on_commit(django_capture_on_commit_callbacks):
        alert = make_alert("type=chef-de-projet&programme=pvd&commune=19272&rayon=30", email=" Camille@Example.org ")
    assert alert.confirmed_at is None
    assert Subscriber.objects.get().email == "camille@example.org"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["camille@example.org"]
    assert message.subject == "Confirmez votre alerte : Chef de projet, Petites villes de demain, à 30 km de Tulle"
    token = re.search(rf"{settings.SITE_URL}/alertes/confirmer/([^/\s]+)/", message.body).group(1)
    assert services.alert_of_confirmation(token) == alert.pk

    # The same request again: one more confirmation (up to MAX_CONFIRMATIONS), the same alert.
    with sending_on_commit(django_capture_on_commit_callbacks):
        for _ in range(5):
            assert make_alert("type=chef-de-projet&programme=pvd&commune=19272&rayon=30").pk == alert.pk
    assert len(mail.outbox) == services.MAX_CONFIRMATIONS


def test_a_confirmation_link_expires_after_7_days(monkeypatch):
    alert = make_alert()
    token = services.confirmation_token(alert)
    later = timezone.now() + services.CONFIRMATION_MAX_AGE + dt.timedelta(minutes=1)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    with pytest.raises(services.InvalidLink):
        services.alert_of_confirmation(token)
    with pytest.raises(services.InvalidLink):
        services.alert_of_confirmation(token[:-2] + "xx")
    with pytest.raises(services.InvalidLink):  # another link's signature is not a confirmation
        services.alert_of_confirmation(services.unsubscribe_token(alert))


def test_an_unconfirmed_alert_sends_nothing():
    alert = make_alert()
    publish(chef_de_projet=True)
    assert services.due_alerts(Frequency.DAILY) == []
    assert services.send_alert(alert_id=alert.pk, period="2026-12-03").status == "gone"
    assert not Delivery.objects.filter(purpose=Purpose.SEARCH_ALERT).exists()


# --- Sending -------------------------------------------------------------------------------------------


def test_only_the_searchs_offers_published_since_the_confirmation_are_sent(django_capture_on_commit_callbacks):
    before = publish(ago(hours=30), chef_de_projet=True)
    alert = make_alert("type=chef-de-projet&departement=19", confirmed_at=ago(hours=24))
    new = publish(ago(hours=2), chef_de_projet=True, title="Chef de projet Petites villes de demain")
    publish(ago(hours=2), chef_de_projet=True, commune="15014")  # Aurillac: another département
    publish(ago(hours=2), vta=True)  # another kind
    withdrawn = publish(ago(hours=3), chef_de_projet=True)
    lifecycle.close(offer=withdrawn, status=OfferStatus.WITHDRAWN)
    mail.outbox.clear()

    with sending_on_commit(django_capture_on_commit_callbacks):
        outcome = services.send_alert(alert_id=alert.pk, period="2026-12-03")

    assert outcome == services.SendOutcome("sent", 1)
    assert list(SentOffer.objects.values_list("offer_id", flat=True)) == [new.pk]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "1 nouvelle offre : Chef de projet, dans le département de la Corrèze (19)"
    assert "Chef de projet Petites villes de demain" in message.body
    assert f"{settings.SITE_URL}{new.get_absolute_url()}" in message.body
    assert before.title not in message.body
    parsed = message_from_bytes(message.message().as_bytes())
    header = "".join(parsed["List-Unsubscribe"].split())  # folded: unfold
    unsubscribe = re.fullmatch(rf"<({settings.SITE_URL}/alertes/desinscription/([^/]+)/)>", header)
    assert services.alert_of_unsubscribe(unsubscribe.group(2)) == alert.pk
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.group(1) in message.body
    manage = re.search(r"/alertes/gerer/([^/\s]+)/", message.body).group(1)
    assert services.subscriber_of_manage(manage) == alert.subscriber_id
    alert.refresh_from_db()
    assert alert.last_sent_at is not None


def test_never_the_same_offer_twice_and_nothing_when_nothing_is_new(django_capture_on_commit_callbacks):
    alert = make_alert(confirmed_at=ago(days=3))
    first = publish(ago(days=2), chef_de_projet=True)
    with sending_on_commit(django_capture_on_commit_callbacks):
        assert services.send_alert(alert_id=alert.pk, period="2026-12-01", now=ago(days=1)).offers == 1
        # Nothing new: nothing sent, no delivery recorded.
        assert services.send_alert(alert_id=alert.pk, period="2026-12-02").status == "nothing-new"
        # Withdrawn and published again: a new « published » event, but already sent to this alert.
        lifecycle.close(offer=first, status=OfferStatus.WITHDRAWN)
        lifecycle.publish(offer=first)
        assert services.send_alert(alert_id=alert.pk, period="2026-12-03").status == "nothing-new"
        second = publish(chef_de_projet=True)
        assert services.send_alert(alert_id=alert.pk, period="2026-12-04").offers == 1
    assert len(mail.outbox) == 2
    assert first.title in mail.outbox[0].body and first.title not in mail.outbox[1].body
    assert second.title in mail.outbox[1].body
    assert SentOffer.objects.filter(alert=alert).count() == 2
    assert Delivery.objects.filter(purpose=Purpose.SEARCH_ALERT).count() == 2


def test_one_email_per_alert_and_period_even_when_the_task_runs_again(django_capture_on_commit_callbacks):
    alert = make_alert(confirmed_at=ago(days=1))
    publish(ago(hours=2), chef_de_projet=True)
    with sending_on_commit(django_capture_on_commit_callbacks):
        assert services.send_alert(alert_id=alert.pk, period="2026-W49").status == "sent"
        publish(chef_de_projet=True)  # new meanwhile, but the period's e-mail has gone
        assert services.send_alert(alert_id=alert.pk, period="2026-W49").status == "already-sent"
    assert len(mail.outbox) == 1


def test_an_email_lists_at_most_max_offers_and_links_to_the_rest(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(services, "MAX_OFFERS", 2)
    alert = make_alert(confirmed_at=ago(days=1))
    for hours in (5, 4, 3):
        publish(ago(hours=hours), chef_de_projet=True)
    with sending_on_commit(django_capture_on_commit_callbacks):
        assert services.send_alert(alert_id=alert.pk, period="2026-12-03").offers == 2
    assert mail.outbox[0].subject.startswith("3 nouvelles offres")
    assert "Et 1 autre :" in mail.outbox[0].body


def test_periods_are_paris_days_and_iso_weeks():
    monday_7_30_utc = dt.datetime(2026, 11, 30, 7, 30, tzinfo=dt.UTC)  # 08:30 in Paris
    sunday_23_30_utc = dt.datetime(2026, 11, 29, 23, 30, tzinfo=dt.UTC)  # already Monday in Paris
    assert services.period_of(Frequency.DAILY, monday_7_30_utc) == "2026-11-30"
    assert services.period_of(Frequency.DAILY, sunday_23_30_utc) == "2026-11-30"
    assert services.period_of(Frequency.WEEKLY, sunday_23_30_utc) == "2026-W49"


def test_beat_sends_daily_at_8_and_weekly_on_monday_paris_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    daily, weekly = schedule["alerts-daily"], schedule["alerts-weekly"]
    assert settings.CELERY_TIMEZONE == "Europe/Paris"
    assert (daily["task"], daily["args"]) == ("partnership.alerts.tasks.dispatch_alerts", ("daily",))
    assert (weekly["task"], weekly["args"]) == ("partnership.alerts.tasks.dispatch_alerts", ("weekly",))
    assert daily["schedule"].hour == {8} and daily["schedule"].minute == {0}
    assert weekly["schedule"].day_of_week == {1} and weekly["schedule"].hour == {8}


def test_dispatch_queues_each_confirmed_alert_of_the_frequency(monkeypatch):
    daily = make_alert(confirmed_at=ago(days=1))
    make_alert(email="autre@example.org", confirmed_at=ago(days=1), frequency=Frequency.WEEKLY)
    make_alert(email="pas-confirme@example.org")
    queued = []
    monkeypatch.setattr("partnership.alerts.tasks.send_alert.delay", lambda *args: queued.append(args))
    assert dispatch_alerts("daily") == 1
    assert queued == [(daily.pk, services.period_of(Frequency.DAILY))]


# --- Deleting and purging --------------------------------------------------------------------------


def test_deleting_the_last_alert_deletes_the_address():
    first = make_alert(confirmed_at=ago(days=1))
    second = make_alert("type=vta", confirmed_at=ago(days=1))
    assert services.delete_alert(first.pk)
    assert Subscriber.objects.exists()
    assert not services.delete_alert(second.pk, subscriber_id=second.subscriber_id + 1)  # not theirs
    assert services.delete_alert(second.pk)
    assert not Subscriber.objects.exists()


def test_purge_deletes_unconfirmed_alerts_after_7_days_and_addresses_without_alerts():
    old = make_alert(email="ancien@example.org")
    Alert.objects.filter(pk=old.pk).update(created_at=ago(days=7, hours=1))
    recent = make_alert(email="recent@example.org")
    confirmed = make_alert(email="confirme@example.org", confirmed_at=ago(days=30))
    Alert.objects.filter(pk=confirmed.pk).update(created_at=ago(days=30))
    Subscriber.objects.create(email="seul@example.org")

    assert services.purge() == {"unconfirmed alerts deleted": 1, "addresses without an alert deleted": 2}
    assert set(Subscriber.objects.values_list("email", flat=True)) == {"recent@example.org", "confirme@example.org"}
    assert set(Alert.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}
