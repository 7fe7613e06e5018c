"""Organisations: SIREN and its check digit, territory, and the database constraints behind them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from partnership.accounts.enums import OrganisationKind, Role
from partnership.accounts.models import Membership, Organisation
from partnership.accounts.validators import luhn_is_valid, validate_siren
from territories.models import Commune, Epci
from tests.factories import MembershipFactory, UserFactory, siren_with_check_digit

COMMUNES_CSV = Path(__file__).resolve().parents[2] / "territories" / "data" / "cog" / "communes.csv"


def real_sirens() -> set[str]:
    """Every commune's and EPCI's SIREN in the shipped COG file: real numbers, so right check digits."""
    with COMMUNES_CSV.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    return {row[column] for row in rows for column in ("siren_commune", "siren_epci") if row[column]}


def test_every_real_siren_of_the_territories_data_passes():
    sirens = real_sirens()
    assert len(sirens) > 35_000

    for siren in sirens:
        validate_siren(siren)


@pytest.mark.parametrize("siren", ["211927207", "241927201", "356000000"])
def test_a_wrong_check_digit_is_refused(siren):
    assert luhn_is_valid(siren)
    for wrong in "0123456789":
        if wrong == siren[-1]:
            continue
        with pytest.raises(ValidationError) as refused:
            validate_siren(siren[:-1] + wrong)
        assert refused.value.code == "siren_check_digit"


@pytest.mark.parametrize("siren", ["21192720", "2119272070", "211 927 207", "21192720A", ""])
def test_a_siren_is_nine_digits(siren):
    with pytest.raises(ValidationError) as refused:
        validate_siren(siren)
    assert refused.value.code == "siren_format"
    assert "9 chiffres" in refused.value.messages[0]


def test_the_factories_check_digit_agrees_with_the_validator():
    for n in range(0, 1000, 7):
        validate_siren(siren_with_check_digit(f"2{n:07d}"))


@pytest.mark.django_db
class TestDatabaseConstraints:
    def insert(self, **fields) -> None:
        defaults = {"kind": OrganisationKind.COMMUNE, "name": "Commune", "siren": "211927207", "commune_id": "19272"}
        with transaction.atomic():
            Organisation.objects.create(**{**defaults, **fields})

    def test_a_valid_commune_is_accepted(self):
        self.insert()
        assert Organisation.objects.get().commune_id == "19272"

    @pytest.mark.parametrize(
        ("fields", "constraint"),
        [
            ({"siren": "211927208"}, "organisation_siren_check_digit"),
            # "A" counts as 17 in the checksum, as 7 would: only the format refuses it.
            ({"siren": "21192720A"}, "organisation_siren_format"),
            ({"kind": "mairie"}, "organisation_kind_valid"),
            ({"kind": OrganisationKind.ASSOCIATION, "commune_id": None}, "organisation_one_territory"),
            ({"kind": OrganisationKind.ASSOCIATION, "epci_id": "241927201"}, "organisation_one_territory"),
            (
                {"kind": OrganisationKind.COMMUNE, "commune_id": None, "epci_id": "241927201"},
                "organisation_commune_on_its_commune",
            ),
            (
                {"kind": OrganisationKind.EPCI, "commune_id": None, "epci_id": "241927201"},
                "organisation_epci_on_its_epci",
            ),
        ],
    )
    def test_the_database_refuses(self, fields, constraint):
        with pytest.raises(IntegrityError, match=constraint):
            self.insert(**fields)

    def test_an_epci_with_its_own_siren_is_accepted(self):
        self.insert(kind=OrganisationKind.EPCI, siren="241927201", commune_id=None, epci_id="241927201")

    def test_another_body_may_sit_on_a_commune_or_an_epci(self):
        self.insert(
            kind=OrganisationKind.PETR, siren=siren_with_check_digit("20000000"), commune_id=None, epci_id="241927201"
        )
        self.insert(kind=OrganisationKind.REGION, siren=siren_with_check_digit("23000000"))
        assert Organisation.objects.count() == 2

    def test_the_siren_is_unique(self):
        self.insert()
        with pytest.raises(IntegrityError, match="siren"):
            self.insert(name="Doublon")

    def test_a_person_is_member_once_with_a_valid_role(self):
        membership = MembershipFactory()
        with pytest.raises(IntegrityError, match="membership_once_per_organisation"), transaction.atomic():
            Membership.objects.create(user=membership.user, organisation=membership.organisation)
        with pytest.raises(IntegrityError, match="membership_role_valid"), transaction.atomic():
            Membership.objects.create(user=UserFactory(), organisation=membership.organisation, role="owner")


@pytest.mark.django_db
def test_full_clean_gives_french_messages_per_field():
    organisation = Organisation(
        kind=OrganisationKind.EPCI, name="Tulle Agglo", siren="241927209", epci=Epci.objects.get(pk="241927201")
    )

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert refused.value.message_dict == {
        "siren": [
            "Ce numéro SIREN n’existe pas : son dernier chiffre (la clé de contrôle) ne correspond pas aux autres."
        ]
    }

    organisation.siren = "241927201"
    organisation.full_clean()
    organisation.commune = Commune.objects.get(pk="19272")
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert refused.value.messages == ["Indiquez soit une commune, soit un EPCI (l’un des deux, pas les deux)."]


@pytest.mark.django_db
def test_deleting_an_account_that_belongs_to_an_organisation_is_refused():
    membership = MembershipFactory(administrator=True)

    with pytest.raises(ProtectedError), transaction.atomic():
        membership.user.delete()
    assert Membership.objects.filter(pk=membership.pk, role=Role.ADMINISTRATOR).exists()
