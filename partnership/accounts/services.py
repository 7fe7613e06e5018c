"""Account operations that touch more than one row."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from partnership.accounts import tokens
from partnership.accounts.enums import OrganisationStatus, Role
from partnership.accounts.models import Invitation, JoinRequest, Membership, Organisation, User, UserManager
from partnership.notifications.enums import Purpose
from partnership.notifications.services import send
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


# --- Sign-up and e-mail confirmation (issue 12) ----------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _once() -> str:
    """A delivery key part for messages sent once per request (a new sign-up, a reset): never reused."""
    return uuid.uuid4().hex[:16]


def send_confirmation(*, user: User) -> None:
    token = tokens.confirmation_token(user)
    send(
        purpose=Purpose.ACCOUNT_CONFIRMATION,
        key=(user.pk, _once()),
        to=user.email,
        template="accounts/emails/confirmation",
        context={
            "first_name": user.first_name,
            "url": absolute_url(reverse("accounts:signup-confirm", kwargs={"token": token})),
            "days": tokens.CONFIRMATION_MAX_AGE // (24 * 3600),
        },
    )


@transaction.atomic
def sign_up(*, email: str, first_name: str, last_name: str, password: str, may_send: bool = True) -> None:
    """Answer a sign-up the same way whether the address has an account or not; only its mailbox learns which.

    - a new address: an account that cannot log in until its link is confirmed, and the link;
    - an address signed up but never confirmed: its names and password replaced by these (a stranger
      who signed up with someone's address first cannot keep a password the owner would confirm),
      earlier links made stale, and a new link;
    - an address with an account: an e-mail that says so, with the way to reset the password;
    - a deactivated account: nothing.

    `may_send` False (the address's e-mail budget of the limiter is spent): nothing is written or sent.
    """
    if not may_send:
        log_security_event("signup_email_withheld", level=logging.WARNING)
        return
    email = UserManager.canonical_email(email)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, password, first_name=first_name, last_name=last_name, email_confirmed_at=None
                )
        except IntegrityError:  # the same address signed up at the same moment: that one wins
            return
        log_security_event("signup", subject_user_id=user.pk)
        send_confirmation(user=user)
    elif not user.is_active:
        log_security_event("signup_deactivated_account", level=logging.WARNING, subject_user_id=user.pk)
    elif user.email_confirmed_at is None:
        user.first_name, user.last_name = first_name, last_name
        user.set_password(password)
        user.save(update_fields=["first_name", "last_name", "password"])
        log_security_event("signup_repeated", subject_user_id=user.pk)
        send_confirmation(user=user)
    else:
        log_security_event("signup_existing_account", subject_user_id=user.pk)
        send(
            purpose=Purpose.ACCOUNT_EXISTS,
            key=(user.pk, _once()),
            to=user.email,
            template="accounts/emails/account_exists",
            context={
                "first_name": user.first_name,
                "login_url": absolute_url(reverse("accounts:login")),
                "reset_url": absolute_url(reverse("accounts:password-reset")),
            },
        )


def confirm_email(*, user: User) -> None:
    User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())
    user.refresh_from_db(fields=["email_confirmed_at"])
    log_security_event("email_confirmed", subject_user_id=user.pk)


# --- Joining or creating an organisation (issue 12) -------------------------------------------------


def _notify_join_request(join_request: JoinRequest) -> None:
    organisation = join_request.organisation
    url = absolute_url(reverse("accounts:members", kwargs={"organisation": organisation.pk}))
    administrators = User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.ADMINISTRATOR, is_active=True
    )
    for administrator in administrators:
        send(
            purpose=Purpose.JOIN_REQUEST,
            key=(join_request.pk, f"user-{administrator.pk}"),
            to=administrator.email,
            template="accounts/emails/join_request",
            context={
                "organisation": organisation.name,
                "requester": join_request.user.get_full_name(),
                "requester_email": join_request.user.email,
                "message": join_request.message,
                "url": url,
            },
        )


@transaction.atomic
def request_to_join(*, user: User, organisation: Organisation, message: str = "") -> JoinRequest:
    """Ask to join an approved organisation; its administrators are e-mailed (staff decide when it has none)."""
    locked = _lock(organisation.pk)
    if Membership.objects.filter(organisation=locked, user=user).exists():
        raise ValidationError(f"Vous êtes déjà membre de « {locked.name} ».", code="already_member")
    if JoinRequest.objects.filter(organisation=locked, user=user).exists():
        raise ValidationError(
            f"Vous avez déjà demandé à rejoindre « {locked.name} » : sa réponse vous sera envoyée par courriel.",
            code="already_requested",
        )
    join_request = JoinRequest.objects.create(organisation=locked, user=user, message=message)
    log_security_event("join_requested", organisation_id=locked.pk, subject_user_id=user.pk)
    _notify_join_request(join_request)
    return join_request


@transaction.atomic
def decide_join_request(*, join_request: JoinRequest, approve: bool, by: User) -> Membership | None:
    """Approve (the requester becomes a member) or refuse a request; the requester is e-mailed either way."""
    organisation = _lock(join_request.organisation_id)
    current = JoinRequest.objects.select_related("user").filter(pk=join_request.pk).first()
    if current is None:
        raise ValidationError("Cette demande a déjà reçu une réponse.", code="already_decided")
    membership = None
    if approve:
        # An organisation without an administrator (staff decide then) gets its first one.
        has_administrator = Membership.objects.administrators().filter(organisation=organisation).exists()
        role = Role.MEMBER if has_administrator else Role.ADMINISTRATOR
        membership = add_member(organisation=organisation, user=current.user, role=role, by=by)
    current.delete()
    log_security_event(
        "join_request_approved" if approve else "join_request_refused",
        organisation_id=organisation.pk,
        subject_user_id=current.user_id,
        by_user_id=by.pk,
    )
    send(
        purpose=Purpose.JOIN_DECISION,
        key=(join_request.pk,),
        to=current.user.email,
        template="accounts/emails/join_decision",
        context={
            "first_name": current.user.first_name,
            "organisation": organisation.name,
            "approved": approve,
            "url": absolute_url(
                reverse("recruitment:organisation", kwargs={"organisation": organisation.pk})
                if approve
                else reverse("accounts:organisation-join")
            ),
        },
    )
    return membership


@transaction.atomic
def create_pending_organisation(*, organisation: Organisation, creator: User) -> Organisation:
    """A collectivité's person creates their organisation: they administer it; staff approve it before it may post."""
    organisation.status = OrganisationStatus.PENDING
    return create_organisation(organisation=organisation, administrator=creator, by=creator)


def _notify_organisation_decision(organisation: Organisation, *, approved: bool, reason: str = "") -> None:
    administrators = User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.ADMINISTRATOR, is_active=True
    )
    for administrator in administrators:
        send(
            purpose=Purpose.ORGANISATION_DECISION,
            key=(organisation.pk, "approved" if approved else "refused", f"user-{administrator.pk}"),
            to=administrator.email,
            template="accounts/emails/organisation_decision",
            context={
                "first_name": administrator.first_name,
                "organisation": organisation.name,
                "approved": approved,
                "reason": reason,
                "url": absolute_url(
                    reverse("recruitment:organisation", kwargs={"organisation": organisation.pk})
                    if approved
                    else reverse("accounts:organisation-create")
                ),
            },
        )


@transaction.atomic
def approve_organisation(*, organisation: Organisation, by: User) -> Organisation:
    locked = _lock(organisation.pk)
    if locked.status == OrganisationStatus.APPROVED:
        return locked
    locked.status = OrganisationStatus.APPROVED
    locked.approved_at = timezone.now()
    locked.approved_by = by
    locked.save(update_fields=["status", "approved_at", "approved_by"])
    log_security_event("organisation_approved", organisation_id=locked.pk, by_user_id=by.pk)
    _notify_organisation_decision(locked, approved=True)
    return locked


@transaction.atomic
def refuse_organisation(*, organisation: Organisation, by: User, reason: str) -> None:
    """A pending organisation refused: its administrators are told why, then it is deleted (its SIREN free again)."""
    locked = _lock(organisation.pk)
    if locked.status != OrganisationStatus.PENDING:
        raise ValidationError("Seule une organisation en attente de validation peut être refusée.", code="not_pending")
    _notify_organisation_decision(locked, approved=False, reason=reason)
    log_security_event("organisation_refused", organisation_id=locked.pk, by_user_id=by.pk)
    locked.delete()


# --- Password reset (issue 12) ------------------------------------------------------------------------


def send_password_reset(*, user: User) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    log_security_event("password_reset_requested", subject_user_id=user.pk)
    send(
        purpose=Purpose.PASSWORD_RESET,
        key=(user.pk, _once()),
        to=user.email,
        template="accounts/emails/password_reset",
        context={
            "first_name": user.first_name,
            "url": absolute_url(reverse("accounts:password-reset-confirm", kwargs={"uidb64": uidb64, "token": token})),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def password_was_reset(*, user: User) -> None:
    """A new password set through the e-mailed link: the link proved the address, so it is confirmed too."""
    log_security_event("password_reset", subject_user_id=user.pk)
    if user.email_confirmed_at is None:
        confirm_email(user=user)


# --- Invitations (issue 12) -----------------------------------------------------------------------------


@transaction.atomic
def invite(*, organisation: Organisation, email: str, role: Role, by: User) -> Invitation:
    """Invite `email` with `role`: a signed link valid a week, once; replaces a pending invitation of that address."""
    role = Role(role)
    email = UserManager.canonical_email(email)
    locked = _lock(organisation.pk)
    if Membership.objects.filter(organisation=locked, user__email__iexact=email).exists():
        raise ValidationError(f"{email} est déjà membre de « {locked.name} ».", code="already_member")
    Invitation.objects.filter(organisation=locked, email__iexact=email, accepted_at__isnull=True).delete()
    invitation = Invitation.objects.create(organisation=locked, email=email, role=role, invited_by=by)
    log_security_event(
        "invitation_sent", organisation_id=locked.pk, invitation_id=invitation.pk, role=role.value, by_user_id=by.pk
    )
    send(
        purpose=Purpose.INVITATION,
        key=(invitation.pk,),
        to=email,
        template="accounts/emails/invitation",
        context={
            "organisation": locked.name,
            "inviter": by.get_full_name(),
            "role": role.label.lower(),
            "url": absolute_url(
                reverse("accounts:invitation", kwargs={"token": tokens.invitation_token(invitation.pk)})
            ),
            "days": tokens.INVITATION_MAX_AGE // (24 * 3600),
        },
    )
    return invitation


@transaction.atomic
def cancel_invitation(*, invitation: Invitation, by: User) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()
    log_security_event(
        "invitation_cancelled",
        organisation_id=invitation.organisation_id,
        invitation_id=invitation.pk,
        by_user_id=by.pk,
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """The invited person (logged in with the invited address) joins with the invitation's role; the link is spent."""
    organisation = _lock(invitation.organisation_id)
    current = Invitation.objects.select_for_update().filter(pk=invitation.pk, accepted_at__isnull=True).first()
    if current is None:
        raise ValidationError("Cette invitation a déjà servi ou a été annulée.", code="invitation_used")
    if UserManager.canonical_email(current.email) != UserManager.canonical_email(user.email):
        raise ValidationError("Cette invitation a été envoyée à une autre adresse.", code="invitation_other_address")
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = add_member(organisation=organisation, user=user, role=Role(current.role), by=current.invited_by)
    current.accepted_at = timezone.now()
    current.accepted_by = user
    current.save(update_fields=["accepted_at", "accepted_by"])
    JoinRequest.objects.filter(organisation=organisation, user=user).delete()
    log_security_event(
        "invitation_accepted", organisation_id=organisation.pk, invitation_id=current.pk, subject_user_id=user.pk
    )
    return membership


@transaction.atomic
def sign_up_by_invitation(*, invitation: Invitation, first_name: str, last_name: str, password: str) -> User:
    """An invitee without an account: the account is created confirmed (the link proved the address) and joins.

    A sign-up of that address never confirmed is taken over the same way (as a second sign-up would)."""
    user = (
        User.objects.select_for_update().filter(email__iexact=invitation.email, email_confirmed_at__isnull=True).first()
    )
    if user is None:
        user = User.objects.create_user(invitation.email, password, first_name=first_name, last_name=last_name)
    else:
        user.first_name, user.last_name, user.email_confirmed_at = first_name, last_name, timezone.now()
        user.set_password(password)
        user.save(update_fields=["first_name", "last_name", "email_confirmed_at", "password"])
    log_security_event("signup", subject_user_id=user.pk, invitation_id=invitation.pk)
    accept_invitation(invitation=invitation, user=user)
    return user


# --- Retention (partnership.personal_data.purge_personal_data) ------------------------------------------

UNCONFIRMED_ACCOUNT_RETENTION = dt.timedelta(days=7)  # a sign-up never confirmed (its link lasts 2 days)
JOIN_REQUEST_RETENTION = dt.timedelta(days=90)  # a join request nobody answered


def purge(*, now: dt.datetime) -> dict[str, int]:
    """Delete the sign-ups never confirmed, the invitations past their link's life, the unanswered join requests."""
    with transaction.atomic():
        unconfirmed, _ = (
            User.objects.filter(email_confirmed_at__isnull=True, date_joined__lt=now - UNCONFIRMED_ACCOUNT_RETENTION)
            .exclude(memberships__isnull=False)
            .delete()
        )
        invitations, _ = Invitation.objects.filter(
            created_at__lt=now - dt.timedelta(seconds=tokens.INVITATION_MAX_AGE)
        ).delete()
        join_requests, _ = JoinRequest.objects.filter(created_at__lt=now - JOIN_REQUEST_RETENTION).delete()
    return {
        "sign-ups never confirmed deleted": unconfirmed,
        "invitations past their link deleted": invitations,
        "unanswered join requests deleted": join_requests,
    }
