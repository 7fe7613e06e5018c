"""Every write of the CLCT app: committees, meetings (with their change log), invitations and answers,
attendance, notes, follow-up actions, delegates' settings. Keyword-only arguments, one transaction each;
e-mails through partnership.notifications (recorded in the transaction, sent after commit)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from partnership.accounts.models import Delegate, User
from partnership.clct import ical, links
from partnership.clct.enums import MeetingStatus, Rsvp
from partnership.clct.models import (
    Action,
    Committee,
    DelegateSettings,
    Invitation,
    Meeting,
    MeetingChange,
    Note,
    new_calendar_token,
)
from partnership.formatting import long_datetime
from partnership.notifications import services as notifications
from partnership.notifications.enums import Purpose
from partnership.notifications.rendering import Attachment
from territories.enums import Zone
from territories.models import Commune, Departement

INVITATION_TEMPLATE = "clct/emails/invitation"
# The fields of a meeting a change log names, with their labels.
TRACKED_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "video_url",
    "agenda",
    "documents",
    "status",
    "minutes",
    "programmes",
)


def ensure_committees() -> int:
    """One committee per département of France (metropolitan and overseas départements, not the overseas
    collectivités the COG lists beside them), idempotent; the number created. Called by import_territories."""
    before = Committee.objects.count()
    codes = Departement.objects.exclude(zone=Zone.COM).values_list("code", flat=True)
    Committee.objects.bulk_create(
        [Committee(departement_id=code) for code in codes],
        ignore_conflicts=True,
    )
    return Committee.objects.count() - before


def _describe_changes(before: Mapping[str, Any], meeting: Meeting, communes_changed: bool) -> list[str]:
    labels = {name: str(getattr(Meeting._meta.get_field(name), "verbose_name", name)) for name in TRACKED_FIELDS}
    changed = [labels[name] for name in TRACKED_FIELDS if before[name] != getattr(meeting, name)]
    if communes_changed:
        changed.append("communes concernées")
    return changed


@transaction.atomic
def create_meeting(
    *, committee: Committee, actor: User, values: Mapping[str, Any], communes: Iterable[Commune] = ()
) -> Meeting:
    """A planned meeting; every delegate of the committee's région is invited (and told by e-mail)."""
    now = timezone.now()
    meeting = Meeting(committee=committee, created_by=actor, created_at=now, updated_at=now, **values)
    meeting.full_clean(exclude=["committee", "communes"])
    meeting.save()
    meeting.communes.set(communes)
    MeetingChange.objects.create(meeting=meeting, actor=actor, at=now, summary="Réunion créée")
    delegates = Delegate.objects.filter(regions=committee.departement.region_id, user__is_active=True)
    Invitation.objects.bulk_create([Invitation(meeting=meeting, delegate=delegate) for delegate in delegates])
    _tell_invited(meeting)
    return meeting


@transaction.atomic
def update_meeting(
    *, meeting: Meeting, actor: User, values: Mapping[str, Any], communes: Iterable[Commune] | None = None
) -> list[str]:
    """Change a meeting; records who changed what, raises its calendar sequence and tells the invited
    delegates when the date, place or status changed. Returns the labels of the changed fields."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {name: getattr(meeting, name) for name in TRACKED_FIELDS}
    for name, value in values.items():
        setattr(meeting, name, value)
    communes_changed = False
    if communes is not None:
        new = {commune.pk for commune in communes}
        communes_changed = new != set(meeting.communes.values_list("pk", flat=True))
    changed = _describe_changes(before, meeting, communes_changed)
    if not changed:
        return []
    meeting.full_clean(exclude=["committee", "communes"])
    meeting.sequence = F("sequence") + 1
    meeting.updated_at = timezone.now()
    meeting.save()
    meeting.refresh_from_db()
    if communes is not None and communes_changed:
        meeting.communes.set(list(communes))
    MeetingChange.objects.create(
        meeting=meeting, actor=actor, at=meeting.updated_at, summary="Modifié : " + ", ".join(changed)
    )
    if any(before[name] != getattr(meeting, name) for name in ("starts_at", "ends_at", "place", "video_url", "status")):
        _tell_invited(meeting)
    return changed


def cancel_meeting(*, meeting: Meeting, actor: User) -> list[str]:
    return update_meeting(meeting=meeting, actor=actor, values={"status": MeetingStatus.CANCELLED})


def invitation_context(invitation: Invitation) -> dict[str, Any]:
    meeting = invitation.meeting
    site = settings.SITE_URL.rstrip("/")
    answers = []
    if meeting.status == MeetingStatus.PLANNED:
        for value, label in Rsvp.choices:
            token = links.rsvp_token(invitation_id=invitation.pk, rsvp=value, version=invitation.link_version)
            answers.append({"label": label, "url": site + reverse("clct:rsvp-link", args=[token])})
    return {
        "meeting": meeting,
        "title": ical.title(meeting),
        "when": long_datetime(meeting.starts_at),
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
        "updated": meeting.sequence > 0,
        "answers": answers,
        "meeting_url": site + meeting.get_absolute_url(),
        "name": invitation.delegate.user.get_short_name(),
    }


def _tell_invited(meeting: Meeting) -> None:
    """One e-mail per invited active delegate and version of the meeting, with the `.ics` attached."""
    ics = Attachment("reunion-clct.ics", ical.invitation_file(meeting), "text/calendar")
    invitations = (
        meeting.invitations.select_related("delegate__user", "meeting__committee__departement")
        .filter(delegate__user__is_active=True)
        .order_by("pk")
    )
    for invitation in invitations:
        notifications.send(
            purpose=Purpose.CLCT_INVITATION,
            key=(invitation.pk, f"v{meeting.sequence}"),
            to=invitation.delegate.user.email,
            template=INVITATION_TEMPLATE,
            context=invitation_context(invitation),
            attachments=[ics],
        )


@transaction.atomic
def answer(*, invitation: Invitation, rsvp: str) -> Invitation:
    """Record a delegate's answer; the e-mail's links given before are spent."""
    if rsvp not in Rsvp.values:
        raise ValueError(f"unknown answer {rsvp!r}")
    Invitation.objects.filter(pk=invitation.pk).update(
        rsvp=rsvp, rsvp_at=timezone.now(), link_version=F("link_version") + 1
    )
    invitation.refresh_from_db()
    return invitation


def answer_from_link(*, claim: links.RsvpClaim, user: User | None) -> Invitation:
    """Use an e-mail's RSVP link once; LinkError when spent, expired, for another person or too late."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("meeting", "delegate__user")
            .filter(pk=claim.invitation_id)
            .first()
        )
        if invitation is None:
            raise links.LinkError("Cette invitation n’existe plus.")
        check_link(invitation=invitation, claim=claim, user=user)
        return answer(invitation=invitation, rsvp=claim.rsvp)


def check_link(*, invitation: Invitation, claim: links.RsvpClaim, user: User | None) -> None:
    if user is not None and user.is_authenticated and user.pk != invitation.delegate.user_id:
        raise links.LinkError("Ce lien a été envoyé à une autre personne : il ne peut pas servir à votre compte.", 403)
    if not invitation.delegate.user.is_active:
        raise links.LinkError("Ce lien n’est plus valide.", 410)
    if invitation.link_version != claim.version:
        raise links.LinkError(
            "Ce lien a déjà servi (ou votre réponse a changé depuis). Modifiez-la depuis votre espace CLCT.", 410
        )
    if invitation.meeting.status != MeetingStatus.PLANNED or invitation.meeting.starts_at <= timezone.now():
        raise links.LinkError("Cette réunion a commencé, est passée ou a été annulée : la réponse est close.", 410)


@transaction.atomic
def record_attendance(*, meeting: Meeting, actor: User, present: Iterable[int]) -> None:
    """After the meeting: who of the invited delegates attended (the others did not)."""
    present_ids = set(present)
    invitations = list(meeting.invitations.select_for_update())
    for invitation in invitations:
        invitation.attended = invitation.pk in present_ids
    Invitation.objects.bulk_update(invitations, ["attended"])
    MeetingChange.objects.create(
        meeting=meeting, actor=actor, summary=f"Présences enregistrées ({len(present_ids)} présent(s))"
    )


def add_note(*, meeting: Meeting, author: User, text: str) -> Note:
    return Note.objects.create(meeting=meeting, author=author, text=text)


def add_action(*, meeting: Meeting, actor: User, title: str, owner: User, due_on: dt.date) -> Action:
    return Action.objects.create(meeting=meeting, title=title, owner=owner, due_on=due_on, created_by=actor)


def mark_done(*, action: Action, done: bool = True) -> Action:
    action.done_at = timezone.now() if done else None
    action.save(update_fields=["done_at"])
    return action


def settings_of(delegate: Delegate) -> DelegateSettings:
    return DelegateSettings.of(delegate)


def give_delegate_settings(
    sender: type[Delegate], instance: Delegate, created: bool, raw: bool = False, **_: Any
) -> None:
    """`post_save` of `Delegate` (partnership/clct/apps.py): a delegate has their settings row from the
    start, so that no page creates it when a delegate first opens it (a GET writes nothing)."""
    if created and not raw:
        DelegateSettings.of(instance)


def renew_calendar_token(*, delegate: Delegate) -> DelegateSettings:
    """Revoke the calendar feed's address: the old one answers 404 from now on."""
    prefs = DelegateSettings.of(delegate)
    prefs.calendar_token = new_calendar_token()
    prefs.save(update_fields=["calendar_token"])
    return prefs


def unsubscribe(*, delegate: Delegate) -> None:
    prefs = DelegateSettings.of(delegate)
    if prefs.digest_subscribed:
        prefs.digest_subscribed = False
        prefs.unsubscribed_at = timezone.now()
        prefs.save(update_fields=["digest_subscribed", "unsubscribed_at"])
