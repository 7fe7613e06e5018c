"""Moderation by staff: publish, return with a reason, withdraw, mark filled, renew; each recorded, logged and
e-mailed to the organisation's members after commit; the published offer in the public search at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from offers.enums import EventKind, OfferStatus
from offers.models import OfferEvent
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from tests.factories import OrganisationFactory, PostingFactory
from tests.notifications.support import sending_on_commit
from tests.personas import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(organisation):
    """An ACV chef-de-projet offer of Tulle, waiting for moderation for 3 days."""
    posting = PostingFactory(organisation=organisation, offer__status=OfferStatus.SUBMITTED, offer__published_at=None)
    posting.submitted_at = timezone.now() - dt.timedelta(days=3)
    posting.save()
    return posting


def decide(user, posting, **data):
    return client_as(user).post(reverse("moderation:decide", kwargs={"pk": posting.pk}), data)


def test_staff_publish_and_the_offer_is_searchable_at_once(
    submitted, staff, member, administrator, django_capture_on_commit_callbacks, caplog
):
    client = client_as(None)
    assert submitted.offer.title not in client.get("/offres/?programme=acv").content.decode()
    assert f"/offres/{submitted.pk}-" not in client.get("/sitemap-offres.xml").content.decode()
    with caplog.at_level("INFO", logger="security"), sending_on_commit(django_capture_on_commit_callbacks):
        response = decide(staff, submitted, action="publish")
    assert response.status_code == 302
    submitted.offer.refresh_from_db()
    offer = submitted.offer
    assert offer.status == OfferStatus.PUBLISHED
    assert offer.published_at is not None
    # The rules' publication days (60 in the migration's row).
    assert offer.expires_at - offer.published_at == dt.timedelta(days=60)
    event = OfferEvent.objects.get(offer=offer, kind=EventKind.PUBLISHED)
    assert (event.from_status, event.to_status, event.actor) == ("submitted", "published", staff)
    assert any(r.getMessage() == "offer_published" for r in caplog.records)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, administrator.email])
    assert "Votre offre est publiée" in mail.outbox[0].subject
    # Within a second: the cached search page is stale at commit.
    assert offer.title in client.get("/offres/?programme=acv").content.decode()
    page = client.get(offer.get_absolute_url()).content.decode()
    assert offer.title in page
    assert '"@type": "JobPosting"' in page or '"@type":"JobPosting"' in page
    assert offer.title in client.get("/offres/flux.rss").content.decode()
    assert offer.get_absolute_url() in client.get("/sitemap-offres.xml").content.decode()


def test_a_return_needs_a_reason_then_the_organisation_reads_it_edits_and_resubmits(
    submitted, staff, member, organisation
):
    response = decide(staff, submitted, action="return", reason="  ")
    assert response.status_code == 400
    assert "Indiquez pourquoi l’offre est renvoyée" in response.content.decode()
    submitted.offer.refresh_from_db()
    assert submitted.offer.status == OfferStatus.SUBMITTED

    decide(staff, submitted, action="return", reason="Précisez le cofinancement obtenu.")
    submitted.offer.refresh_from_db()
    assert submitted.offer.status == OfferStatus.REJECTED
    assert Delivery.objects.filter(purpose=Purpose.OFFER_MODERATION).count() == 1
    assert "Précisez le cofinancement obtenu." in Delivery.objects.get().body_text

    client = client_as(member)
    page = client.get(reverse("recruitment:offer", kwargs={"organisation": organisation.pk, "pk": submitted.pk}))
    assert "Précisez le cofinancement obtenu." in page.content.decode()
    assert "Renvoi à l&#x27;organisation" in page.content.decode()  # the history
    client.post(
        reverse("recruitment:offer-action", kwargs={"organisation": organisation.pk, "pk": submitted.pk}),
        {"action": "submit"},
    )
    submitted.offer.refresh_from_db()
    assert submitted.offer.status == OfferStatus.SUBMITTED


def test_withdraw_fill_and_renew(submitted, staff, member, organisation):
    decide(staff, submitted, action="publish")
    submitted.offer.refresh_from_db()
    first_end = submitted.offer.expires_at
    decide(staff, submitted, action="renew")
    submitted.offer.refresh_from_db()
    assert submitted.offer.expires_at == first_end + dt.timedelta(days=60)
    client_as(member).post(
        reverse("recruitment:offer-action", kwargs={"organisation": organisation.pk, "pk": submitted.pk}),
        {"action": "filled"},
    )
    submitted.offer.refresh_from_db()
    assert submitted.offer.status == OfferStatus.FILLED
    assert submitted.offer.closed_at is not None
    kinds = list(OfferEvent.objects.filter(offer=submitted.offer).values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.PUBLISHED, EventKind.RENEWED, EventKind.CLOSED]
    # Publishing again a filled offer is not the moderation's to do from the queue.
    decide(staff, submitted, action="publish")
    submitted.offer.refresh_from_db()
    assert submitted.offer.status == OfferStatus.FILLED


def test_a_member_cannot_publish(submitted, member, organisation):
    url = reverse("recruitment:offer-action", kwargs={"organisation": organisation.pk, "pk": submitted.pk})
    client_as(member).post(url, {"action": "publish", "status": "published"})
    assert (
        client_as(member)
        .post(reverse("moderation:decide", kwargs={"pk": submitted.pk}), {"action": "publish"})
        .status_code
        == 403
    )
    submitted.offer.refresh_from_db()
    assert submitted.offer.status == OfferStatus.SUBMITTED


def test_the_queue_filters_and_counts_and_scoped_staff_see_their_departements(submitted, staff, scoped_staff):
    cantal = PostingFactory(
        organisation=OrganisationFactory(commune="15014"),
        offer__commune="15014",
        offer__status=OfferStatus.SUBMITTED,
        offer__published_at=None,
        offer__title="Chef de projet à Aurillac",
    )
    cantal.submitted_at = timezone.now()
    cantal.save()
    page = client_as(staff).get(reverse("moderation:queue")).content.decode()
    assert "2 offres en attente de modération." in page
    assert submitted.offer.title in page and "Chef de projet à Aurillac" in page
    page = client_as(staff).get(reverse("moderation:queue"), {"departement": "15"}).content.decode()
    assert submitted.offer.title not in page and "Chef de projet à Aurillac" in page
    page = client_as(staff).get(reverse("moderation:queue"), {"attente": "2"}).content.decode()
    assert submitted.offer.title in page and "Chef de projet à Aurillac" not in page
    page = client_as(scoped_staff).get(reverse("moderation:queue")).content.decode()
    assert "1 offre en attente de modération." in page
    assert submitted.offer.title not in page
    assert client_as(scoped_staff).get(reverse("moderation:offer", kwargs={"pk": submitted.pk})).status_code == 404


def test_the_queue_page_has_bounded_queries(staff, organisation, django_assert_max_num_queries):
    for _ in range(5):
        PostingFactory(organisation=organisation, offer__status=OfferStatus.SUBMITTED, offer__published_at=None)
    client = client_as(staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("moderation:queue")).status_code == 200
