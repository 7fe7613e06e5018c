"""Two requests changing the same organisation's members at the same moment, on two real connections."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from partnership.accounts.enums import Role
from partnership.accounts.models import Membership, Organisation, User
from partnership.accounts.services import change_role
from tests.factories import MembershipFactory, OrganisationFactory

T = TypeVar("T")


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


def committed(work: Callable[[], T]) -> T:
    """Run `work` on a connection of its own (a thread), committed at once: what the test's own
    transaction holds, the other connections would not see."""
    result: list[T] = []

    def run() -> None:
        try:
            result.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result[0]


@pytest.fixture
def committed_organisation(db):
    """An organisation with two administrators, committed, then deleted.

    Not `transactional_db`: its teardown would flush the territories imported for the session.
    """

    def create() -> tuple[Organisation, Membership, Membership]:
        organisation = OrganisationFactory()
        first = MembershipFactory(organisation=organisation, administrator=True)
        second = MembershipFactory(organisation=organisation, administrator=True)
        return organisation, first, second

    organisation, first, second = committed(create)
    yield organisation, first, second

    def delete() -> None:
        organisation.delete()
        User.objects.filter(pk__in=[first.user_id, second.user_id]).delete()

    committed(delete)
