"""The Django admin of organisations, members and delegates: every membership change goes through the services."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from partnership.accounts.enums import OrganisationKind, Role
from partnership.accounts.models import Membership, Organisation
from tests.factories import DelegateFactory, UserFactory
from tests.personas import client_as

pytestmark = pytest.mark.django_db


def inline_data(organisation: Organisation, rows: list[dict], **fields) -> dict:
    """The organisation's change form: its fields and the members' inline (`memberships-N-…`)."""
    data = {
        "kind": organisation.kind,
        "name": organisation.name,
        "siren": organisation.siren,
        "commune": organisation.commune_id or "",
        "epci": organisation.epci_id or "",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, row in enumerate(rows):
        for key, value in {"organisation": organisation.pk, **row}.items():
            data[f"memberships-{index}-{key}"] = value
    return data


def row(membership: Membership, **changes) -> dict:
    return {"id": membership.pk, "user": membership.user_id, "role": membership.role, **changes}


def change_url(organisation: Organisation) -> str:
    return reverse("admin:accounts_organisation_change", args=[organisation.pk])


def test_creating_an_organisation_names_its_first_administrator(caplog, superuser):
    caplog.set_level(logging.INFO, logger="security")
    founder = UserFactory(email="maire@ville-tulle.fr")

    response = client_as(superuser).post(
        reverse("admin:accounts_organisation_add"),
        {
            "kind": OrganisationKind.COMMUNE,
            "name": "Commune de Tulle",
            "siren": "211927207",
            "commune": "19272",
            "epci": "",
            "administrator_email": " Maire@Ville-Tulle.fr ",
        },
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(siren="211927207")
    assert list(organisation.memberships.values_list("user", "role")) == [(founder.pk, Role.ADMINISTRATOR)]
    assert any(getattr(record, "event", "") == "organisation_created" for record in caplog.records)
    # Made by staff: approved at once (sign-up's organisations wait for staff).
    assert organisation.is_approved and organisation.approved_by == superuser


def test_the_creation_form_refuses_an_unknown_address_and_a_wrong_siren(superuser):
    response = client_as(superuser).post(
        reverse("admin:accounts_organisation_add"),
        {
            "kind": OrganisationKind.COMMUNE,
            "name": "Tulle",
            "siren": "211927200",
            "commune": "19272",
            "administrator_email": "personne@example.org",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Aucun compte actif n’a cette adresse électronique." in html
    assert "Ce numéro SIREN n’existe pas" in html
    assert not Organisation.objects.exists()


def test_the_only_administrator_cannot_be_demoted_in_the_admin(superuser, organisation, administrator, member):
    admin_membership, member_membership = (Membership.objects.get(user=u) for u in (administrator, member))

    response = client_as(superuser).post(
        change_url(organisation),
        inline_data(organisation, [row(admin_membership, role=Role.MEMBER), row(member_membership)]),
    )

    assert response.status_code == 200
    assert "« Commune de Tulle » doit garder au moins un administrateur" in response.content.decode()
    assert Membership.objects.get(pk=admin_membership.pk).role == Role.ADMINISTRATOR


def test_the_only_administrator_cannot_be_deleted_in_the_admin(superuser, organisation, administrator):
    admin_membership = Membership.objects.get(user=administrator)

    response = client_as(superuser).post(
        change_url(organisation), inline_data(organisation, [row(admin_membership, DELETE="on")])
    )

    assert response.status_code == 200
    assert "doit garder au moins un administrateur" in response.content.decode()
    assert Membership.objects.filter(pk=admin_membership.pk).exists()


def test_a_new_administrator_and_the_old_one_stepping_down_in_one_save(
    caplog, superuser, organisation, administrator, member
):
    caplog.set_level(logging.INFO, logger="security")
    admin_membership, member_membership = (Membership.objects.get(user=u) for u in (administrator, member))
    newcomer = UserFactory()

    response = client_as(superuser).post(
        change_url(organisation),
        inline_data(
            organisation,
            [
                row(admin_membership, role=Role.MEMBER),
                row(member_membership, DELETE="on"),
                {"user": newcomer.pk, "role": Role.ADMINISTRATOR},
            ],
        ),
    )

    assert response.status_code == 302, response.content.decode()
    assert dict(organisation.memberships.values_list("user", "role")) == {
        administrator.pk: Role.MEMBER,
        newcomer.pk: Role.ADMINISTRATOR,
    }
    events = [getattr(record, "event", "") for record in caplog.records if record.name == "security"]
    assert {"member_added", "member_role_changed", "member_removed"} <= set(events)


def test_a_member_cannot_be_swapped_for_someone_else(superuser, organisation, administrator, member):
    admin_membership, member_membership = (Membership.objects.get(user=u) for u in (administrator, member))

    response = client_as(superuser).post(
        change_url(organisation),
        inline_data(organisation, [row(admin_membership), row(member_membership, user=UserFactory().pk)]),
    )

    assert response.status_code == 200
    assert "retirez-le puis ajoutez l’autre personne" in response.content.decode()
    assert Membership.objects.get(pk=member_membership.pk).user == member


def test_staff_limited_to_departements_administer_only_theirs(organisation, other_organisation):
    cantal = UserFactory(staff=True, departements=["15"])
    cantal.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    client = client_as(cantal)

    listing = client.get(reverse("admin:accounts_organisation_changelist")).content.decode()

    assert other_organisation.siren in listing and organisation.siren not in listing
    assert client.get(change_url(other_organisation)).status_code == 200
    assert client.get(change_url(organisation)).status_code == 302  # "does not exist", back to the admin index


def test_memberships_are_listed_not_edited_on_their_own(superuser, organisation, member):
    client = client_as(superuser)

    assert client.get(reverse("admin:accounts_membership_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_membership_add")).status_code == 403
    membership = Membership.objects.get(user=member)
    page = client.get(reverse("admin:accounts_membership_change", args=[membership.pk])).content.decode()
    assert 'name="role"' not in page  # read only


def test_delegates_and_their_regions(superuser):
    delegate = DelegateFactory(regions=["75", "84"])

    page = client_as(superuser).get(reverse("admin:accounts_delegate_changelist")).content.decode()

    assert "Auvergne-Rhône-Alpes, Nouvelle-Aquitaine" in page
    assert "délégués Apec" in page
    assert delegate.user.email in page


def test_staff_departements_on_the_user_page(superuser):
    staff = UserFactory(staff=True, departements=["19"])

    page = client_as(superuser).get(reverse("admin:accounts_user_change", args=[staff.pk])).content.decode()

    assert "Départements suivis" in page and 'name="staff_departements"' in page


def test_french_labels():
    assert Organisation._meta.verbose_name == "organisation"
    assert Membership._meta.verbose_name == "membre"
    assert [str(field.verbose_name) for field in Organisation._meta.get_fields() if hasattr(field, "verbose_name")][
        1:6
    ] == ["nature", "nom", "SIREN", "commune", "EPCI"]


def test_an_epci_organisation_in_the_admin(superuser):
    founder = UserFactory()
    client_as(superuser).post(
        reverse("admin:accounts_organisation_add"),
        {
            "kind": OrganisationKind.EPCI,
            "name": "CA Tulle Agglo",
            "siren": "241927201",
            "epci": "241927201",
            "administrator_email": founder.email,
        },
    )

    assert Organisation.objects.filter(epci="241927201", kind=OrganisationKind.EPCI).exists()

    response = client_as(superuser).post(
        reverse("admin:accounts_organisation_add"),
        {
            "kind": OrganisationKind.EPCI,
            "name": "Erreur",
            "siren": "211927207",
            "epci": "241927201",
            "administrator_email": founder.email,
        },
    )
    assert "Un EPCI a pour territoire lui-même" in response.content.decode()
    assert Membership.objects.filter(user=founder).count() == 1
