"""Alerts about suspicious or failed runs (feeds/alerts.py), through partnership.notifications."""

from __future__ import annotations

import io

import pytest
from django.core import mail

from feeds import sync
from feeds.alerts import alert, alert_recipients
from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from partnership.notifications.enums import DeliveryStatus, Purpose
from partnership.notifications.models import Delivery
from tests.feeds.documents import xml_jobs
from tests.notifications.support import sending_on_commit

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed() -> Feed:
    return Feed.objects.create(
        name="Emplois du Centre", slug="emplois-centre", format="xml-jobs", location="/dev/null", default_kind="vte"
    )


@pytest.fixture
def people(django_user_model, settings):
    make = django_user_model.objects.create_user
    staff = make(email="equipe@anct.gouv.fr", password="x" * 16, is_staff=True)
    other = make(email="pilotage@apec.fr", password="x" * 16, is_staff=True)
    make(email="ancien@anct.gouv.fr", password="x" * 16, is_staff=True, is_active=False)
    make(email="candidate@exemple.fr", password="x" * 16)
    settings.FEEDS_ALERT_EMAILS = ["flux@apec.fr", "Pilotage@Apec.fr"]  # the second is a staff account's
    return staff, other


def failed_run(feed: Feed) -> FeedRun:
    return FeedRun.objects.create(feed=feed, trigger=RunTrigger.SCHEDULE, status=RunStatus.FAILED, error="XML invalide")


def test_recipients_are_active_staff_and_the_configured_addresses_each_once(people) -> None:
    staff, other = people
    recipients = alert_recipients()
    assert [recipient.email for recipient in recipients] == ["equipe@anct.gouv.fr", "flux@apec.fr", "pilotage@apec.fr"]
    keys = {recipient.email: recipient.key for recipient in recipients}
    assert keys["equipe@anct.gouv.fr"] == f"user-{staff.pk}" and keys["pilotage@apec.fr"] == f"user-{other.pk}"
    assert keys["flux@apec.fr"].startswith("extra-") and "apec" not in keys["flux@apec.fr"]


def test_one_delivery_per_run_and_recipient_sent_after_commit(feed: Feed, people, django_capture_on_commit_callbacks):
    run = failed_run(feed)
    with sending_on_commit(django_capture_on_commit_callbacks):
        deliveries = alert(run)
        assert len(deliveries) == 3 and mail.outbox == []
    assert {delivery.key.split(":")[0] for delivery in deliveries} == {str(run.pk)}
    assert all("@" not in delivery.key for delivery in deliveries)
    rows = Delivery.objects.filter(purpose=Purpose.FEED_ALERT)
    assert set(rows.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "equipe@anct.gouv.fr",
        "flux@apec.fr",
        "pilotage@apec.fr",
    ]
    for message in mail.outbox:
        assert message.subject == "[Talents des territoires] Flux « Emplois du Centre » : synchronisation en échec"
        assert "XML invalide" in message.body
        assert f"/pilotage/flux/emplois-centre/synchronisations/{run.pk}/" in message.alternatives[0][0]


def test_telling_staff_about_the_same_run_again_sends_nothing_more(
    feed: Feed, people, django_capture_on_commit_callbacks
) -> None:
    run = failed_run(feed)
    with sending_on_commit(django_capture_on_commit_callbacks):
        alert(run)
    with sending_on_commit(django_capture_on_commit_callbacks) as callbacks:
        assert alert(run) == []
    assert callbacks == [] and len(mail.outbox) == 3
    with sending_on_commit(django_capture_on_commit_callbacks):
        assert len(alert(failed_run(feed))) == 3  # another run is another message
    assert len(mail.outbox) == 6


def test_no_recipient_no_delivery(feed: Feed, settings) -> None:
    settings.FEEDS_ALERT_EMAILS = []
    assert alert(failed_run(feed)) == []
    assert not Delivery.objects.exists()


def test_a_suspicious_run_of_the_engine_records_its_alerts(feed: Feed, people, django_capture_on_commit_callbacks):
    sync.run_feed(FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND), stream=io.BytesIO(xml_jobs(10)))
    assert not Delivery.objects.exists()  # a good run tells nobody
    with sending_on_commit(django_capture_on_commit_callbacks):
        report = sync.run_feed(
            FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND), stream=io.BytesIO(xml_jobs(2))
        )
    assert report.status == RunStatus.SUSPICIOUS
    assert Delivery.objects.filter(key__startswith=f"{report.pk}:", status=DeliveryStatus.SENT).count() == 3
    assert len(mail.outbox) == 3 and all("suspecte" in message.subject for message in mail.outbox)
