"""The e-mail's RSVP links: signed, expiring, single-use, confirmed by a POST, no login needed."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.urls import reverse

from partnership.clct import links
from partnership.clct.enums import Rsvp
from tests.clct.factories import InvitationFactory, MeetingFactory
from tests.personas import client_as

pytestmark = pytest.mark.django_db


def link(invitation, rsvp=Rsvp.YES):
    token = links.rsvp_token(invitation_id=invitation.pk, rsvp=rsvp, version=invitation.link_version)
    return reverse("clct:rsvp-link", args=[token])


@pytest.fixture
def invitation(delegate):
    return InvitationFactory(delegate=delegate.delegate)


def test_get_shows_the_answer_and_post_records_it_without_login(client, invitation):
    url = link(invitation, Rsvp.NO)
    response = client.get(url)
    assert response.status_code == 200
    assert "Confirmer : je ne participerai pas" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.rsvp == ""  # a mail scanner following the link changes nothing

    response = client.post(url)
    assert response.status_code == 200
    assert "Réponse enregistrée" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.NO


def test_a_link_serves_once(client, invitation):
    url = link(invitation)
    other = link(invitation, Rsvp.MAYBE)  # the same e-mail's other link
    assert client.post(url).status_code == 200
    for again in (url, other):
        response = client.post(again)
        assert response.status_code == 410
        assert "Ce lien a déjà servi" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.YES


def test_an_answer_on_the_page_spends_the_e_mail_links(client, delegate, invitation):
    url = link(invitation, Rsvp.NO)
    client_as(delegate).post(reverse("clct:meeting-rsvp", args=[invitation.meeting.pk]), {"rsvp": Rsvp.YES})
    assert client.post(url).status_code == 410
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.YES


def test_an_expired_link_is_refused(client, invitation, settings):
    settings.CLCT_RSVP_LINK_DAYS = 2
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 3 * 86400):
        url = link(invitation)  # signed three days ago
    assert client.get(link(invitation)).status_code == 200  # one signed now is still good
    response = client.post(url)
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.rsvp == ""


def test_a_link_after_the_meeting_started_is_refused(client, delegate):
    invitation = InvitationFactory(delegate=delegate.delegate, meeting=MeetingFactory(past=True))
    assert client.post(link(invitation)).status_code == 410
    invitation.refresh_from_db()
    assert invitation.rsvp == ""


@pytest.mark.parametrize("tamper", ["change-invitation", "change-answer", "truncate", "garbage"])
def test_a_tampered_link_is_refused(client, invitation, tamper):
    victim = InvitationFactory(meeting=invitation.meeting)
    token = links.rsvp_token(invitation_id=invitation.pk, rsvp=Rsvp.YES, version=0)
    if tamper == "change-invitation":  # the payload of another invitation, with this link's signature
        forged = links.rsvp_token(invitation_id=victim.pk, rsvp=Rsvp.YES, version=0)
        token = forged.rsplit(":", 1)[0] + ":" + token.rsplit(":", 1)[1]
    elif tamper == "change-answer":
        other = links.rsvp_token(invitation_id=invitation.pk, rsvp=Rsvp.NO, version=0)
        token = other.split(":", 1)[0] + ":" + token.split(":", 1)[1]
    elif tamper == "truncate":
        token = token[:-4]
    else:
        token = "n-importe-quoi"
    response = client.post(reverse("clct:rsvp-link", args=[token]))
    assert response.status_code == 404
    assert "Ce lien n’est pas valide" in response.content.decode()
    invitation.refresh_from_db()
    victim.refresh_from_db()
    assert invitation.rsvp == victim.rsvp == ""


def test_another_delegate_logged_in_cannot_use_someone_elses_link(other_delegate, invitation):
    url = link(invitation)
    client = client_as(other_delegate)
    assert client.get(url).status_code == 403
    response = client.post(url)
    assert response.status_code == 403
    assert "envoyé à une autre personne" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.rsvp == ""


def test_the_invited_delegate_logged_in_can_use_it(delegate, invitation):
    assert client_as(delegate).post(link(invitation)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.rsvp == Rsvp.YES
