"""Two requests changing the same organisation's members at the same moment, on two real connections."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from partnership.accounts.enums import Role
from partnership.accounts.models import Membership, User
from partnership.accounts.services import change_role
from tests.factories import MembershipFactory, OrganisationFactory


def test_two_administrators_demoting_each_other_at_once_leave_one(committed_organisation):
    """The services lock the organisation's row: the second demotion waits, then sees it would leave none."""
    organisation, first, second = committed_organisation
    both_in = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def demote(name: str, membership: Membership, by: User) -> None:
        try:
            with transaction.atomic():
                both_in.wait(timeout=10)
                change_role(membership=membership, role=Role.MEMBER, by=by)
                time.sleep(0.3)  # hold the lock while the other one tries
            outcomes[name] = "demoted"
        except ValidationError as error:
            outcomes[name] = error.code or "?"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=("first", first, second.user)),
        threading.Thread(target=demote, args=("second", second, first.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["demoted", "last_administrator"]
    assert organisation.memberships.administrators().count() == 1


@pytest.fixture
def committed_organisation(django_db_setup, django_db_blocker):
    """An organisation with two administrators, committed (each thread has its own connection), then deleted.

    Not `transactional_db`: its teardown would flush the territories imported for the session.
    """
    with django_db_blocker.unblock():
        organisation = OrganisationFactory()
        first = MembershipFactory(organisation=organisation, administrator=True)
        second = MembershipFactory(organisation=organisation, administrator=True)
        try:
            yield organisation, first, second
        finally:
            organisation.delete()
            User.objects.filter(pk__in=[first.user_id, second.user_id]).delete()
