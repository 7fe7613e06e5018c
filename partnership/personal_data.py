"""Inventory of the personal data the portal keeps, and the purge that enforces its retention.

Every model field whose name looks like personal data (an e-mail address, a phone number, a
name, an address, an IP) must appear in `INVENTORY` with what happens to it; a test fails when
a new one is not there. `docs/personal-data.md` is the readable version of this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

PERSONAL_FIELD_NAME = re.compile(r"(e_?mail|phone|telephone|mobile|name|nom|prenom|address|adresse|street|ip_?addr)")


@dataclass(frozen=True)
class Policy:
    """`purge`: erased by `purge_personal_data`; `kept`: kept on purpose, for the reason given."""

    action: str
    reason: str


def purged(reason: str) -> Policy:
    return Policy("purge", reason)


def kept(reason: str) -> Policy:
    return Policy("kept", reason)


INACTIVE_ACCOUNT_RETENTION = timedelta(days=3 * 365)
CLOSED_OFFER_CONTACT_RETENTION = timedelta(days=365)
# Long enough to answer « did this e-mail go out? », short enough not to become an address book.
DELIVERY_RETENTION = timedelta(days=30)

INVENTORY: dict[str, dict[str, Policy]] = {
    "accounts.User": {
        "email": purged("login; anonymised 3 years after the account was deactivated"),
        "first_name": purged("shown to colleagues; erased with the account"),
        "last_name": purged("shown to colleagues; erased with the account"),
        "staff_departements": kept("the départements a staff member follows: part of the account's rights"),
        "email_confirmed_at": kept(
            "when the address was confirmed at sign-up (no login before); erased with the account"
        ),
    },
    "accounts.Organisation": {"name": kept("an organisation's name, not a person")},
    "accounts.Membership": {
        "user": kept("who belongs to which organisation, with which role; deleted when the member is removed"),
    },
    "accounts.Invitation": {
        "email": kept("who was invited to an organisation; deleted with the organisation, or cancelled by it"),
    },
    "accounts.Delegate": {
        "user": kept("who is Apec's delegate for which régions; deleted with the delegate profile"),
    },
    "offers.Offer": {
        "employer_name": kept("an organisation, not a person: public part of the offer"),
        "apply_email": purged("may be a recruiter's own address: erased 1 year after the offer closed"),
    },
    "feeds.Feed": {"name": kept("the name of a feed (an organisation's), not a person")},
    "recruitment.Posting": {
        "tutor_name": kept("a VTA's tutor, named on the public offer by their organisation; deleted with the offer"),
        "created_by": kept("the member who wrote the offer; set to null when the account is deleted"),
    },
    "recruitment.Application": {
        "name": purged("a candidate: deleted 3 months after the offer closed, or 2 years after with consent"),
        "email": purged("a candidate: deleted 3 months after the offer closed, or 2 years after with consent"),
        "message": purged("a candidate's letter: deleted with the application"),
        "cv": purged("a candidate's CV (a file outside every URL): deleted with the application"),
    },
    "notifications.Delivery": {
        "recipient_email": purged("where an e-mail went; erased 30 days after it was recorded"),
        "subject": purged("may name a person; erased 30 days after it was recorded"),
        "body_text": purged("the message; erased 30 days after it was recorded"),
        "body_html": purged("the message; erased 30 days after it was recorded"),
        "headers": purged("unsubscribe links hold personal tokens; erased 30 days after it was recorded"),
        "attachments": purged("an invitation names its guests; erased 30 days after it was recorded"),
        "key": kept("ids only (never an address, a check constraint refuses '@'): keeps a message from going twice"),
    },
    "alerts.Subscriber": {
        "email": purged("where alerts go; deleted with its last alert, unconfirmed alerts after 7 days"),
    },
    "clct.Committee": {
        "prefecture_contact_name": kept("the préfecture's work contact for the committee; staff replace it"),
        "prefecture_contact_email": kept("the préfecture's work contact for the committee; staff replace it"),
        "prefecture_contact_phone": kept("the préfecture's work contact for the committee; staff replace it"),
        "secretariat_email": kept("the committee's secretariat (a service's address); staff replace it"),
    },
    "clct.Invitation": {
        "rsvp": kept("a delegate's answer to a meeting, seen by staff and the région's delegates"),
        "attended": kept("attendance at a meeting, recorded after it; deleted with the delegate profile"),
    },
    "clct.Note": {"text": kept("a private note, read by its author only; deleted with the account")},
    "territories.Region": {"name": kept("place name")},
    "territories.Departement": {"name": kept("place name")},
    "territories.Epci": {"name": kept("place name")},
    "territories.Commune": {"name": kept("place name"), "search_name": kept("place name")},
    "territories.TerritoireIndustrie": {"name": kept("place name")},
    "territories.Massif": {"name": kept("place name")},
    "territories.Qpv": {"name": kept("place name")},
    "territories.Programme": {"name": kept("programme name"), "short_name": kept("programme name")},
}


def purge_personal_data() -> dict[str, int]:
    """Erase what has outlived its retention period; returns how many rows each rule changed."""
    from offers.enums import CLOSED_STATUSES
    from offers.models import Offer
    from partnership.accounts.models import User
    from partnership.notifications.enums import UNFINISHED_STATUSES, DeliveryStatus
    from partnership.notifications.models import Delivery

    now = timezone.now()
    with transaction.atomic():
        users = User.objects.filter(is_active=False, last_login__lt=now - INACTIVE_ACCOUNT_RETENTION).exclude(
            email__endswith="@anonyme.invalid"
        )
        anonymised = 0
        for user in users.only("pk"):
            user.email = f"compte-{user.pk}@anonyme.invalid"
            user.first_name = user.last_name = ""
            user.set_unusable_password()
            user.save(update_fields=["email", "first_name", "last_name", "password"])
            anonymised += 1
        contacts = (
            Offer.objects.filter(status__in=CLOSED_STATUSES, closed_at__lt=now - CLOSED_OFFER_CONTACT_RETENTION)
            .exclude(apply_email="")
            .update(apply_email="")
        )
        deliveries = Delivery.objects.filter(created_at__lt=now - DELIVERY_RETENTION, erased_at__isnull=True)
        # One still waiting this long will not be sent: it is given up with its content.
        deliveries.filter(status__in=UNFINISHED_STATUSES).update(
            status=DeliveryStatus.ABANDONED, last_error="Abandonné : données effacées avant l’envoi."
        )
        erased = deliveries.update(
            recipient_email="", subject="", body_text="", body_html="", headers={}, attachments=[], erased_at=now
        )
    from partnership.alerts.services import purge as purge_alerts

    alerts = purge_alerts(now=now)
    from partnership.accounts.services import purge as purge_accounts

    accounts = purge_accounts(now=now)
    return {
        **alerts,
        **accounts,
        "accounts anonymised": anonymised,
        "closed offers' contact e-mails erased": contacts,
        "e-mails' recipients and contents erased": erased,
    }
