"""Signed, expiring links of the e-mails that accounts send (sign-up confirmation, invitations).

A link carries `django.core.signing` data (signed with SECRET_KEY, with a salt per purpose and a
timestamp): a changed character is refused (`BadSignature`), an old link too (`SignatureExpired`).
What makes a link work once is the state it is bound to:

- a confirmation link holds a digest of the account's password hash, e-mail and confirmation date:
  confirming, changing the password or signing up again with the same address (which replaces the
  password) makes every earlier link stale;
- an invitation link holds the invitation's id: the invitation is accepted once (`accepted_at`), and
  a new invitation of the same address deletes the previous one.

Password-reset links are Django's own (`default_token_generator`, PASSWORD_RESET_TIMEOUT).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from partnership.accounts.models import User

CONFIRMATION_MAX_AGE = 2 * 24 * 3600  # seconds: a sign-up confirmation link lasts two days
INVITATION_MAX_AGE = 7 * 24 * 3600  # an invitation, a week

_CONFIRMATION_SALT = "partnership.accounts.signup-confirmation"
_INVITATION_SALT = "partnership.accounts.invitation"


class InvalidLink(Exception):
    """The link was altered, is too old or was used already: `reason` says which, for the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


TAMPERED = "tampered"
EXPIRED = "expired"
USED = "used"


def _account_state(user: User) -> str:
    confirmed = user.email_confirmed_at.isoformat() if user.email_confirmed_at else ""
    return salted_hmac(_CONFIRMATION_SALT, f"{user.pk}|{user.email}|{user.password}|{confirmed}").hexdigest()[:32]


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _account_state(user)}, salt=_CONFIRMATION_SALT, compress=True)


def _load(token: str, *, salt: str, max_age: int) -> dict[str, object]:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise InvalidLink(EXPIRED) from error
    except signing.BadSignature as error:
        raise InvalidLink(TAMPERED) from error
    if not isinstance(data, dict):
        raise InvalidLink(TAMPERED)
    return data


def user_to_confirm(token: str) -> User:
    """The unconfirmed account the link was made for; InvalidLink otherwise."""
    data = _load(token, salt=_CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    user_id = data.get("u")
    user = User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None
    if user is None:
        raise InvalidLink(TAMPERED)
    if user.email_confirmed_at is not None:
        raise InvalidLink(USED)
    if not constant_time_compare(str(data.get("s", "")), _account_state(user)):
        raise InvalidLink(USED)  # a newer sign-up or password replaced this one
    return user


@dataclass(frozen=True)
class InvitationRef:
    invitation_id: int


def invitation_token(invitation_id: int) -> str:
    return signing.dumps({"i": invitation_id}, salt=_INVITATION_SALT)


def invitation_ref(token: str) -> InvitationRef:
    data = _load(token, salt=_INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    invitation_id = data.get("i")
    if not isinstance(invitation_id, int):
        raise InvalidLink(TAMPERED)
    return InvitationRef(invitation_id)
