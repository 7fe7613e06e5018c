"""After sign-up: create an organisation (SIREN with its check digit, territory; pending until staff approve)
or ask to join one (decided by its administrators, or staff when it has none) (issue 12)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from partnership.accounts.enums import OrganisationKind, OrganisationStatus, Role
from partnership.accounts.models import Invitation, JoinRequest, Membership, Organisation, User
from partnership.notifications.enums import Purpose
from partnership.personal_data import purge_personal_data
from tests.accounts.support import deliveries
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, siren_with_check_digit
from tests.notifications.support import sending_on_commit
from tests.personas import client_as

pytestmark = pytest.mark.django_db

EGLETONS_SIREN = siren_with_check_digit("21190073")
CREATE = "/espace-collectivite/creer/"
JOIN = "/espace-collectivite/rejoindre/"
STAFF = "/pilotage/organisations/"


@pytest.fixture
def newcomer():
    return UserFactory(email="ines.durand@mairie-egletons.fr", first_name="Inès", last_name="Durand")


def test_create_a_commune_organisation_pending_approval(newcomer, caplog):
    client = client_as(newcomer)

    with caplog.at_level(logging.INFO, logger="security"):
        response = client.post(
            CREATE,
            {"kind": "commune", "name": "Commune d’Égletons", "siren": EGLETONS_SIREN, "commune": "Égletons (19)"},
        )

    assert response.status_code == 302 and response["Location"] == JOIN
    organisation = Organisation.objects.get(siren=EGLETONS_SIREN)
    assert organisation.status == OrganisationStatus.PENDING and not organisation.is_approved
    assert organisation.commune_id == "19073"
    assert Membership.objects.get(organisation=organisation).role == Role.ADMINISTRATOR
    assert "organisation_created" in [r.getMessage() for r in caplog.records if r.name == "security"]
    page = client.get(JOIN).content.decode()
    assert "en attente de validation" in page and "Commune d’Égletons" in page


def test_an_epci_is_found_by_its_siren(newcomer):
    response = client_as(newcomer).post(
        CREATE, {"kind": "epci", "name": "CA Tulle Agglo", "siren": "241927201", "commune": ""}
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(siren="241927201")
    assert organisation.kind == OrganisationKind.EPCI and organisation.epci_id == "241927201"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"siren": "21190073"}, "Un numéro SIREN s’écrit avec 9 chiffres"),
        ({"siren": EGLETONS_SIREN[:-1] + str((int(EGLETONS_SIREN[-1]) + 1) % 10)}, "la clé de contrôle"),
        ({"commune": "Nullepart-sur-Mer"}, "Commune introuvable : « Nullepart-sur-Mer »"),
        ({"commune": ""}, "Indiquez la commune"),
        ({"kind": ""}, "Choisissez la nature de l’organisation."),
        ({"kind": "epci", "commune": ""}, "Aucun EPCI n’a ce numéro SIREN"),
        ({"name": ""}, "Indiquez le nom de l’organisation."),
        ({"kind": "apec"}, "Choisissez une nature de la liste."),
    ],
)
def test_bad_input_is_a_french_error_and_keeps_what_was_typed(newcomer, form, error):
    data = {"kind": "commune", "name": "Commune d’Égletons", "siren": EGLETONS_SIREN, "commune": "Égletons (19)"} | form

    response = client_as(newcomer).post(CREATE, data)

    html = response.content.decode()
    assert response.status_code == 200 and error in html
    if data["name"]:
        assert 'value="Commune d’Égletons"' in html
    assert not Organisation.objects.exists()


def test_a_siren_already_on_the_portal_points_to_joining(newcomer, organisation):
    html = (
        client_as(newcomer)
        .post(CREATE, {"kind": "commune", "name": "Tulle", "siren": organisation.siren, "commune": "19272"})
        .content.decode()
    )

    assert "demandez plutôt à la rejoindre" in html


def test_staff_approve_and_the_administrators_are_told(newcomer, staff, django_capture_on_commit_callbacks):
    client_as(newcomer).post(
        CREATE, {"kind": "commune", "name": "Commune d’Égletons", "siren": EGLETONS_SIREN, "commune": "19073"}
    )
    organisation = Organisation.objects.get()
    staff_client = client_as(staff)
    assert "Commune d’Égletons" in staff_client.get(STAFF).content.decode()

    with sending_on_commit(django_capture_on_commit_callbacks):
        response = staff_client.post(f"{STAFF}{organisation.pk}/valider/")

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_approved and organisation.approved_by == staff and organisation.approved_at
    assert [d.recipient_email for d in deliveries(Purpose.ORGANISATION_DECISION)] == [newcomer.email]
    assert "validé" in mail.outbox[-1].subject
    assert f'id="organisation-{organisation.pk}"' not in staff_client.get(STAFF).content.decode()


def test_staff_refuse_with_a_reason(newcomer, staff, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(pending=True, name="Commune imaginaire")
    MembershipFactory(organisation=organisation, user=newcomer, administrator=True)
    staff_client = client_as(staff)

    without_reason = staff_client.post(f"{STAFF}{organisation.pk}/refuser/", {"reason": ""})
    assert without_reason.status_code == 400
    assert "Indiquez le motif du refus" in without_reason.content.decode()
    assert Organisation.objects.filter(pk=organisation.pk).exists()

    with sending_on_commit(django_capture_on_commit_callbacks):
        staff_client.post(f"{STAFF}{organisation.pk}/refuser/", {"reason": "Ce SIREN est celui d’une entreprise."})

    assert not Organisation.objects.filter(pk=organisation.pk).exists()
    assert "Ce SIREN est celui d’une entreprise." in mail.outbox[-1].body


def test_scoped_staff_see_and_decide_only_their_departements(scoped_staff):
    tulle = OrganisationFactory(pending=True, name="Commune en Corrèze")
    aurillac = OrganisationFactory(pending=True, name="Commune du Cantal", commune="15014")
    client = client_as(scoped_staff)

    html = client.get(STAFF).content.decode()

    assert "Commune du Cantal" in html and "Commune en Corrèze" not in html
    assert client.post(f"{STAFF}{tulle.pk}/valider/").status_code == 404
    assert client.post(f"{STAFF}{aurillac.pk}/valider/").status_code == 302
    tulle.refresh_from_db()
    assert not tulle.is_approved


def test_the_staff_page_has_bounded_queries(staff, django_assert_max_num_queries):
    for number in range(8):
        organisation = OrganisationFactory(pending=True)
        MembershipFactory(organisation=organisation, administrator=True)
        JoinRequest.objects.create(organisation=OrganisationFactory(), user=UserFactory(), message=str(number))
    client = client_as(staff)

    with django_assert_max_num_queries(12):
        assert client.get(STAFF).status_code == 200


def test_ask_to_join_and_the_administrator_accepts(
    newcomer, organisation, administrator, django_capture_on_commit_callbacks
):
    client = client_as(newcomer)
    results = client.get(JOIN, {"q": "tulle"}).content.decode()
    assert "Commune de Tulle" in results and "Demander à rejoindre Commune de Tulle" in results

    with sending_on_commit(django_capture_on_commit_callbacks):
        response = client.post(JOIN, {"organisation": organisation.pk, "message": "Chargée de mission"})

    assert response.status_code == 302
    assert [d.recipient_email for d in deliveries(Purpose.JOIN_REQUEST)] == [administrator.email]
    assert "Chargée de mission" in mail.outbox[-1].body
    again = client.post(JOIN, {"organisation": organisation.pk})
    assert "Vous avez déjà demandé à rejoindre" in again.content.decode()
    assert JoinRequest.objects.count() == 1

    join_request = JoinRequest.objects.get()
    admin_client = client_as(administrator)
    assert "Inès Durand" in admin_client.get(f"/espace-collectivite/{organisation.pk}/membres/").content.decode()
    with sending_on_commit(django_capture_on_commit_callbacks):
        admin_client.post(
            f"/espace-collectivite/{organisation.pk}/demandes/{join_request.pk}/", {"decision": "accepter"}
        )

    assert Membership.objects.get(organisation=organisation, user=newcomer).role == Role.MEMBER
    assert not JoinRequest.objects.exists()
    assert [d.recipient_email for d in deliveries(Purpose.JOIN_DECISION)] == [newcomer.email]
    assert "Votre demande est acceptée" in mail.outbox[-1].body


def test_a_pending_organisation_cannot_be_joined(newcomer):
    pending = OrganisationFactory(pending=True, name="Commune pas encore validée")
    client = client_as(newcomer)

    assert "Commune pas encore validée" not in client.get(JOIN, {"q": "validée"}).content.decode()
    response = client.post(JOIN, {"organisation": pending.pk})
    assert "n’est pas encore validée" in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_staff_decide_for_an_organisation_without_administrator(newcomer, staff, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name="Commune sans administrateur")
    client_as(newcomer).post(JOIN, {"organisation": organisation.pk})
    join_request = JoinRequest.objects.get()
    assert deliveries(Purpose.JOIN_REQUEST) == []
    staff_client = client_as(staff)
    assert "Commune sans administrateur" in staff_client.get(STAFF).content.decode()

    with sending_on_commit(django_capture_on_commit_callbacks):
        staff_client.post(f"{STAFF}demandes/{join_request.pk}/", {"decision": "accepter"})

    # The first person let in becomes its administrator.
    assert Membership.objects.get(organisation=organisation, user=newcomer).role == Role.ADMINISTRATOR


def test_staff_cannot_decide_for_an_organisation_that_has_an_administrator(
    newcomer, organisation, administrator, staff
):
    join_request = JoinRequest.objects.create(organisation=organisation, user=newcomer)

    assert client_as(staff).post(f"{STAFF}demandes/{join_request.pk}/", {"decision": "accepter"}).status_code == 404
    assert JoinRequest.objects.filter(pk=join_request.pk).exists()


def test_the_search_is_capped_and_safe(newcomer):
    response = client_as(newcomer).get(JOIN, {"q": "a" * 5000 + "\x00"})

    assert response.status_code == 200
    assert "Saisissez au plus 100 caractères." in response.content.decode()


def test_purge_deletes_stale_sign_ups_invitations_and_join_requests(organisation, administrator):
    long_ago = timezone.now() - timedelta(days=100)
    stale = UserFactory(email_confirmed_at=None, date_joined=long_ago)
    fresh = UserFactory(email_confirmed_at=None)
    confirmed = UserFactory(date_joined=long_ago)
    old_invitation = Invitation.objects.create(organisation=organisation, email="a@example.org", created_at=long_ago)
    new_invitation = Invitation.objects.create(organisation=organisation, email="b@example.org")
    old_request = JoinRequest.objects.create(organisation=organisation, user=confirmed)
    JoinRequest.objects.filter(pk=old_request.pk).update(created_at=long_ago)
    new_request = JoinRequest.objects.create(organisation=organisation, user=fresh)

    counts = purge_personal_data()

    assert counts["sign-ups never confirmed deleted"] == 1
    assert counts["invitations past their link deleted"] == 1
    assert counts["unanswered join requests deleted"] == 1
    assert not User.objects.filter(pk=stale.pk).exists()
    assert User.objects.filter(pk__in=[fresh.pk, confirmed.pk, administrator.pk]).count() == 3
    assert list(Invitation.objects.values_list("pk", flat=True)) == [new_invitation.pk]
    assert not Invitation.objects.filter(pk=old_invitation.pk).exists()
    assert list(JoinRequest.objects.values_list("pk", flat=True)) == [new_request.pk]
