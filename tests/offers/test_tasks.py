"""The hourly `expire_offers` task."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from offers.cache import offers_version
from offers.enums import OfferStatus
from offers.models import Offer
from offers.tasks import expire_offers
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_expire_offers_closes_published_offers_past_their_end_date(django_capture_on_commit_callbacks):
    past = OfferFactory(expires_at=timezone.now() - dt.timedelta(minutes=1))
    future = OfferFactory(expires_at=timezone.now() + dt.timedelta(days=1))
    no_end = OfferFactory(expires_at=None)
    long_ago = timezone.now() - dt.timedelta(days=10)
    filled = OfferFactory(filled=True, published_at=long_ago, expires_at=timezone.now() - dt.timedelta(days=2))
    draft = OfferFactory(draft=True, expires_at=timezone.now() - dt.timedelta(days=2))
    version = offers_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        count = expire_offers()

    assert count == 1
    past.refresh_from_db()
    assert past.status == OfferStatus.EXPIRED
    assert timezone.now() - past.closed_at < dt.timedelta(minutes=1)
    assert past.updated_at == past.closed_at
    for offer, status in ((future, "published"), (no_end, "published"), (filled, "filled"), (draft, "draft")):
        offer.refresh_from_db()
        assert offer.status == status
    assert len(callbacks) == 1
    assert offers_version() == version + 1
    assert set(Offer.objects.closed()) == {past, filled}


def test_expire_offers_with_nothing_to_do_keeps_the_cache(django_capture_on_commit_callbacks):
    OfferFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert expire_offers() == 0
    assert callbacks == []


def test_expire_offers_runs_hourly_from_the_beat_schedule():
    entries = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "offers.tasks.expire_offers"
    ]

    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert schedule.hour == set(range(24))
    assert len(schedule.minute) == 1


def test_expire_offers_is_a_registered_celery_task():
    from partnership.celery import app

    app.loader.import_default_modules()
    assert "offers.tasks.expire_offers" in app.tasks
