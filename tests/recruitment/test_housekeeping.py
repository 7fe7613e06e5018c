"""Beat tasks of the collectivités' offers: the reminder before an offer's end (once per end date and member),
and the purge of applications and their CV files past their retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from offers.enums import OfferStatus
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from partnership.recruitment import housekeeping, services
from partnership.recruitment.models import Application
from tests.factories import ApplicationFactory, PostingFactory
from tests.personas import client_as

pytestmark = pytest.mark.django_db


def test_the_reminder_goes_once_7_days_before_the_end_with_a_renew_link(organisation, member, administrator):
    now = timezone.now()
    soon = PostingFactory(organisation=organisation, offer__expires_at=now + dt.timedelta(days=6, hours=23))
    PostingFactory(organisation=organisation, offer__expires_at=now + dt.timedelta(days=8))  # not yet
    PostingFactory(organisation=organisation, offer__draft=True, offer__expires_at=now + dt.timedelta(days=2))

    assert housekeeping.send_expiry_reminders(now) == 2  # two members
    assert housekeeping.send_expiry_reminders(now) == 0  # once
    deliveries = Delivery.objects.filter(purpose=Purpose.OFFER_EXPIRY_REMINDER)
    assert sorted(deliveries.values_list("recipient_email", flat=True)) == sorted([member.email, administrator.email])
    renew = reverse("recruitment:offer-renew", kwargs={"organisation": organisation.pk, "pk": soon.pk})
    assert renew in deliveries.first().body_text

    # The link leads to a confirmation page that changes nothing; the confirmation renews.
    client = client_as(member)
    page = client.get(renew).content.decode()
    assert "Prolonger jusqu’au" in page
    soon.offer.refresh_from_db()
    end = soon.offer.expires_at
    client.post(
        reverse("recruitment:offer-action", kwargs={"organisation": organisation.pk, "pk": soon.pk}),
        {"action": "renew"},
    )
    soon.offer.refresh_from_db()
    assert soon.offer.expires_at == end + dt.timedelta(days=60)
    # A new end date gets its own reminder, in time.
    assert housekeeping.send_expiry_reminders(soon.offer.expires_at - dt.timedelta(days=6)) == 2


def test_applications_are_purged_3_months_after_the_offer_closed_unless_kept_2_years(organisation, staff):
    posting = PostingFactory(organisation=organisation)
    plain = ApplicationFactory(posting=posting)
    kept = ApplicationFactory(posting=posting, keep_two_years=True)
    cv_file = Path(django_settings.RECRUITMENT_CV_DIR) / plain.cv.name
    assert cv_file.exists()
    services.close_posting(posting=posting, status=OfferStatus.FILLED, actor=staff)

    assert housekeeping.purge_applications(timezone.now() + dt.timedelta(days=80)) == 0
    assert housekeeping.purge_applications(timezone.now() + dt.timedelta(days=92)) == 1
    assert list(Application.objects.all()) == [kept]
    assert not cv_file.exists()
    assert housekeeping.purge_applications(timezone.now() + dt.timedelta(days=2 * 365 + 1)) == 1
    assert not Application.objects.exists()


def test_open_offers_keep_their_applications(organisation):
    ApplicationFactory(posting=PostingFactory(organisation=organisation))
    assert housekeeping.purge_applications(timezone.now() + dt.timedelta(days=400)) == 0


def test_both_tasks_are_scheduled():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "partnership.recruitment.tasks.send_expiry_reminders",
        "partnership.recruitment.tasks.purge_applications",
    } <= tasks
