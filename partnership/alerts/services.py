"""E-mail alerts: subscribe (double opt-in), confirm, unsubscribe, and the daily or weekly send.

- `request_alert` records the address and the alert, unconfirmed, and e-mails a confirmation link
  (signed, valid `CONFIRMATION_MAX_AGE`); nothing else is sent until it is followed (`confirm`).
- `send_alert(alert_id=…, period=…)` sends the offers of the alert's search published since its last
  send (read from the offer events), never an offer it sent before (`SentOffer`), nothing when nothing
  is new. In one transaction that locks the alert's row: the delivery record (purpose `search-alert`,
  key `<alert>:<period>`), the offers it holds and the new « last sent » moment. A duplicated or
  retried task, or two workers at once, find the period's delivery recorded and send nothing.
- Every e-mail carries `List-Unsubscribe` (one click, RFC 8058) and a link to the page that lists
  and deletes every alert of the address.
- `purge` (daily, from `purge_personal_data`): alerts unconfirmed after 7 days, and addresses left
  without an alert, are deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from offers.enums import EventKind
from offers.models import Offer, OfferEvent
from offers.search import RESULT_FIELDS
from partnership.accounts.models import UserManager
from partnership.alerts.enums import Frequency
from partnership.alerts.models import Alert, SentOffer, Subscriber
from partnership.alerts.searches import filterset
from partnership.notifications import services as notifications
from partnership.notifications.enums import Purpose
from territories import programmes

logger = logging.getLogger(__name__)

CONFIRMATION_MAX_AGE = dt.timedelta(days=7)
MANAGE_MAX_AGE = dt.timedelta(days=90)
# Confirmation e-mails of one alert, at most (the rate limits bound the rest).
MAX_CONFIRMATIONS = 3
# Offers listed in one e-mail; the others are one link away (the search, newest first).
MAX_OFFERS = 20
# Offers published shortly before the last send may have been committed after it: looked at again
# (SentOffer keeps them from going twice).
OVERLAP = dt.timedelta(hours=1)

_CONFIRM_SALT = "alerts.confirm"
_UNSUBSCRIBE_SALT = "alerts.unsubscribe"
_MANAGE_SALT = "alerts.manage"


class InvalidLink(Exception):
    """A link whose signature is wrong, or that has expired."""


# --- Signed links ---------------------------------------------------------------------------------


def confirmation_token(alert: Alert) -> str:
    return signing.dumps(alert.pk, salt=_CONFIRM_SALT, compress=False)


def unsubscribe_token(alert: Alert) -> str:
    return signing.dumps(alert.pk, salt=_UNSUBSCRIBE_SALT)


def manage_token(subscriber: Subscriber) -> str:
    return signing.dumps(subscriber.pk, salt=_MANAGE_SALT)


def _load(token: str, salt: str, max_age: dt.timedelta | None = None) -> int:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature as error:  # SignatureExpired included
        raise InvalidLink from error
    if not isinstance(value, int):
        raise InvalidLink
    return value


def alert_of_confirmation(token: str) -> int:
    return _load(token, _CONFIRM_SALT, CONFIRMATION_MAX_AGE)


def alert_of_unsubscribe(token: str) -> int:
    return _load(token, _UNSUBSCRIBE_SALT)


def subscriber_of_manage(token: str) -> int:
    return _load(token, _MANAGE_SALT, MANAGE_MAX_AGE)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def links(alert: Alert) -> dict[str, str]:
    unsubscribe = _absolute(reverse("alerts:unsubscribe", args=[unsubscribe_token(alert)]))
    return {
        "unsubscribe_url": unsubscribe,
        "manage_url": _absolute(reverse("alerts:manage", args=[manage_token(alert.subscriber)])),
        "search_url": _absolute(reverse("offers:search") + (f"?{alert.query}" if alert.query else "")),
    }


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """One-click unsubscribe (RFC 8058): a POST to the link, without a form or a login."""
    return {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- Subscribing ---------------------------------------------------------------------------------


def request_alert(*, email: str, query: str, description: str, frequency: str) -> Alert:
    """Record the alert (unconfirmed) and e-mail its confirmation link; an alert the address already
    confirmed for the same search and frequency is left as it is (nothing is sent)."""
    email = UserManager.canonical_email(email)
    with transaction.atomic():
        subscriber, _ = Subscriber.objects.get_or_create(email=email)
        alert, _ = Alert.objects.get_or_create(
            subscriber=subscriber, query=query, frequency=frequency, defaults={"description": description}
        )
        alert = Alert.objects.select_for_update().select_related("subscriber").get(pk=alert.pk)
        if alert.confirmed_at is not None or alert.confirmation_requests >= MAX_CONFIRMATIONS:
            return alert
        alert.confirmation_requests += 1
        alert.save(update_fields=["confirmation_requests"])
        confirm_url = _absolute(reverse("alerts:confirm", args=[confirmation_token(alert)]))
        notifications.send(
            purpose=Purpose.ALERT_CONFIRMATION,
            key=(alert.pk, alert.confirmation_requests),
            to=subscriber.email,
            template="alerts/emails/confirmation",
            context={
                "description": alert.description,
                "frequency": alert.get_frequency_display().lower(),
                "confirm_url": confirm_url,
                "days": CONFIRMATION_MAX_AGE.days,
            },
        )
    return alert


def confirm(alert_id: int, *, now: dt.datetime | None = None) -> Alert | None:
    """Confirm the alert (the first time only: offers published from then on are new to it)."""
    now = now or timezone.now()
    Alert.objects.filter(pk=alert_id, confirmed_at__isnull=True).update(confirmed_at=now)
    return Alert.objects.filter(pk=alert_id).select_related("subscriber").first()


def delete_alert(alert_id: int, *, subscriber_id: int | None = None) -> bool:
    """Delete one alert (of this subscriber, when given), and the address when it has none left."""
    with transaction.atomic():
        alerts = Alert.objects.filter(pk=alert_id)
        if subscriber_id is not None:
            alerts = alerts.filter(subscriber_id=subscriber_id)
        alert = alerts.select_for_update().first()
        if alert is None:
            return False
        alert.delete()
        Subscriber.objects.filter(pk=alert.subscriber_id).exclude(
            Exists(Alert.objects.filter(subscriber=OuterRef("pk")))
        ).delete()
    return True


def delete_subscriber(subscriber_id: int) -> int:
    """Delete the address and every alert of it; returns how many alerts."""
    deleted, by_model = Subscriber.objects.filter(pk=subscriber_id).delete()
    return by_model.get("alerts.Alert", 0)


def send_manage_link(*, email: str) -> bool:
    """E-mail the address the link to its alerts' page, if it has alerts (the page that asks says
    the same thing either way: it does not tell who subscribed)."""
    subscriber = Subscriber.objects.filter(email=UserManager.canonical_email(email)).first()
    if subscriber is None or not subscriber.alerts.exists():
        return False
    hour = timezone.localtime().strftime("%Y-%m-%dT%H")
    notifications.send(
        purpose=Purpose.ALERT_MANAGE,
        key=(subscriber.pk, hour),  # one a hour at most
        to=subscriber.email,
        template="alerts/emails/manage",
        context={"manage_url": _absolute(reverse("alerts:manage", args=[manage_token(subscriber)]))},
    )
    return True


# --- Sending ---------------------------------------------------------------------------------


def period_of(frequency: str, now: dt.datetime | None = None) -> str:
    """The period a send belongs to, in Paris time: `2026-12-03` (daily) or `2026-W49` (weekly)."""
    local = timezone.localtime(now or timezone.now())
    if frequency == Frequency.WEEKLY:
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.date().isoformat()


def due_alerts(frequency: str) -> list[int]:
    return list(Alert.objects.confirmed().filter(frequency=frequency).order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class SendOutcome:
    status: str  # "sent", "nothing-new", "already-sent", "gone"
    offers: int = 0


def new_offers(alert: Alert, now: dt.datetime) -> tuple[list[Offer], int]:
    """The open offers of the alert's search published since its last send and never sent to it:
    the newest MAX_OFFERS, and how many there are."""
    since = alert.last_sent_at - OVERLAP if alert.last_sent_at else alert.confirmed_at
    published = OfferEvent.objects.filter(kind=EventKind.PUBLISHED, at__gt=since, at__lte=now).values("offer_id")
    matches = (
        filterset(alert.query)
        .filter_queryset(Offer.objects.published().filter(pk__in=published))
        .exclude(pk__in=SentOffer.objects.filter(alert=alert).values("offer_id"))
    )
    total = matches.count()
    if not total:
        return [], 0
    offers = list(matches.order_by("-published_at", "-id").select_related("commune").only(*RESULT_FIELDS)[:MAX_OFFERS])
    short_names = programmes.short_names()
    for offer in offers:
        offer.programme_labels = [short_names.get(code, code) for code in offer.programmes]  # type: ignore[attr-defined]
    return offers, total


def send_alert(*, alert_id: int, period: str, now: dt.datetime | None = None) -> SendOutcome:
    now = now or timezone.now()
    key = (alert_id, period)
    with transaction.atomic():
        # Serialises two workers on one alert: the second waits, then finds the delivery recorded.
        alert = (
            Alert.objects.confirmed()
            .select_for_update(of=("self",))
            .select_related("subscriber")
            .filter(pk=alert_id)
            .first()
        )
        if alert is None:
            return SendOutcome("gone")
        if notifications.is_recorded(purpose=Purpose.SEARCH_ALERT, key=key):
            return SendOutcome("already-sent")
        offers, total = new_offers(alert, now)
        if not offers:
            return SendOutcome("nothing-new")
        urls = links(alert)
        delivery = notifications.send(
            purpose=Purpose.SEARCH_ALERT,
            key=key,
            to=alert.subscriber.email,
            template="alerts/emails/alert",
            context={
                "description": alert.description,
                "offers": [
                    {
                        "title": offer.title,
                        "employer": offer.employer_name,
                        "place": f"{offer.commune.name} ({offer.departement_id})",
                        "kind": offer.get_kind_display(),
                        "programmes": offer.programme_labels,  # type: ignore[attr-defined]
                        "url": _absolute(offer.get_absolute_url()),
                    }
                    for offer in offers
                ],
                "total": total,
                "more": total - len(offers),
                "weekly": alert.frequency == Frequency.WEEKLY,
                **urls,
            },
            headers=unsubscribe_headers(urls["unsubscribe_url"]),
        )
        if delivery is None:  # recorded meanwhile by another transaction
            return SendOutcome("already-sent")
        SentOffer.objects.bulk_create([SentOffer(alert=alert, offer=offer, sent_at=now) for offer in offers])
        Alert.objects.filter(pk=alert.pk).update(last_sent_at=now)
    logger.info("alert %s sent %s offer(s) for %s", alert_id, len(offers), period, extra={"alert_id": alert_id})
    return SendOutcome("sent", len(offers))


# --- Retention ---------------------------------------------------------------------------------

UNCONFIRMED_RETENTION = dt.timedelta(days=7)


def purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Alerts unconfirmed after UNCONFIRMED_RETENTION, then addresses with no alert: deleted."""
    now = now or timezone.now()
    _, unconfirmed = Alert.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - UNCONFIRMED_RETENTION
    ).delete()
    _, alertless = Subscriber.objects.exclude(Exists(Alert.objects.filter(subscriber=OuterRef("pk")))).delete()
    return {
        "unconfirmed alerts deleted": unconfirmed.get("alerts.Alert", 0),
        "addresses without an alert deleted": alertless.get("alerts.Subscriber", 0),
    }
