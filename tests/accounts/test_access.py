"""The access layer's decorators, through the real middleware and error pages (tests/accounts/access_urls.py)."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from partnership.accounts.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.personas import client_as

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.access_urls")]


def status_of(user, url: str, method: str = "get") -> int:
    return getattr(client_as(user), method)(url).status_code


def test_login_required_sends_anonymous_people_to_the_login_page_and_back(client, job_seeker):
    response = client.get("/essai/connecte/?onglet=2")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/essai/connecte/%3Fonglet%3D2"
    assert status_of(job_seeker, "/essai/connecte/") == 200


@pytest.mark.parametrize(
    "backend",
    [
        "django.contrib.auth.backends.ModelBackend",
        # A backend that keeps deactivated people logged in: the access layer refuses them itself.
        "django.contrib.auth.backends.AllowAllUsersModelBackend",
    ],
)
def test_a_deactivated_account_is_sent_to_the_login_page(client, settings, backend):
    settings.AUTHENTICATION_BACKENDS = [backend]
    user = UserFactory(staff=True)
    client.force_login(user)
    user.is_active = False
    user.save()

    assert client.get("/essai/equipe/")["Location"] == "/connexion/?next=/essai/equipe/"


def test_staff_required(personas):
    expected = {name: 403 for name in personas} | {
        "anonymous": 302,
        "staff": 200,
        "scoped_staff": 200,
        "superuser": 200,
    }

    assert {name: status_of(user, "/essai/equipe/") for name, user in personas.items()} == expected


def test_a_non_staff_member_gets_the_french_403_page(member):
    response = client_as(member).get("/essai/equipe/")

    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_after_an_anonymous_post_the_login_page_leads_back_to_the_form_page(client):
    response = client.post("/essai/equipe/action/")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/essai/equipe/"


def test_after_an_anonymous_post_without_a_form_page_the_login_page_leads_home(client, organisation):
    response = client.post(reverse("test-organisation", args=[organisation.pk]))

    assert response["Location"] == "/connexion/?next=/"


def test_member_required_another_organisation_is_a_404(personas, organisation):
    url = reverse("test-organisation", args=[organisation.pk])

    statuses = {name: status_of(user, url) for name, user in personas.items()}

    assert statuses == {name: 404 for name in personas} | {"anonymous": 302, "member": 200, "administrator": 200}


def test_member_required_hands_the_organisation_to_the_view(member, administrator, organisation):
    response = client_as(member).get(reverse("test-organisation", args=[organisation.pk]))

    assert response.content.decode() == "Commune de Tulle : 2 membres"


def test_member_required_with_the_administrator_role(personas, organisation, other_organisation):
    url = reverse("test-organisation-admin", args=[organisation.pk])

    statuses = {name: status_of(user, url) for name, user in personas.items()}

    assert statuses == {name: 404 for name in personas} | {"anonymous": 302, "member": 403, "administrator": 200}
    assert status_of(personas["other_member"], reverse("test-organisation-admin", args=[other_organisation.pk])) == 200


def test_an_organisation_that_does_not_exist_is_a_404_too(administrator):
    assert status_of(administrator, reverse("test-organisation", args=[987654])) == 404


def test_an_administrator_cannot_remove_a_member_of_another_organisation(administrator, organisation, other_member):
    """The URL names my organisation, the membership is another's: the scoped QuerySet answers 404."""
    theirs = Membership.objects.get(user=other_member)
    url = reverse("test-remove-member", args=[organisation.pk, theirs.pk])

    response = client_as(administrator).post(url)

    assert response.status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_an_administrator_removes_a_member_of_their_organisation(administrator, member, organisation):
    mine = Membership.objects.get(user=member)

    response = client_as(administrator).post(reverse("test-remove-member", args=[organisation.pk, mine.pk]))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()


def test_a_member_cannot_remove_anyone(member, administrator, organisation):
    theirs = Membership.objects.get(user=administrator)
    url = reverse("test-remove-member", args=[organisation.pk, theirs.pk])

    assert client_as(member).post(url).status_code == 403
    assert client_as(None).post(url)["Location"] == f"/connexion/?next=/essai/organisations/{organisation.pk}/"
    assert Membership.objects.filter(pk=theirs.pk).exists()


def test_delegate_required_another_region_is_a_404(personas):
    statuses = {
        region: {name: status_of(user, f"/essai/delegations/{region}/") for name, user in personas.items()}
        for region in ("75", "84", "99")
    }

    assert statuses["75"] == {name: 404 for name in personas} | {"anonymous": 302, "delegate": 200}
    assert statuses["84"] == {name: 404 for name in personas} | {"anonymous": 302, "other_delegate": 200}
    assert statuses["99"] == {name: 404 for name in personas} | {"anonymous": 302}


def test_delegate_required_hands_the_region_to_the_view(delegate):
    assert client_as(delegate).get("/essai/delegations/75/").content.decode() == "Délégation Nouvelle-Aquitaine"


def test_a_delegate_of_two_regions_reaches_both():
    from tests.factories import DelegateFactory

    both = DelegateFactory(regions=["75", "84"]).user

    assert [status_of(both, f"/essai/delegations/{code}/") for code in ("75", "84", "11")] == [200, 200, 404]


def test_an_object_out_of_scope_is_logged_as_a_security_event(caplog, other_member, organisation):
    caplog.set_level(logging.INFO, logger="security")

    client_as(other_member).get(reverse("test-organisation", args=[organisation.pk]))

    [event] = [record for record in caplog.records if getattr(record, "event", "") == "out_of_scope"]
    assert event.path == f"/essai/organisations/{organisation.pk}/" and event.object == "organisation"


def test_membership_of_the_right_organisation_is_checked_not_just_any_membership(member, other_organisation):
    MembershipFactory(organisation=other_organisation, user=UserFactory())

    assert status_of(member, reverse("test-organisation", args=[other_organisation.pk])) == 404
