"""An organisation's members page: administrators invite by e-mail (a signed, expiring, single-use link;
an invitee without an account signs up through it), change roles and remove members; the last
administrator stays; another organisation answers 404 (issue 12)."""

from __future__ import annotations

import logging

import pytest
from django.core import mail, signing

from partnership.accounts import tokens
from partnership.accounts.enums import Role
from partnership.accounts.models import Invitation, Membership, User
from partnership.notifications.enums import Purpose
from tests.accounts.support import deliveries, last_link
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.support import sending_on_commit
from tests.personas import client_as

pytestmark = pytest.mark.django_db

PASSWORD = "un mot de passe solide"  # noqa: S105
GUEST = "nouvelle.recrue@ville-tulle.fr"


def members_url(organisation) -> str:
    return f"/espace-collectivite/{organisation.pk}/membres/"


def invite(client, organisation, capture, email: str = GUEST, role: str = "member"):
    with sending_on_commit(capture):
        return client.post(members_url(organisation) + "inviter/", {"email": email, "role": role})


def test_members_see_their_colleagues_administrators_see_the_actions(organisation, member, administrator):
    member_html = client_as(member).get(members_url(organisation)).content.decode()
    admin_html = client_as(administrator).get(members_url(organisation)).content.decode()

    for html in (member_html, admin_html):
        assert member.email in html and administrator.email in html
    assert "Inviter une personne" not in member_html and "Retirer" not in member_html
    assert "Inviter une personne" in admin_html and f"Retirer {member.get_full_name()}" in admin_html


def test_another_organisation_is_a_404(organisation, other_member, administrator, caplog):
    with caplog.at_level(logging.WARNING, logger="security"):
        assert client_as(other_member).get(members_url(organisation)).status_code == 404
    assert "out_of_scope" in [r.getMessage() for r in caplog.records if r.name == "security"]
    membership = Membership.objects.get(user=administrator)
    response = client_as(other_member).post(f"{members_url(organisation)}{membership.pk}/retirer/")
    assert response.status_code == 404 and Membership.objects.filter(pk=membership.pk).exists()


def test_a_membership_of_another_organisation_is_a_404(organisation, administrator, other_member):
    theirs = Membership.objects.get(user=other_member)

    response = client_as(administrator).post(f"{members_url(organisation)}{theirs.pk}/role/", {"role": "member"})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == Role.ADMINISTRATOR


def test_a_plain_member_cannot_manage(organisation, member, administrator, django_capture_on_commit_callbacks):
    client = client_as(member)
    membership = Membership.objects.get(user=administrator)

    assert invite(client, organisation, django_capture_on_commit_callbacks).status_code == 403
    assert client.post(f"{members_url(organisation)}{membership.pk}/role/", {"role": "member"}).status_code == 403
    assert not Invitation.objects.exists() and Membership.objects.get(pk=membership.pk).role == Role.ADMINISTRATOR


def test_change_role_and_remove_a_member(organisation, member, administrator, caplog):
    client = client_as(administrator)
    membership = Membership.objects.get(user=member)

    with caplog.at_level(logging.INFO, logger="security"):
        client.post(f"{members_url(organisation)}{membership.pk}/role/", {"role": "administrator"})
        membership.refresh_from_db()
        assert membership.role == Role.ADMINISTRATOR
        client.post(f"{members_url(organisation)}{membership.pk}/retirer/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    events = [r.getMessage() for r in caplog.records if r.name == "security"]
    assert "member_role_changed" in events and "member_removed" in events


def test_the_last_administrator_stays(organisation, member, administrator):
    client = client_as(administrator)
    own = Membership.objects.get(user=administrator)

    demoted = client.post(f"{members_url(organisation)}{own.pk}/role/", {"role": "member"}, follow=True)
    removed = client.post(f"{members_url(organisation)}{own.pk}/retirer/", follow=True)

    for response in (demoted, removed):
        assert "doit garder au moins un administrateur" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.ADMINISTRATOR


def test_an_invitee_without_account_signs_up_through_the_link(
    client, organisation, administrator, django_capture_on_commit_callbacks
):
    response = invite(client_as(administrator), organisation, django_capture_on_commit_callbacks, role="administrator")
    assert response.status_code == 302
    assert [d.recipient_email for d in deliveries(Purpose.INVITATION)] == [GUEST]
    assert "Invitation à rejoindre Commune de Tulle" in mail.outbox[-1].subject
    link = last_link(GUEST, containing="/invitation/")

    page = client.get(link).content.decode()
    assert "Créer votre compte" in page and f'value="{GUEST}"' in page and "disabled" in page

    short = client.post(link, {"first_name": "Léa", "last_name": "Roux", "password": "court"})
    assert short.status_code == 400 and "Ce mot de passe est trop court" in short.content.decode()
    # The address is the invitation's, whatever is posted.
    done = client.post(
        link, {"first_name": "Léa", "last_name": "Roux", "email": "autre@example.org", "password": PASSWORD}
    )

    assert done.status_code == 302 and done["Location"] == members_url(organisation)
    user = User.objects.get(email=GUEST)
    assert user.email_confirmed_at is not None and client.get("/").wsgi_request.user == user
    assert Membership.objects.get(user=user, organisation=organisation).role == Role.ADMINISTRATOR
    assert not User.objects.filter(email="autre@example.org").exists()

    client.logout()
    reused = client.get(link)
    assert reused.status_code == 404 and "a déjà servi" in reused.content.decode()


def test_an_invitee_with_an_account_logs_in_then_accepts(
    organisation, administrator, django_capture_on_commit_callbacks
):
    guest = UserFactory(email=GUEST)
    invite(client_as(administrator), organisation, django_capture_on_commit_callbacks)
    link = last_link(GUEST, containing="/invitation/")

    anonymous = client_as(None).get(link).content.decode()
    assert "connectez-vous" in anonymous and "Créer votre compte" not in anonymous

    stranger = client_as(UserFactory())
    assert "pas celle de l’invitation" in stranger.get(link).content.decode()
    assert stranger.post(link).status_code == 400
    assert not Membership.objects.filter(user__email=GUEST).exists()

    response = client_as(guest).post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=guest).role == Role.MEMBER
    assert client_as(guest).post(link).status_code == 404  # used once


def test_a_new_invitation_replaces_the_pending_one(organisation, administrator, django_capture_on_commit_callbacks):
    client = client_as(administrator)
    invite(client, organisation, django_capture_on_commit_callbacks)
    first = last_link(GUEST, containing="/invitation/")
    invite(client, organisation, django_capture_on_commit_callbacks, email=GUEST.upper())

    assert Invitation.objects.count() == 1
    assert client_as(None).get(first).status_code == 404
    assert client_as(None).get(last_link(GUEST, containing="/invitation/")).status_code == 200


def test_tampered_and_expired_invitations_are_refused(
    organisation, administrator, django_capture_on_commit_callbacks, monkeypatch
):
    invite(client_as(administrator), organisation, django_capture_on_commit_callbacks)
    link = last_link(GUEST, containing="/invitation/")
    invitation = Invitation.objects.get()
    forged = signing.dumps({"i": invitation.pk}, salt="partnership.accounts.signup-confirmation")
    client = client_as(None)

    assert "a été modifié" in client.get(link[:-4] + "AAA/").content.decode()
    assert client.get(f"/invitation/{forged}/").status_code == 404
    monkeypatch.setattr(tokens, "INVITATION_MAX_AGE", -1)
    expired = client.post(link, {"first_name": "Léa", "last_name": "Roux", "password": PASSWORD})
    assert expired.status_code == 404 and "expiré" in expired.content.decode()
    assert not User.objects.filter(email=GUEST).exists()


def test_inviting_a_member_or_a_bad_address_is_a_french_error(
    organisation, member, administrator, django_capture_on_commit_callbacks
):
    client = client_as(administrator)

    already = invite(client, organisation, django_capture_on_commit_callbacks, email=member.email)
    bad = invite(client, organisation, django_capture_on_commit_callbacks, email="pas-une-adresse")

    assert already.status_code == 400 and "est déjà membre" in already.content.decode()
    assert bad.status_code == 400 and "Indiquez une adresse électronique valide" in bad.content.decode()
    assert 'value="pas-une-adresse"' in bad.content.decode()
    assert not Invitation.objects.exists()


def test_cancel_an_invitation(organisation, administrator, django_capture_on_commit_callbacks):
    client = client_as(administrator)
    invite(client, organisation, django_capture_on_commit_callbacks)
    link = last_link(GUEST, containing="/invitation/")
    invitation = Invitation.objects.get()

    client.post(f"/espace-collectivite/{organisation.pk}/invitations/{invitation.pk}/annuler/")

    assert not Invitation.objects.exists()
    assert client_as(None).get(link).status_code == 404


def test_the_members_page_has_bounded_queries(organisation, administrator, django_assert_max_num_queries):
    for _ in range(10):
        MembershipFactory(organisation=organisation)
    client = client_as(administrator)

    with django_assert_max_num_queries(12):
        assert client.get(members_url(organisation)).status_code == 200


def test_an_invitee_who_signed_up_without_confirming_signs_up_through_the_link(
    client, organisation, administrator, django_capture_on_commit_callbacks
):
    pending = User.objects.create_user(GUEST, "le mot de passe d’un autre", email_confirmed_at=None)
    invite(client_as(administrator), organisation, django_capture_on_commit_callbacks)
    link = last_link(GUEST, containing="/invitation/")

    assert "Créer votre compte" in client.get(link).content.decode()
    client.post(link, {"first_name": "Léa", "last_name": "Roux", "password": PASSWORD})

    pending.refresh_from_db()
    assert pending.check_password(PASSWORD) and pending.email_confirmed_at is not None
    assert Membership.objects.filter(user=pending, organisation=organisation).exists()
    assert User.objects.filter(email=GUEST).count() == 1
