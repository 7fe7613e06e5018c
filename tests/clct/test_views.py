"""The CLCT space: what a delegate sees and does, what staff do, and what another région's delegate cannot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from offers.enums import OfferStatus
from partnership.clct import views
from partnership.clct.enums import MeetingStatus, Rsvp
from partnership.clct.models import Action, DelegateSettings, Invitation, Meeting, MeetingChange, Note
from partnership.notifications.models import Delivery
from territories.models import Commune, Programme
from tests.clct.factories import ActionFactory, InvitationFactory, MeetingFactory, NoteFactory, committee
from tests.factories import OfferFactory
from tests.personas import client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(delegate):
    return InvitationFactory(delegate=delegate.delegate)


def test_the_home_page_shows_upcoming_meetings_rsvps_owed_and_my_actions(
    delegate, invitation, django_assert_max_num_queries
):
    late = ActionFactory(meeting=invitation.meeting, owner=delegate, due_on=timezone.localdate() - dt.timedelta(days=2))
    MeetingFactory(committee=committee("15"))  # another région's: not shown
    held = MeetingFactory(held=True)
    client = client_as(delegate)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("clct:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(invitation.meeting.get_absolute_url()) >= 2  # in the upcoming meetings and the answers owed
    assert "Réponses attendues (1)" in page
    assert "Réponse attendue" in page
    assert late.title in page and "En retard" in page
    assert held.get_absolute_url() + "#compte-rendu" in page
    assert "Cantal" not in page


def test_the_home_page_query_count_does_not_grow_with_meetings(delegate, django_assert_max_num_queries):
    for _ in range(8):
        InvitationFactory(delegate=delegate.delegate)
        ActionFactory(owner=delegate)
    client = client_as(delegate)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("clct:home")).status_code == 200


def test_a_delegate_answers_on_the_page_and_changes_their_mind(delegate, invitation):
    client = client_as(delegate)
    url = reverse("clct:meeting-rsvp", args=[invitation.meeting.pk])
    response = client.post(url, {"rsvp": Rsvp.MAYBE})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.MAYBE
    client.post(url, {"rsvp": Rsvp.YES})
    invitation.refresh_from_db()
    assert (invitation.rsvp, invitation.link_version) == (Rsvp.YES, 2)
    page = client.get(invitation.meeting.get_absolute_url()).content.decode()
    assert "Vous avez répondu : <strong>Je participerai</strong>" in page


def test_a_bad_answer_keeps_the_page_with_an_error(delegate, invitation):
    response = client_as(delegate).post(reverse("clct:meeting-rsvp", args=[invitation.meeting.pk]), {"rsvp": "bof"})
    assert response.status_code == 400
    assert "Choisissez une réponse." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.rsvp == ""


def test_no_answer_after_the_meeting_started(delegate):
    invitation = InvitationFactory(delegate=delegate.delegate, meeting=MeetingFactory(past=True))
    client_as(delegate).post(reverse("clct:meeting-rsvp", args=[invitation.meeting.pk]), {"rsvp": Rsvp.YES})
    invitation.refresh_from_db()
    assert invitation.rsvp == ""


def test_attendance_is_recorded_after_the_meeting(delegate, staff):
    meeting = MeetingFactory(past=True)
    mine = InvitationFactory(meeting=meeting, delegate=delegate.delegate)
    absent = InvitationFactory(meeting=meeting)
    response = client_as(staff).post(reverse("clct:meeting-attendance", args=[meeting.pk]), {"present": [mine.pk]})
    assert response.status_code == 302
    mine.refresh_from_db()
    absent.refresh_from_db()
    assert (mine.attended, absent.attended) == (True, False)
    assert MeetingChange.objects.get(meeting=meeting).summary == "Présences enregistrées (1 présent(s))"


def test_attendance_waits_for_the_meeting(delegate, invitation):
    client_as(delegate).post(
        reverse("clct:meeting-attendance", args=[invitation.meeting.pk]), {"present": [invitation.pk]}
    )
    invitation.refresh_from_db()
    assert invitation.attended is None


def test_notes_are_private_to_their_author(delegate, staff, invitation):
    meeting = invitation.meeting
    client = client_as(delegate)
    assert (
        client.post(reverse("clct:meeting-note", args=[meeting.pk]), {"text": "Relancer la sous-préfète"}).status_code
        == 302
    )
    assert Note.objects.get(meeting=meeting).author == delegate
    assert "Relancer la sous-préfète" in client.get(meeting.get_absolute_url()).content.decode()
    assert "Relancer la sous-préfète" not in client_as(staff).get(meeting.get_absolute_url()).content.decode()
    NoteFactory(meeting=meeting, author=staff, text="Note de l’équipe")
    assert "Note de l’équipe" not in client.get(meeting.get_absolute_url()).content.decode()


def test_an_empty_note_is_refused_with_a_french_error(delegate, invitation):
    response = client_as(delegate).post(reverse("clct:meeting-note", args=[invitation.meeting.pk]), {"text": ""})
    assert response.status_code == 400
    assert "Écrivez la note avant de l’enregistrer." in response.content.decode()
    assert not Note.objects.exists()


def test_actions_are_added_marked_done_and_listed_late(delegate, invitation):
    client = client_as(delegate)
    due = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        reverse("clct:action-create", args=[invitation.meeting.pk]),
        {"title": "Envoyer la liste des VTA", "owner": delegate.pk, "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Envoyer la liste des VTA")
    assert (action.owner, action.created_by, action.due_on) == (delegate, delegate, due)
    late = client.get(reverse("clct:actions") + "?en_retard=1").content.decode()
    assert "Envoyer la liste des VTA" in late
    client.post(reverse("clct:action-done", args=[action.pk]), {"retour": "actions"})
    action.refresh_from_db()
    assert action.done_at is not None
    assert not client.get(reverse("clct:actions") + "?en_retard=1").context["actions"]
    client.post(reverse("clct:action-done", args=[action.pk]), {"fait": "0"})
    action.refresh_from_db()
    assert action.done_at is None


def test_an_action_owner_must_be_someone_of_the_meeting(delegate, other_delegate, invitation):
    response = client_as(delegate).post(
        reverse("clct:action-create", args=[invitation.meeting.pk]),
        {"title": "x", "owner": other_delegate.pk, "due_on": "2027-01-10"},
    )
    assert response.status_code == 400
    assert "Choisissez un responsable." in response.content.decode()


def test_a_delegate_creates_a_meeting_in_paris_time(delegate, django_capture_on_commit_callbacks):
    response = client_as(delegate).post(
        reverse("clct:meeting-create", args=["19"]),
        {
            "date": "2027-03-04",
            "start": "09:30",
            "end": "12:00",
            "place": "Préfecture de la Corrèze, Tulle",
            "agenda": "Bilan des VTA",
            "documents": "Diaporama | https://example.org/diaporama.pdf\nhttps://example.org/liste.pdf",
            "programmes": ["pvd", "acv"],
            "communes": "Tulle, 19031",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == dt.datetime(2027, 3, 4, 8, 30, tzinfo=dt.UTC)  # 09:30 in Paris (winter)
    assert meeting.document_links() == [
        ("Diaporama", "https://example.org/diaporama.pdf"),
        ("https://example.org/liste.pdf", "https://example.org/liste.pdf"),
    ]
    assert sorted(meeting.communes.values_list("code", flat=True)) == ["19031", "19272"]
    assert meeting.invitations.get().delegate.user == delegate
    assert Delivery.objects.filter(purpose="clct-invitation").count() == 1


def test_bad_meeting_input_gives_french_errors_and_keeps_what_was_typed(staff):
    response = client_as(staff).post(
        reverse("clct:meeting-create", args=["19"]),
        {"date": "2027-03-04", "start": "14:00", "end": "13:00", "agenda": "Mon ordre du jour", "communes": "Aurillac"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "L’heure de fin doit suivre l’heure de début." in page
    assert "Indiquez un lieu ou un lien de visioconférence." in page
    assert "Communes introuvables dans ce département : « Aurillac »." in page
    assert "Mon ordre du jour" in page
    assert not Meeting.objects.exists()


def test_editing_records_who_changed_what(staff, invitation):
    meeting = invitation.meeting
    client = client_as(staff)
    form = client.get(reverse("clct:meeting-edit", args=[meeting.pk])).context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data |= {
        "date": form.initial["date"].isoformat(),
        "start": "10:00",
        "end": "12:00",
        "status": MeetingStatus.PLANNED,
    }
    data["programmes"] = []
    response = client.post(reverse("clct:meeting-edit", args=[meeting.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = MeetingChange.objects.get(meeting=meeting)
    assert change.actor == staff
    assert change.summary == "Modifié : début, fin"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Modifié : début, fin" in page


def test_another_regions_delegate_gets_404_everywhere(other_delegate, invitation):
    client = client_as(other_delegate)
    meeting = invitation.meeting
    action = ActionFactory(meeting=meeting)
    for url in (
        reverse("clct:committee", args=["19"]),
        reverse("clct:meeting", args=[meeting.pk]),
        reverse("clct:meeting-edit", args=[meeting.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("clct:action-done", args=[action.pk])).status_code == 404
    assert client.post(reverse("clct:meeting-rsvp", args=[meeting.pk]), {"rsvp": "yes"}).status_code == 404
    assert not Invitation.objects.filter(delegate=other_delegate.delegate).exists()
    action.refresh_from_db()
    assert action.done_at is None


def test_the_committee_page_shows_the_territory_at_a_glance(delegate):
    offer = OfferFactory(status=OfferStatus.PUBLISHED, published_at=timezone.now(), commune="19272")
    response = client_as(delegate).get(reverse("clct:committee", args=["19"]))
    page = response.content.decode()
    assert "Comité local de cohésion territoriale de la Corrèze" in page
    for label in ("Petites villes de demain", "Action cœur de ville", "Territoires d’industrie"):
        assert label in page
    assert '<a href="/territoires/communes/19272-tulle/">Tulle</a>' in page or "Tulle</a>" in page
    assert offer.get_absolute_url() in page
    assert "/offres/?departement=19" in page
    frr = Programme.objects.get(code="frr")
    frr_count = Commune.objects.filter(departement="19", programmes__contains=["frr"]).count()
    assert frr_count > views.GLANCE_LISTED  # so the page names some and links to the full list
    assert f"{frr.name} : {frr_count} communes" in page
    assert reverse("territories:programme", args=[frr.slug]) + "?departement=19" in page


def test_meeting_filters_by_departement_status_and_period(delegate):
    upcoming = MeetingFactory()
    held = MeetingFactory(held=True)
    other = MeetingFactory(committee=committee("33"))
    client = client_as(delegate)

    def listed(query: str) -> set[int]:
        return {meeting.pk for meeting in client.get(reverse("clct:meetings") + query).context["page"].object_list}

    assert listed("") == {upcoming.pk, other.pk}
    assert listed("?periode=passees") == {held.pk}
    assert listed("?periode=toutes&departement=19") == {upcoming.pk, held.pk}
    assert listed("?periode=toutes&statut=held") == {held.pk}
    # Another région's département is not a choice: ignored, and its meetings stay out of reach.
    MeetingFactory(committee=committee("15"))
    assert listed("?periode=toutes&departement=15") == {upcoming.pk, held.pk, other.pk}


def test_the_month_calendar_is_a_table_with_the_meetings(delegate):
    meeting = MeetingFactory(
        starts_at=dt.datetime(2027, 2, 10, 13, 0, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 2, 10, 15, 0, tzinfo=dt.UTC)
    )
    response = client_as(delegate).get(reverse("clct:calendar") + "?mois=2027-02")
    page = response.content.decode()
    assert "<caption>Février 2027 : 1 réunion</caption>" in page
    assert meeting.get_absolute_url() in page
    assert '14:00 <span class="fr-sr-only">: CLCT </span><span class="tdt-calendar__name">Corrèze</span>' in page
    assert "?mois=2027-01" in page and "?mois=2027-03" in page
    assert client_as(delegate).get(reverse("clct:calendar") + "?mois=n-importe").status_code == 200


def test_the_calendar_address_can_be_revoked(delegate, client):
    prefs = DelegateSettings.of(delegate.delegate)
    old = reverse("clct:ical-feed", args=[prefs.calendar_token])
    assert client.get(old).status_code == 200
    page = client_as(delegate).get(reverse("clct:subscription")).content.decode()
    assert old in page
    client_as(delegate).post(reverse("clct:subscription-renew"))
    prefs.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(reverse("clct:ical-feed", args=[prefs.calendar_token])).status_code == 200


def test_preferences_and_one_click_unsubscribe(delegate, client):
    from partnership.clct import links

    response = client_as(delegate).post(
        reverse("clct:preferences"), {"digest_subscribed": "on", "digest_when_empty": "on"}
    )
    assert response.status_code == 302
    prefs = DelegateSettings.of(delegate.delegate)
    assert (prefs.digest_subscribed, prefs.digest_when_empty) == (True, True)
    url = reverse("clct:unsubscribe", args=[links.unsubscribe_token(delegate.delegate.pk)])
    assert client.get(url).status_code == 200
    prefs.refresh_from_db()
    assert prefs.digest_subscribed  # GET shows, POST unsubscribes
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    prefs.refresh_from_db()
    assert not prefs.digest_subscribed and prefs.unsubscribed_at is not None
    assert client.post(url[:-3] + "xx/").status_code == 404


def test_invisible_control_characters_are_refused(delegate, invitation):
    response = client_as(delegate).post(
        reverse("clct:meeting-note", args=[invitation.meeting.pk]), {"text": "Relancer\u202ela mairie"}
    )
    assert response.status_code == 400
    assert "caractères invisibles ou de contrôle" in response.content.decode()
    assert not Note.objects.exists()


@pytest.mark.parametrize("path", ["clct:meetings", "clct:calendar", "clct:actions"])
def test_list_pages_query_counts_do_not_grow(delegate, path, django_assert_max_num_queries):
    client = client_as(delegate)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(path) + "?periode=toutes").status_code == 200
        return len(queries)

    def add(number: int) -> None:
        for _ in range(number):
            meeting = InvitationFactory(delegate=delegate.delegate).meeting
            ActionFactory(meeting=meeting, owner=delegate)

    add(1)
    one = count()
    add(6)
    assert count() == one
    with django_assert_max_num_queries(12):
        client.get(reverse(path))
