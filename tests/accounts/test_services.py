import logging

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from partnership.accounts.enums import OrganisationKind, Role
from partnership.accounts.models import Membership, Organisation, User
from partnership.accounts.services import (
    add_member,
    change_role,
    create_organisation,
    deactivate_user,
    remove_member,
)
from territories.models import Epci
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_deactivation_ends_every_session_of_that_user_only(caplog):
    agent = User.objects.create_user("agent@example.org", "un mot de passe solide")
    other = User.objects.create_user("autre@example.org", "un mot de passe solide")
    laptop, phone, colleague = logged_in_client(agent), logged_in_client(agent), logged_in_client(other)
    assert Session.objects.count() == 3

    assert deactivate_user(user=agent, by=other) == 2

    assert list(Session.objects.values_list("session_key", flat=True)) == [colleague.session.session_key]
    assert not User.objects.get(pk=agent.pk).is_active
    assert not laptop.get("/").wsgi_request.user.is_authenticated
    assert not phone.get("/").wsgi_request.user.is_authenticated
    assert colleague.get("/").wsgi_request.user.is_authenticated
    assert "account_deactivated" in caplog.text


def test_admin_deactivation_ends_the_sessions(client):
    staff = User.objects.create_superuser("equipe@example.org", "un mot de passe solide")
    agent = User.objects.create_user("agent@example.org", "un mot de passe solide")
    agent_client = logged_in_client(agent)
    client.force_login(staff)

    response = client.post(
        "/admin/accounts/user/",
        {"action": "deactivate", "_selected_action": [agent.pk]},
        secure=True,
    )

    assert response.status_code == 302
    assert not User.objects.get(pk=agent.pk).is_active
    assert not agent_client.get("/").wsgi_request.user.is_authenticated
    assert Session.objects.count() == 1  # the staff member's own


# --- Organisations and their members ----------------------------------------------------------


def security_events(caplog, event: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "security" and getattr(record, "event", "") == event]


def test_create_organisation_with_its_first_administrator(caplog, staff):
    caplog.set_level(logging.INFO, logger="security")
    founder = UserFactory()
    organisation = Organisation(
        kind=OrganisationKind.EPCI, name="CA Tulle Agglo", siren="241927201", epci=Epci.objects.get(pk="241927201")
    )

    created = create_organisation(organisation=organisation, administrator=founder, by=staff)

    assert created.pk is not None
    membership = Membership.objects.get(organisation=created)
    assert (membership.user, membership.role) == (founder, Role.ADMINISTRATOR)
    [event] = security_events(caplog, "organisation_created")
    assert (event.organisation_id, event.subject_user_id, event.by_user_id) == (created.pk, founder.pk, staff.pk)


def test_create_organisation_refuses_a_wrong_siren_and_writes_nothing(staff):
    organisation = Organisation(kind=OrganisationKind.COMMUNE, name="Tulle", siren="211927200", commune_id="19272")

    with pytest.raises(ValidationError) as refused:
        create_organisation(organisation=organisation, administrator=UserFactory(), by=staff)

    assert "siren" in refused.value.message_dict
    assert not Organisation.objects.exists() and not Membership.objects.exists()


def test_add_member_then_change_role_then_remove(caplog, organisation, administrator):
    caplog.set_level(logging.INFO, logger="security")
    newcomer = UserFactory()

    membership = add_member(organisation=organisation, user=newcomer, by=administrator)
    assert membership.role == Role.MEMBER

    promoted = change_role(membership=membership, role=Role.ADMINISTRATOR, by=administrator)
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMINISTRATOR == promoted.role
    [event] = security_events(caplog, "member_role_changed")
    assert (event.subject_user_id, event.previous_role, event.role, event.by_user_id) == (
        newcomer.pk,
        "member",
        "administrator",
        administrator.pk,
    )

    remove_member(membership=promoted, by=administrator)
    assert not Membership.objects.filter(user=newcomer).exists()
    assert [len(security_events(caplog, name)) for name in ("member_added", "member_removed")] == [1, 1]


def test_adding_someone_twice_is_refused_in_french(organisation, member, administrator):
    with pytest.raises(ValidationError) as refused:
        add_member(organisation=organisation, user=member, role=Role.ADMINISTRATOR, by=administrator)

    assert refused.value.code == "already_member"
    assert "est déjà membre de « Commune de Tulle »" in refused.value.messages[0]
    assert Membership.objects.get(user=member).role == Role.MEMBER


def test_the_same_role_again_changes_nothing_and_logs_nothing(caplog, organisation, member, administrator):
    caplog.set_level(logging.INFO, logger="security")
    membership = Membership.objects.get(user=member)

    change_role(membership=membership, role=Role.MEMBER, by=administrator)

    assert not security_events(caplog, "member_role_changed")


@pytest.mark.parametrize("action", ["demote", "remove"])
def test_the_last_administrator_can_be_neither_demoted_nor_removed(caplog, organisation, member, administrator, action):
    caplog.set_level(logging.INFO, logger="security")
    membership = Membership.objects.get(user=administrator)

    with pytest.raises(ValidationError) as refused:
        if action == "demote":
            change_role(membership=membership, role=Role.MEMBER, by=administrator)
        else:
            remove_member(membership=membership, by=administrator)

    assert refused.value.code == "last_administrator"
    assert refused.value.messages == [
        "« Commune de Tulle » doit garder au moins un administrateur : nommez d’abord un autre administrateur, "
        "puis retirez ce rôle."
    ]
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMINISTRATOR
    assert not security_events(caplog, "member_role_changed") and not security_events(caplog, "member_removed")


def test_with_a_second_administrator_the_first_may_step_down(organisation, administrator):
    second = MembershipFactory(organisation=organisation, administrator=True)

    change_role(membership=Membership.objects.get(user=administrator), role=Role.MEMBER, by=administrator)

    with pytest.raises(ValidationError):
        remove_member(membership=second, by=administrator)
    assert list(organisation.memberships.administrators().values_list("user", flat=True)) == [second.user_id]


def test_administrators_of_another_organisation_do_not_count(organisation, administrator, other_organisation):
    MembershipFactory(organisation=other_organisation, administrator=True)
    MembershipFactory(organisation=other_organisation, administrator=True, user=administrator)

    with pytest.raises(ValidationError):
        remove_member(membership=Membership.objects.get(user=administrator, organisation=organisation), by=None)
