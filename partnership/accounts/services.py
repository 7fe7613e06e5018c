"""Account operations that touch more than one row."""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from partnership.accounts.enums import Role
from partnership.accounts.models import Membership, Organisation, User
from partnership.observability import log_security_event


def end_sessions(*, user: User) -> int:
    """Delete every server-side session of `user`; returns how many.

    Only logged-in people have sessions here (candidates need no account), so reading the live
    sessions is cheap.
    """
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def deactivate_user(*, user: User, by: User | None = None) -> int:
    """Deactivate an account and end its sessions at once; returns the number of sessions ended."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ended = end_sessions(user=user)
    log_security_event("account_deactivated", subject_user_id=user.pk, by_user_id=by.pk if by else None)
    return ended


# --- Organisations and their members -------------------------------------------------------------
#
# An organisation always keeps an administrator (decision 13): every change of its memberships
# goes through the functions below, which lock the organisation's row first, so that two
# administrators demoting or removing each other at the same moment cannot both succeed.


def last_administrator_error(organisation: Organisation) -> ValidationError:
    return ValidationError(
        f"« {organisation.name} » doit garder au moins un administrateur : nommez d’abord un autre "
        "administrateur, puis retirez ce rôle.",
        code="last_administrator",
    )


def _lock(organisation_id: int) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation_id)


def _by(by: User | None) -> int | None:
    return by.pk if by is not None else None


def _other_administrators(membership: Membership) -> models.QuerySet[Membership]:
    return (
        Membership.objects.administrators().filter(organisation_id=membership.organisation_id).exclude(pk=membership.pk)
    )


@transaction.atomic
def create_organisation(*, organisation: Organisation, administrator: User, by: User | None) -> Organisation:
    """Save a new organisation (validated: SIREN and its check digit, territory) with its first administrator."""
    if organisation.pk is not None:
        raise ValueError("create_organisation takes an organisation that is not saved yet")
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(organisation=organisation, user=administrator, role=Role.ADMINISTRATOR)
    log_security_event(
        "organisation_created",
        organisation_id=organisation.pk,
        subject_user_id=administrator.pk,
        role=Role.ADMINISTRATOR.value,
        by_user_id=_by(by),
    )
    return organisation


@transaction.atomic
def add_member(*, organisation: Organisation, user: User, role: Role = Role.MEMBER, by: User | None) -> Membership:
    """Add a person to an organisation; someone already a member is refused (ValidationError)."""
    role = Role(role)
    locked = _lock(organisation.pk)
    if Membership.objects.filter(organisation=locked, user=user).exists():
        raise ValidationError(f"{user.get_full_name()} est déjà membre de « {locked.name} ».", code="already_member")
    membership = Membership.objects.create(organisation=locked, user=user, role=role)
    log_security_event(
        "member_added", organisation_id=locked.pk, subject_user_id=user.pk, role=role.value, by_user_id=_by(by)
    )
    return membership


@transaction.atomic
def change_role(*, membership: Membership, role: Role, by: User | None) -> Membership:
    """Give a member another role; the last administrator cannot be demoted (ValidationError)."""
    role = Role(role)
    organisation = _lock(membership.organisation_id)
    current = Membership.objects.get(pk=membership.pk)
    if current.role == role:
        return current
    if current.role == Role.ADMINISTRATOR and not _other_administrators(current).exists():
        raise last_administrator_error(organisation)
    previous = current.role
    current.role = role
    current.save(update_fields=["role"])
    log_security_event(
        "member_role_changed",
        organisation_id=organisation.pk,
        subject_user_id=current.user_id,
        previous_role=previous,
        role=role.value,
        by_user_id=_by(by),
    )
    return current


@transaction.atomic
def remove_member(*, membership: Membership, by: User | None) -> None:
    """Remove a member; the last administrator cannot be removed (ValidationError)."""
    organisation = _lock(membership.organisation_id)
    current = Membership.objects.get(pk=membership.pk)
    if current.role == Role.ADMINISTRATOR and not _other_administrators(current).exists():
        raise last_administrator_error(organisation)
    current.delete()
    log_security_event(
        "member_removed",
        organisation_id=organisation.pk,
        subject_user_id=current.user_id,
        previous_role=current.role,
        by_user_id=_by(by),
    )
