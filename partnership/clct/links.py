"""Signed links of the CLCT e-mails, usable without logging in.

- RSVP links (`rsvp_token`): signed (Django's signing, salt of its own), expiring (CLCT_RSVP_LINK_DAYS,
  and never after the meeting has started), single-use: the token carries the invitation's
  `link_version`, which every change of the answer raises, so a spent link (or a link older than an
  answer given on the page) is refused.
- The unsubscribe link of the digest (`unsubscribe_token`): signed, without expiry (RFC 8058's one
  click must work from an old message).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from partnership.clct.enums import Rsvp

RSVP_SALT = "partnership.clct.rsvp-link"
UNSUBSCRIBE_SALT = "partnership.clct.unsubscribe"


@dataclass(frozen=True)
class RsvpClaim:
    invitation_id: int
    rsvp: str
    version: int


class LinkError(Exception):
    """A link that cannot be used; `reason` says why, in French, for the page; `status` is the page's HTTP
    status (404 unknown or tampered, 410 expired or spent, 403 another person's)."""

    def __init__(self, reason: str, status: int = 404) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def rsvp_token(*, invitation_id: int, rsvp: str, version: int) -> str:
    return signing.dumps({"i": invitation_id, "r": rsvp, "v": version}, salt=RSVP_SALT)


def read_rsvp_token(token: str) -> RsvpClaim:
    try:
        data = signing.loads(token, salt=RSVP_SALT, max_age=settings.CLCT_RSVP_LINK_DAYS * 86400)
    except signing.SignatureExpired as error:
        raise LinkError("Ce lien a expiré. Répondez depuis votre espace CLCT.", 410) from error
    except signing.BadSignature as error:
        raise LinkError("Ce lien n’est pas valide. Vérifiez qu’il a été copié en entier.") from error
    if not isinstance(data, dict) or data.get("r") not in Rsvp.values:
        raise LinkError("Ce lien n’est pas valide. Vérifiez qu’il a été copié en entier.")
    return RsvpClaim(invitation_id=int(data["i"]), rsvp=str(data["r"]), version=int(data["v"]))


def unsubscribe_token(delegate_id: int) -> str:
    return signing.dumps(delegate_id, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> int:
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise LinkError("Ce lien de désabonnement n’est pas valide.") from error
