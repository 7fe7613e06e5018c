"""The offer lifecycle: the one owner of every write to offers.

Each change is a function that sets the status, the dates and the slug, records an offer event
(`OfferEvent`: what, from which status to which, when, who, why) in the same transaction, and makes
cached offer pages stale once it commits. Bulk writers (the feed engine, the demo seeder) go through
`offers.bulk.BulkWriter`, which follows the same rules for thousands of rows at once.

    draft ──submit──▶ submitted ──publish──▶ published ──close──▶ filled | expired | withdrawn
      ▲                   │                      ▲                          │
      └────── return ─────┘ (rejected)           └────────── renew ─────────┘

Invalid transitions raise `TransitionError` with a French message.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from offers.cache import bump_offers_version
from offers.enums import CLOSED_STATUSES, EventKind, OfferStatus
from offers.models import Offer, OfferEvent, offer_slug

if TYPE_CHECKING:
    from partnership.accounts.models import User

# The statuses an offer may move to from each status.
TRANSITIONS: dict[str, frozenset[str]] = {
    OfferStatus.DRAFT: frozenset({OfferStatus.SUBMITTED, OfferStatus.PUBLISHED, OfferStatus.WITHDRAWN}),
    OfferStatus.SUBMITTED: frozenset(
        {OfferStatus.PUBLISHED, OfferStatus.REJECTED, OfferStatus.DRAFT, OfferStatus.WITHDRAWN}
    ),
    OfferStatus.REJECTED: frozenset({OfferStatus.SUBMITTED, OfferStatus.DRAFT, OfferStatus.WITHDRAWN}),
    OfferStatus.PUBLISHED: frozenset(CLOSED_STATUSES),
    OfferStatus.FILLED: frozenset({OfferStatus.PUBLISHED}),
    OfferStatus.EXPIRED: frozenset({OfferStatus.PUBLISHED}),
    OfferStatus.WITHDRAWN: frozenset({OfferStatus.PUBLISHED}),
}
# Statuses whose offers the public sees (search, pages, feeds): a change to one makes cached pages stale.
PUBLIC_STATUSES = frozenset({OfferStatus.PUBLISHED, *CLOSED_STATUSES})


class TransitionError(ValueError):
    """A change the offer's status does not allow; the message says why, in French."""


def _record(
    offer: Offer,
    kind: str,
    before: str,
    *,
    actor: User | None,
    at: dt.datetime,
    reason: str = "",
) -> OfferEvent:
    event = OfferEvent.objects.create(
        offer=offer, kind=kind, from_status=before, to_status=offer.status, at=at, actor=actor, reason=reason
    )
    if before in PUBLIC_STATUSES or offer.status in PUBLIC_STATUSES:
        bump_offers_version()  # after commit
    return event


def _locked(offer: Offer) -> Offer:
    """The offer's row, locked for this transaction: its status is the one to change from."""
    return Offer.objects.select_for_update().get(pk=offer.pk)


def _move(offer: Offer, to: str) -> str:
    before = offer.status
    if to not in TRANSITIONS.get(before, frozenset()):
        raise TransitionError(
            f"Une offre « {OfferStatus(before).label.lower()} » ne peut pas passer "
            f"à « {OfferStatus(to).label.lower()} »."
        )
    offer.status = to
    return before


@transaction.atomic
def create_offer(*, offer: Offer, actor: User | None = None, at: dt.datetime | None = None) -> Offer:
    """Save a new offer (a draft unless its status says otherwise) with its slug, and its first event."""
    at = at or timezone.now()
    if offer.pk is not None:
        raise TransitionError("Cette offre existe déjà.")
    offer.slug = offer_slug(offer.title)
    if offer.status == OfferStatus.PUBLISHED and offer.published_at is None:
        offer.published_at = at
    offer.save()
    kind = EventKind.PUBLISHED if offer.status == OfferStatus.PUBLISHED else EventKind.CREATED
    _record(offer, kind, "", actor=actor, at=at)
    return offer


@transaction.atomic
def update_offer(*, offer: Offer, actor: User | None = None, at: dt.datetime | None = None) -> Offer:
    """Save the fields of `offer` that were edited (not its status or dates: the transitions set those)."""
    at = at or timezone.now()
    current = _locked(offer)
    for name in ("status", "published_at", "closed_at"):
        setattr(offer, name, getattr(current, name))
    offer.slug = offer_slug(offer.title)
    offer.save()
    _record(offer, EventKind.UPDATED, current.status, actor=actor, at=at)
    return offer


@transaction.atomic
def submit(*, offer: Offer, actor: User | None = None, at: dt.datetime | None = None) -> Offer:
    """Send a draft (or a returned offer) to moderation."""
    at = at or timezone.now()
    offer.status = _locked(offer).status
    before = _move(offer, OfferStatus.SUBMITTED)
    offer.save(update_fields=["status", "updated_at"])
    _record(offer, EventKind.SUBMITTED, before, actor=actor, at=at)
    return offer


@transaction.atomic
def return_offer(*, offer: Offer, reason: str, actor: User | None = None, at: dt.datetime | None = None) -> Offer:
    """Send an offer waiting for moderation back to its organisation, with the reason it must read."""
    if not reason.strip():
        raise TransitionError("Indiquez pourquoi l’offre est renvoyée à l’organisation.")
    at = at or timezone.now()
    offer.status = _locked(offer).status
    if offer.status != OfferStatus.SUBMITTED:
        raise TransitionError("Seule une offre en attente de modération peut être renvoyée.")
    before = _move(offer, OfferStatus.REJECTED)
    offer.save(update_fields=["status", "updated_at"])
    _record(offer, EventKind.RETURNED, before, actor=actor, at=at, reason=reason.strip())
    return offer


@transaction.atomic
def publish(
    *,
    offer: Offer,
    actor: User | None = None,
    expires_at: dt.datetime | None = None,
    at: dt.datetime | None = None,
    reason: str = "",
) -> Offer:
    """Publish an offer: it appears in the search at once (cached pages made stale after commit).

    A first publication sets the publication date; a closed offer published again keeps it."""
    at = at or timezone.now()
    current = _locked(offer)
    offer.status = current.status
    before = _move(offer, OfferStatus.PUBLISHED)
    offer.published_at = current.published_at or at
    offer.closed_at = None
    if expires_at is not None:
        offer.expires_at = expires_at
    if offer.expires_at is not None and offer.expires_at <= at:
        raise TransitionError("La date limite de l’offre est passée : choisissez-en une nouvelle pour la publier.")
    offer.save(update_fields=["status", "published_at", "closed_at", "expires_at", "updated_at"])
    _record(offer, EventKind.PUBLISHED, before, actor=actor, at=at, reason=reason)
    return offer


@transaction.atomic
def close(
    *, offer: Offer, status: str, actor: User | None = None, reason: str = "", at: dt.datetime | None = None
) -> Offer:
    """Close an offer: filled, expired or withdrawn (a draft or a submitted offer may be withdrawn too)."""
    if status not in CLOSED_STATUSES:
        raise TransitionError(f"« {status} » n’est pas une fermeture.")
    at = at or timezone.now()
    offer.status = _locked(offer).status
    before = _move(offer, status)
    offer.closed_at = at
    offer.save(update_fields=["status", "closed_at", "updated_at"])
    _record(offer, EventKind.CLOSED, before, actor=actor, at=at, reason=reason)
    return offer


@transaction.atomic
def renew(*, offer: Offer, until: dt.datetime, actor: User | None = None, at: dt.datetime | None = None) -> Offer:
    """Push back an open offer's end date (before it expires), or publish an expired one again until `until`."""
    at = at or timezone.now()
    if until <= at:
        raise TransitionError("La nouvelle date limite doit être dans le futur.")
    current = _locked(offer)
    if current.status == OfferStatus.EXPIRED:
        publish(offer=offer, actor=actor, expires_at=until, at=at, reason="Prolongée")
        return offer
    if current.status != OfferStatus.PUBLISHED:
        raise TransitionError("Seule une offre publiée ou expirée peut être prolongée.")
    if current.expires_at is not None and until <= current.expires_at:
        raise TransitionError("La nouvelle date limite doit être après l’actuelle.")
    offer.status, offer.expires_at = current.status, until
    offer.save(update_fields=["expires_at", "updated_at"])
    _record(offer, EventKind.RENEWED, current.status, actor=actor, at=at, reason=f"Jusqu’au {until:%d/%m/%Y}")
    return offer


def expire_due(now: dt.datetime | None = None) -> int:
    """Close the published offers whose end date has passed (the hourly beat task); returns how many.

    Their pages already say « expirée » from the end date on (`Offer.closure`); this records it, with
    `closed_at`, from which the page's 90 days before 410 Gone are counted."""
    from offers.bulk import BulkWriter

    now = now or timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM offers_offer WHERE status = %s AND expires_at <= %s FOR UPDATE",
            [OfferStatus.PUBLISHED, now],
        )
        due = [pk for (pk,) in cursor.fetchall()]
        if not due:
            return 0
        return BulkWriter(cursor.cursor).close(due, status=OfferStatus.EXPIRED, at=now, reason="Date limite passée")


def refresh_places() -> int:
    """Copy each offer's commune data (département, région, point, programmes) again where it changed.

    Runs after every territories import, in its transaction; returns the number of offers updated.
    Not a change of the offers themselves: no event, and the import makes pages stale itself."""
    assert Offer._meta.db_table == "offers_offer"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE offers_offer AS o
               SET departement_id = c.departement_id, region_id = c.region_id,
                   latitude = c.latitude, longitude = c.longitude, programmes = c.programmes
              FROM territories_commune AS c
             WHERE o.commune_id = c.code
               AND (o.departement_id, o.region_id, o.latitude, o.longitude, o.programmes)
                   IS DISTINCT FROM (c.departement_id, c.region_id, c.latitude, c.longitude, c.programmes)
            """
        )
        count = int(cursor.rowcount)
    if count:
        bump_offers_version()
    return count
