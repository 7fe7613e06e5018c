"""Committees, who sees them, the database's rules, and the services that change meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnership.clct import services
from partnership.clct.enums import MeetingStatus, Rsvp
from partnership.clct.models import Committee, DelegateSettings, Invitation, Meeting, MeetingChange
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from territories.enums import Zone
from territories.models import Departement
from tests.clct.factories import InvitationFactory, MeetingFactory, committee
from tests.factories import DelegateFactory

pytestmark = pytest.mark.django_db


def test_one_committee_per_departement_created_by_the_territories_import():
    assert Committee.objects.count() == Departement.objects.exclude(zone=Zone.COM).count() == 101
    assert not Committee.objects.filter(departement__zone=Zone.COM).exists()
    assert services.ensure_committees() == 0  # idempotent
    Committee.objects.filter(departement_id="2A").delete()
    assert services.ensure_committees() == 1
    assert Committee.objects.filter(departement_id="2A").exists()


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("anonymous", set()),
        ("job_seeker", set()),
        ("member", set()),
        ("delegate", {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}),
        ("other_delegate", {"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"}),
        ("scoped_staff", {"15"}),
    ],
)
def test_who_sees_which_committees(personas, persona, sees):
    assert set(Committee.objects.visible_to(personas[persona]).values_list("pk", flat=True)) == sees
    meeting = MeetingFactory(committee=committee("19"))
    assert Meeting.objects.visible_to(personas[persona]).contains(meeting) == ("19" in sees)


def test_staff_see_every_committee(staff, superuser):
    assert Committee.objects.visible_to(staff).count() == 101
    assert Committee.objects.visible_to(superuser).count() == 101


def test_a_delegate_of_two_regions_sees_both_once():
    user = DelegateFactory(regions=["75", "84"]).user
    assert Committee.objects.visible_to(user).count() == 24
    MeetingFactory(committee=committee("19"))
    assert Meeting.objects.visible_to(user).count() == 1  # no duplicate from the join


def test_an_inactive_delegate_sees_nothing():
    user = DelegateFactory(user__is_active=False).user
    assert not Committee.objects.visible_to(user).exists()


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"ends_at_delta": -1}, "clct_meeting_ends_after_start"),
        ({"place": "", "video_url": ""}, "clct_meeting_place_or_video"),
        ({"minutes": "Compte rendu"}, "clct_meeting_minutes_when_held"),
        ({"status": "postponed"}, "clct_meeting_status_valid"),
    ],
)
def test_the_database_refuses_an_impossible_meeting(changes, constraint):
    meeting = MeetingFactory()
    delta = changes.pop("ends_at_delta", None)
    if delta is not None:
        changes["ends_at"] = meeting.starts_at + dt.timedelta(hours=delta)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(**changes)


def test_a_delegate_is_invited_once_and_answers_with_a_known_answer():
    invitation = InvitationFactory()
    with pytest.raises(IntegrityError, match="clct_invitation_once_per_delegate"), transaction.atomic():
        Invitation.objects.create(meeting=invitation.meeting, delegate=invitation.delegate)
    with pytest.raises(IntegrityError, match="clct_invitation_rsvp_valid"), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(rsvp="bof", rsvp_at=timezone.now())
    with pytest.raises(IntegrityError, match="clct_invitation_rsvp_at_iff_answered"), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(rsvp=Rsvp.YES)


def _values(**extra):
    start = (timezone.now() + dt.timedelta(days=20)).replace(second=0, microsecond=0)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=2), "place": "Préfecture de Tulle"} | extra


def test_creating_a_meeting_invites_the_delegates_of_the_region_and_mails_them_an_ics(
    delegate, other_delegate, staff, django_capture_on_commit_callbacks
):
    inactive = DelegateFactory(regions=["75"], user__is_active=False)
    with django_capture_on_commit_callbacks() as callbacks:
        meeting = services.create_meeting(committee=committee("19"), actor=staff, values=_values())
    invited = set(meeting.invitations.values_list("delegate__user", flat=True))
    assert invited == {delegate.pk}  # not the other région's, nor a deactivated account
    assert inactive.user.pk not in invited
    assert list(meeting.changes.values_list("summary", "actor")) == [("Réunion créée", staff.pk)]
    delivery = Delivery.objects.get(purpose=Purpose.CLCT_INVITATION)
    assert delivery.recipient_email == delegate.email
    assert delivery.key == f"{meeting.invitations.get(delegate__user=delegate).pk}:v0"
    assert [item["filename"] for item in delivery.attachments] == ["reunion-clct.ics"]
    assert "/clct/reponse/" in delivery.body_text
    assert len(callbacks) == 1  # its task, queued after commit


def test_updating_a_meeting_records_the_change_raises_the_sequence_and_mails_again(delegate, staff):
    meeting = services.create_meeting(committee=committee("19"), actor=staff, values=_values())
    later = meeting.starts_at + dt.timedelta(days=1)
    changed = services.update_meeting(
        meeting=meeting, actor=delegate, values={"starts_at": later, "ends_at": later + dt.timedelta(hours=1)}
    )
    assert changed == ["début", "fin"]
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    change = MeetingChange.objects.filter(meeting=meeting).first()
    assert (change.actor, change.summary) == (delegate, "Modifié : début, fin")
    assert Delivery.objects.filter(purpose=Purpose.CLCT_INVITATION).count() == 2
    assert Delivery.objects.get(key__endswith=":v1").subject.startswith("Modifiée : ")

    # Nothing changed: nothing recorded, nothing sent.
    assert services.update_meeting(meeting=meeting, actor=delegate, values={"place": meeting.place}) == []
    assert MeetingChange.objects.filter(meeting=meeting).count() == 2

    # The agenda alone: recorded, no e-mail.
    services.update_meeting(meeting=meeting, actor=staff, values={"agenda": "Nouvel ordre du jour"})
    assert Delivery.objects.filter(purpose=Purpose.CLCT_INVITATION).count() == 2

    services.cancel_meeting(meeting=meeting, actor=staff)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.CANCELLED, 3)
    cancelled = Delivery.objects.get(key__endswith=":v3")
    assert cancelled.subject.startswith("Annulée : ")
    assert "/clct/reponse/" not in cancelled.body_text  # no answer links for a cancelled meeting


def test_answering_spends_the_links():
    invitation = InvitationFactory()
    services.answer(invitation=invitation, rsvp=Rsvp.MAYBE)
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.link_version) == (Rsvp.MAYBE, 1)
    assert invitation.rsvp_at is not None


def test_a_new_delegate_has_settings_so_no_page_writes_them(client):
    """The settings row (digest, calendar secret) is written with the delegate: the calendar and
    preferences pages, opened for the first time, read it and write nothing."""
    delegate = DelegateFactory()
    settings = DelegateSettings.objects.get(delegate=delegate)
    assert settings.digest_subscribed and settings.calendar_token

    client.force_login(delegate.user)
    for path in ("/clct/agenda/", "/clct/preferences/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        writes = [
            q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
        ]
        assert [sql for sql in writes if "clct_delegatesettings" in sql] == [], path
