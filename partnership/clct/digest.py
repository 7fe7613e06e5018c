"""The weekly digest of a delegate, sent once and only once per delegate and ISO week.

Every Monday at 07:00 (Paris, beat `clct-weekly-digest`), `tasks.dispatch_digests` queues one
`tasks.send_digest(delegate_id, week)` per active delegate. `send_digest` below:

1. locks the delegate's settings row (`DelegateSettings`, SELECT … FOR UPDATE): two workers running the
   same delegate's digest (a duplicated task, two dispatches, `send_clct_digests` beside beat) take turns;
2. looks for the delivery record of (`clct-digest`, delegate id, week) — recorded: nothing to do;
3. builds the digest and records its delivery through `partnership.notifications.send`, whose unique
   constraint on (purpose, key) is the last guard, in the same transaction; the e-mail is sent by the
   notifications' task after commit, never twice (see partnership/notifications/services.py).

A worker killed mid-run leaves the delegates it had not reached without a record: their tasks (late
acknowledgement) are delivered again, and a second run of the week sends only what is missing.
Inactive accounts, unsubscribed delegates and (unless they asked for it) empty weeks get nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from offers.enums import EventKind, OfferKind, OfferStatus
from offers.models import OfferEvent
from partnership.accounts.models import Delegate
from partnership.alerts.services import unsubscribe_headers
from partnership.clct import links
from partnership.clct.enums import MeetingStatus
from partnership.clct.models import Action, DelegateSettings, Invitation, Meeting
from partnership.formatting import long_date
from partnership.notifications import services as notifications
from partnership.notifications.enums import Purpose
from territories.enums import ProgrammeCode

logger = logging.getLogger(__name__)

TEMPLATE = "clct/emails/digest"
AHEAD = dt.timedelta(days=14)
LISTED = 10  # vacancies listed by name in each list (the rest are counted)


@dataclass(frozen=True)
class Week:
    """An ISO week in Paris time: `2026-W49`, from Monday 00:00 to the next Monday 00:00."""

    year: int
    number: int

    @classmethod
    def of(cls, moment: dt.datetime | None = None) -> Week:
        year, number, _ = timezone.localtime(moment or timezone.now()).isocalendar()
        return cls(year, number)

    @classmethod
    def parse(cls, text: str) -> Week:
        """`2026-W49` → Week(2026, 49); ValueError otherwise."""
        year, _, number = text.strip().upper().partition("-W")
        week = cls(int(year), int(number))
        dt.date.fromisocalendar(week.year, week.number, 1)  # raises ValueError for a week that does not exist
        return week

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.monday, dt.time.min))


@dataclass(frozen=True)
class Outcome:
    status: str  # sent, already-sent, inactive, unsubscribed, empty, gone

    @property
    def sent(self) -> bool:
        return self.status == "sent"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def content(delegate: Delegate, week: Week) -> dict[str, Any]:
    """What the digest of `week` says to `delegate` (see the module docstring); `empty` when it says nothing."""
    user = delegate.user
    start, today = week.start, week.monday
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(starts_at__gte=start, starts_at__lt=start + AHEAD)
        .select_related("committee__departement")
        .order_by("starts_at")
    )
    answers = dict(Invitation.objects.filter(delegate=delegate, meeting__in=meetings).values_list("meeting", "rsvp"))
    pending = (
        Invitation.objects.filter(delegate=delegate, rsvp="", meeting__status=MeetingStatus.PLANNED)
        .filter(meeting__starts_at__gte=start)
        .select_related("meeting__committee__departement")
        .order_by("meeting__starts_at")
    )
    actions = (
        Action.objects.visible_to(user)
        .open()
        .filter(owner=user, due_on__lt=today + dt.timedelta(days=7))
        .select_related("meeting__committee__departement")
        .order_by("due_on", "pk")
    )
    news = regional_news(delegate, week)
    meeting_rows = [
        {
            "title": f"CLCT {_of(meeting)}",
            "when": f"{long_date(meeting.starts_at)} à {timezone.localtime(meeting.starts_at):%H:%M}",
            "cancelled": meeting.status == MeetingStatus.CANCELLED,
            "answer": _answer_label(answers.get(meeting.pk)),
            "url": _absolute(meeting.get_absolute_url()),
        }
        for meeting in meetings
    ]
    pending_rows = [
        {
            "title": f"CLCT {_of(invitation.meeting)}",
            "when": long_date(invitation.meeting.starts_at),
            "url": _absolute(invitation.meeting.get_absolute_url()),
        }
        for invitation in pending
    ]
    action_rows = [
        {
            "title": action.title,
            "due": long_date(action.due_on),
            "late": action.due_on < today,
            "url": _absolute(action.meeting.get_absolute_url() + "#actions"),
        }
        for action in actions
    ]
    empty = not (meeting_rows or pending_rows or action_rows or news["published_total"] or news["filled_total"])
    return {
        "name": user.get_short_name(),
        "week": str(week),
        "week_label": f"semaine du {long_date(week.monday)}",
        "meetings": meeting_rows,
        "pending": pending_rows,
        "actions": action_rows,
        "late_count": sum(1 for row in action_rows if row["late"]),
        **news,
        "empty": empty,
        "space_url": _absolute(reverse("clct:home")),
        "preferences_url": _absolute(reverse("clct:preferences")),
        "unsubscribe_url": _absolute(reverse("clct:unsubscribe", args=[links.unsubscribe_token(delegate.pk)])),
    }


def _of(meeting: Meeting) -> str:
    from partnership.formatting import of_place

    departement = meeting.committee.departement
    return of_place(departement.name, departement.tncc)


def _answer_label(rsvp: str | None) -> str:
    return {None: "", "": "réponse attendue", "yes": "vous participez", "no": "vous ne participez pas"}.get(
        rsvp, "peut-être"
    )


def regional_news(delegate: Delegate, week: Week) -> dict[str, Any]:
    """The offer events of the seven days before `week` in the delegate's régions: offers published (by kind
    and programme), chef-de-projet vacancies published and filled."""
    end = week.start
    begin = end - dt.timedelta(days=7)
    regions = list(delegate.regions.values_list("code", flat=True))
    events = OfferEvent.objects.filter(at__gte=begin, at__lt=end, offer__region__in=regions)
    published = list(
        events.filter(kind=EventKind.PUBLISHED)
        .select_related("offer__commune")
        .only(
            "offer__id",
            "offer__slug",
            "offer__title",
            "offer__kind",
            "offer__programmes",
            "offer__departement_id",
            "offer__commune__name",
        )
        .order_by("at", "pk")
    )
    filled = list(
        events.filter(kind=EventKind.CLOSED, to_status=OfferStatus.FILLED)
        .filter(Q(offer__kind=OfferKind.CHEF_DE_PROJET))
        .select_related("offer__commune")
        .only("offer__id", "offer__slug", "offer__title", "offer__departement_id", "offer__commune__name")
        .order_by("at", "pk")
    )
    offers = {event.offer.pk: event.offer for event in published}.values()  # once each, even if published twice
    by_kind = Counter(offer.kind for offer in offers)
    by_programme = Counter(code for offer in offers for code in offer.programmes)
    vacancies = [offer for offer in offers if offer.kind == OfferKind.CHEF_DE_PROJET]
    filled_offers = list({event.offer.pk: event.offer for event in filled}.values())
    return {
        "news_label": f"du {long_date(begin)} au {long_date(end - dt.timedelta(days=1))}",
        "published_total": len(offers),
        "published_by_kind": [
            {"label": label, "count": by_kind[value]} for value, label in OfferKind.choices if by_kind[value]
        ],
        "published_by_programme": [
            {"label": label, "count": by_programme[value]}
            for value, label in ProgrammeCode.choices
            if by_programme[value]
        ],
        "vacancies": [_offer_row(offer) for offer in vacancies[:LISTED]],
        "vacancies_more": max(len(vacancies) - LISTED, 0),
        "vacancies_total": len(vacancies),
        "filled": [_offer_row(offer) for offer in filled_offers[:LISTED]],
        "filled_more": max(len(filled_offers) - LISTED, 0),
        "filled_total": len(filled_offers),
    }


def _offer_row(offer: Any) -> dict[str, str]:
    return {
        "title": offer.title,
        "place": f"{offer.commune.name} ({offer.departement_id})",
        "url": _absolute(offer.get_absolute_url()),
    }


def send_digest(*, delegate_id: int, week: Week) -> Outcome:
    """Record the digest of (delegate, week) once; its e-mail is sent after commit (module docstring)."""
    key = (delegate_id, str(week))
    with transaction.atomic():
        delegate = Delegate.objects.select_related("user").filter(pk=delegate_id).first()
        if delegate is None:
            return Outcome("gone")
        DelegateSettings.objects.get_or_create(delegate=delegate)
        prefs = DelegateSettings.objects.select_for_update().get(delegate=delegate)  # serialises two workers
        if notifications.is_recorded(purpose=Purpose.CLCT_DIGEST, key=key):
            return Outcome("already-sent")
        if not delegate.user.is_active:
            return Outcome("inactive")
        if not prefs.digest_subscribed:
            return Outcome("unsubscribed")
        context = content(delegate, week)
        if context["empty"] and not prefs.digest_when_empty:
            return Outcome("empty")
        delivery = notifications.send(
            purpose=Purpose.CLCT_DIGEST,
            key=key,
            to=delegate.user.email,
            template=TEMPLATE,
            context=context,
            headers=unsubscribe_headers(context["unsubscribe_url"]),
        )
    if delivery is None:
        return Outcome("already-sent")
    logger.info("clct digest %s recorded for delegate %s", week, delegate_id, extra={"delegate_id": delegate_id})
    return Outcome("sent")


def preview(*, delegate: Delegate, week: Week) -> Any:
    """The message `send_digest` would record, without writing anything (`send_clct_digests --dry-run`);
    None when nothing would be sent."""
    prefs = DelegateSettings.objects.filter(delegate=delegate).first() or DelegateSettings(delegate=delegate)
    if not delegate.user.is_active or not prefs.digest_subscribed:
        return None
    context = content(delegate, week)
    if context["empty"] and not prefs.digest_when_empty:
        return None
    return notifications.render(
        to=delegate.user.email,
        template=TEMPLATE,
        context=context,
        headers=unsubscribe_headers(context["unsubscribe_url"]),
    )


def due_delegates() -> list[int]:
    return list(Delegate.objects.filter(user__is_active=True).order_by("pk").values_list("pk", flat=True))
