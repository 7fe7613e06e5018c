"""visible_to(user) and editable_by(user): what each persona sees of organisations, members and delegates."""

from __future__ import annotations

import pytest

from partnership.accounts.models import Delegate, Membership, Organisation
from tests.factories import DelegateFactory, OrganisationFactory, UserFactory
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

NONE: frozenset[str] = frozenset()
THIS = frozenset({"organisation"})
OTHER = frozenset({"other_organisation"})
BOTH = THIS | OTHER

# Persona → the organisations (by fixture name) it sees / edits.
ORGANISATIONS_VISIBLE = {
    "anonymous": NONE,
    "job_seeker": NONE,
    "member": THIS,
    "administrator": THIS,
    "other_member": OTHER,
    "delegate": THIS,  # Tulle is in Nouvelle-Aquitaine
    "other_delegate": OTHER,  # the Bassin d’Aurillac is in Auvergne-Rhône-Alpes
    "staff": BOTH,
    "scoped_staff": OTHER,  # Cantal only
    "superuser": BOTH,
}
ORGANISATIONS_EDITABLE = ORGANISATIONS_VISIBLE | {"member": NONE, "delegate": NONE, "other_delegate": NONE}


@pytest.fixture
def world(personas, organisation, other_organisation):
    return {"organisation": organisation, "other_organisation": other_organisation}


def names(world, queryset) -> frozenset[str]:
    pks = set(queryset.values_list("pk", flat=True))
    return frozenset(name for name, organisation in world.items() if organisation.pk in pks)


def user_of(personas, name):
    from django.contrib.auth.models import AnonymousUser

    return personas[name] or AnonymousUser()


@pytest.mark.parametrize("persona", PERSONAS)
def test_organisations_visible_and_editable(world, personas, persona):
    user = user_of(personas, persona)

    assert names(world, Organisation.objects.visible_to(user)) == ORGANISATIONS_VISIBLE[persona]
    assert names(world, Organisation.objects.editable_by(user)) == ORGANISATIONS_EDITABLE[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_memberships_visible_and_editable(world, personas, persona):
    """Colleagues see each other; administrators and staff in scope edit; delegates see no member lists."""
    user = user_of(personas, persona)
    visible = {m.organisation_id for m in Membership.objects.visible_to(user)}
    editable = {m.organisation_id for m in Membership.objects.editable_by(user)}
    organisations_with_members = {
        name for name in ORGANISATIONS_VISIBLE[persona] if persona not in ("delegate", "other_delegate")
    }

    assert visible == {world[name].pk for name in organisations_with_members}
    assert editable == {world[name].pk for name in ORGANISATIONS_EDITABLE[persona]}


def test_a_member_sees_every_colleague(world, personas):
    colleagues = Membership.objects.visible_to(personas["member"])

    assert set(colleagues.values_list("user", flat=True)) == {personas["member"].pk, personas["administrator"].pk}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", set()),
        ("job_seeker", set()),
        ("member", set()),
        ("administrator", set()),
        ("delegate", {"delegate"}),
        ("other_delegate", {"other_delegate"}),
        ("staff", {"delegate", "other_delegate"}),
        ("scoped_staff", {"other_delegate"}),  # Cantal is in Auvergne-Rhône-Alpes
        ("superuser", {"delegate", "other_delegate"}),
    ],
)
def test_delegates_visible(personas, persona, expected):
    user = user_of(personas, persona)
    delegates = {personas[name].delegate.pk: name for name in ("delegate", "other_delegate")}

    assert {delegates[pk] for pk in Delegate.objects.visible_to(user).values_list("pk", flat=True)} == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_of_every_departement_edit_delegates(personas, persona):
    editable = Delegate.objects.editable_by(user_of(personas, persona)).count()

    assert editable == (2 if persona in ("staff", "superuser") else 0)


def test_an_epci_across_two_departements_is_seen_by_the_staff_of_either():
    """CC Haute-Corrèze Communauté (200066744) has communes in Corrèze (19) and in Creuse (23)."""
    epci = OrganisationFactory(intercommunality=True, epci="200066744")
    seen_by = {
        code: Organisation.objects.visible_to(UserFactory(staff=True, departements=[code])).filter(pk=epci.pk).exists()
        for code in ("19", "23", "15")
    }

    assert seen_by == {"19": True, "23": True, "15": False}
    assert list(Organisation.objects.in_regions(["75"])) == [epci]


def test_an_organisation_on_its_seat_is_in_the_departement_of_that_commune():
    association = OrganisationFactory(association=True, commune="15014")  # Aurillac

    assert list(Organisation.objects.in_departements(["15"])) == [association]
    assert not Organisation.objects.in_departements(["19"]).exists()


def test_staff_of_several_departements_see_all_of_them(world):
    both = UserFactory(staff=True, departements=["19", "15"])

    assert names(world, Organisation.objects.visible_to(both)) == BOTH
    assert names(world, Organisation.objects.editable_by(both)) == BOTH


def test_a_deactivated_account_sees_nothing(world, personas):
    for name in ("staff", "superuser", "administrator"):
        user = personas[name]
        user.is_active = False

        assert not Organisation.objects.visible_to(user).exists(), name
        assert not Membership.objects.visible_to(user).exists(), name
        assert not Delegate.objects.visible_to(user).exists(), name


def test_a_superuser_sees_everything_even_without_the_staff_flag(world, personas):
    superuser = UserFactory(superuser=True, is_staff=False)

    assert names(world, Organisation.objects.visible_to(superuser)) == BOTH
    assert names(world, Organisation.objects.editable_by(superuser)) == BOTH
    assert Membership.objects.visible_to(superuser).count() == Membership.objects.count() == 3
    assert Delegate.objects.visible_to(superuser).count() == Delegate.objects.editable_by(superuser).count() == 2


def test_a_scoped_staff_member_who_is_also_superuser_is_not_limited(world):
    assert names(world, Organisation.objects.visible_to(UserFactory(superuser=True, departements=["15"]))) == BOTH


def test_visible_to_is_one_query_whatever_the_number_of_organisations(world, personas, django_assert_num_queries):
    OrganisationFactory.create_batch(5)
    for name in ("member", "delegate", "scoped_staff"):
        # One query to read a staff member's départements, one for the organisations.
        with django_assert_num_queries(2 if name == "scoped_staff" else 1):
            list(Organisation.objects.visible_to(personas[name]))


def test_the_delegates_of_a_region(personas):
    both = DelegateFactory(regions=["75", "84"])

    assert set(Delegate.objects.of_region("75")) == {personas["delegate"].delegate, both}
    assert set(Delegate.objects.of_region("84")) == {personas["other_delegate"].delegate, both}
    assert not Delegate.objects.of_region("11").exists()
