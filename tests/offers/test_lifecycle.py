"""The offer lifecycle: every change sets status and dates, records its event, makes pages stale."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from feeds import sync
from feeds.enums import RunTrigger
from feeds.models import Feed, FeedRun
from offers import lifecycle
from offers.cache import offers_version
from offers.enums import EventKind, OfferStatus
from offers.models import Offer, OfferEvent
from offers.tasks import expire_offers
from partnership.accounts.models import User
from territories.models import Commune
from tests.feeds.documents import xml_jobs
from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db


def events(offer: Offer) -> list[tuple[str, str, str]]:
    return [(e.kind, e.from_status, e.to_status) for e in OfferEvent.objects.filter(offer=offer).order_by("id")]


@pytest.fixture
def moderator() -> User:
    return User.objects.create_user("moderation@anct.gouv.fr", "x" * 16, is_staff=True)


def test_a_local_offer_from_draft_to_filled(moderator, django_capture_on_commit_callbacks):
    offer = OfferFactory.build(
        title="Chef de projet Petites villes de demain", draft=True, commune=Commune.objects.get(pk="19073")
    )
    offer.set_place(offer.commune)
    lifecycle.create_offer(offer=offer, actor=moderator)
    assert (offer.slug, offer.status, offer.published_at) == ("chef-de-projet-petites-villes-de-demain", "draft", None)

    lifecycle.submit(offer=offer, actor=moderator)
    lifecycle.return_offer(offer=offer, actor=moderator, reason="Précisez le cofinancement.")
    lifecycle.submit(offer=offer, actor=moderator)
    before = offers_version()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(offer=offer, actor=moderator)
    assert offers_version() == before + 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED and offer.published_at is not None
    first_publication = offer.published_at

    lifecycle.close(offer=offer, status=OfferStatus.FILLED, actor=moderator, reason="Poste pourvu")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.FILLED and offer.closed_at is not None
    lifecycle.publish(offer=offer, actor=moderator)  # published again: keeps its first date
    offer.refresh_from_db()
    assert offer.published_at == first_publication and offer.closed_at is None

    assert events(offer) == [
        (EventKind.CREATED, "", "draft"),
        (EventKind.SUBMITTED, "draft", "submitted"),
        (EventKind.RETURNED, "submitted", "rejected"),
        (EventKind.SUBMITTED, "rejected", "submitted"),
        (EventKind.PUBLISHED, "submitted", "published"),
        (EventKind.CLOSED, "published", "filled"),
        (EventKind.PUBLISHED, "filled", "published"),
    ]
    returned = OfferEvent.objects.get(offer=offer, kind=EventKind.RETURNED)
    assert (returned.actor, returned.reason) == (moderator, "Précisez le cofinancement.")


def test_invalid_transitions_are_refused_in_french():
    offer = OfferFactory(draft=True)
    with pytest.raises(lifecycle.TransitionError, match="« brouillon » ne peut pas passer à « pourvue »"):
        lifecycle.close(offer=offer, status=OfferStatus.FILLED)
    with pytest.raises(lifecycle.TransitionError, match="Seule une offre en attente de modération"):
        lifecycle.return_offer(offer=offer, reason="x")
    lifecycle.submit(offer=offer)
    with pytest.raises(lifecycle.TransitionError, match="Indiquez pourquoi"):
        lifecycle.return_offer(offer=offer, reason="  ")
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.SUBMITTED


def test_renew_pushes_the_end_date_or_publishes_an_expired_offer_again():
    now = timezone.now()
    offer = OfferFactory(expires_at=now + dt.timedelta(days=3))
    lifecycle.renew(offer=offer, until=now + dt.timedelta(days=60))
    offer.refresh_from_db()
    assert offer.expires_at == now + dt.timedelta(days=60)
    with pytest.raises(lifecycle.TransitionError, match="après l’actuelle"):
        lifecycle.renew(offer=offer, until=now + dt.timedelta(days=30))

    expired = OfferFactory(expired=True, expires_at=now - dt.timedelta(days=1), published_at=now - dt.timedelta(days=9))
    lifecycle.renew(offer=expired, until=now + dt.timedelta(days=30))
    expired.refresh_from_db()
    assert (expired.status, expired.closed_at) == (OfferStatus.PUBLISHED, None)
    assert events(offer) == [(EventKind.RENEWED, "published", "published")]
    assert events(expired) == [(EventKind.PUBLISHED, "expired", "published")]


def test_the_database_ties_closed_statuses_to_their_closing_date():
    offer = OfferFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.WITHDRAWN)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(closed_at=timezone.now())


def test_expiry_records_an_event_per_offer():
    past = OfferFactory(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert expire_offers() == 1
    [event] = OfferEvent.objects.filter(offer=past)
    assert (event.kind, event.to_status, event.reason) == (EventKind.CLOSED, "expired", "Date limite passée")


def test_a_feed_run_records_its_creations_updates_and_withdrawals():
    feed = Feed.objects.create(name="F", slug="f", format="xml-jobs", location="/dev/null", default_kind="vte")

    def run(body: bytes) -> FeedRun:
        return sync.run_feed(FeedRun.objects.create(feed=feed, trigger=RunTrigger.COMMAND), stream=io.BytesIO(body))

    first = run(xml_jobs(10))
    assert OfferEvent.objects.filter(feed_run=first, kind=EventKind.PUBLISHED, from_status="").count() == 10
    unchanged = run(xml_jobs(10))
    assert not OfferEvent.objects.filter(feed_run=unchanged).exists()
    changed = run(xml_jobs(8, title="Chargée de mission industrie"))  # 8 changed, 2 withdrawn
    assert sorted(OfferEvent.objects.filter(feed_run=changed).values_list("kind", "to_status")) == sorted(
        [(EventKind.UPDATED, "published")] * 8 + [(EventKind.CLOSED, "withdrawn")] * 2
    )
    back = run(xml_jobs(10, title="Chargée de mission industrie"))  # the 2 come back
    assert sorted(OfferEvent.objects.filter(feed_run=back).values_list("kind", "from_status")) == [
        (EventKind.PUBLISHED, "withdrawn"),
        (EventKind.PUBLISHED, "withdrawn"),
    ]


def test_the_demo_seeder_records_events_and_a_reseed_updates_them():
    from offers.demo import seed_demo_offers

    seed_demo_offers(40, seed=2)
    demo = Offer.objects.filter(source="demo")
    assert OfferEvent.objects.filter(offer__in=demo, kind=EventKind.PUBLISHED).count() == 40
    closed = demo.filter(status__in=["filled", "expired"])
    assert OfferEvent.objects.filter(offer__in=demo, kind=EventKind.CLOSED).count() == closed.count()
    for offer in closed:
        assert events(offer) == [(EventKind.PUBLISHED, "", "published"), (EventKind.CLOSED, "published", offer.status)]
    seed_demo_offers(30, seed=2)  # ten fewer: deleted with their events
    assert OfferEvent.objects.filter(offer__source="demo").values("offer").distinct().count() == 30
