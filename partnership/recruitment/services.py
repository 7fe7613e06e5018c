"""What collectivités and moderators do to local offers: each a function in one transaction.

Every write of the offer goes through `offers.lifecycle` (which records the `OfferEvent` and makes
cached pages stale); these add what a local offer has besides (its `Posting`), the eligibility check,
a security event and the e-mails to the organisation's members, recorded in the same transaction and
sent after commit (`partnership.notifications`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks

from offers import lifecycle
from offers.enums import EmployerKind, OfferKind, OfferStatus
from offers.models import Offer, OfferEvent
from partnership.accounts.enums import OrganisationKind
from partnership.accounts.models import Organisation, User
from partnership.notifications.enums import Purpose
from partnership.notifications.services import send
from partnership.observability import log_security_event
from partnership.recruitment import eligibility
from partnership.recruitment.enums import ApplicationStatus
from partnership.recruitment.models import Application, EligibilityRules, Posting

# What an organisation may still edit; once submitted, only moderators move it (or it is withdrawn).
EDITABLE_STATUSES = (OfferStatus.DRAFT, OfferStatus.REJECTED)


class PostingError(ValueError):
    """A change the offer does not allow now; the message says why, in French."""


NOT_APPROVED = (
    "Votre organisation attend encore la validation de l’équipe du partenariat : vous pourrez publier des offres "
    "dès qu’elle sera validée."
)


def employer_kind(organisation: Organisation) -> EmployerKind:
    if organisation.kind == OrganisationKind.COMMUNE:
        return EmployerKind.COMMUNE
    if organisation.kind == OrganisationKind.EPCI:
        return EmployerKind.EPCI
    return EmployerKind.PUBLIC


def _sections(posting: Posting) -> list[tuple[str, str]]:
    sections = [("Missions", posting.missions), ("Profil recherché", posting.profile)]
    if posting.offer.kind == OfferKind.VTA and posting.tutor_name:
        tutor = posting.tutor_name + (f", {posting.tutor_role}" if posting.tutor_role else "")
        sections.append(("Tutorat", f"Vous serez accompagné·e par {tutor}."))
    if posting.programme:
        sections.append(("Programme", f"Poste financé dans le cadre du programme {posting.get_programme_display()}."))
    if posting.cofunding:
        sections.append(("Cofinancement", posting.cofunding))
    return [(title, text.strip()) for title, text in sections if text.strip()]


def describe(posting: Posting) -> tuple[str, str]:
    """The offer's description (HTML made of escaped text) and its plain text, from the posting's fields."""
    sections = _sections(posting)
    html = "".join(f"<h3>{escape(title)}</h3>{linebreaks(escape(text))}" for title, text in sections)
    text = "\n\n".join(f"{title}\n{text}" for title, text in sections)
    return html, text


def check(posting: Posting) -> eligibility.Verdict:
    offer = posting.offer
    if offer.kind == OfferKind.VTA:
        return eligibility.vta(
            organisation=posting.organisation,
            duration_months=offer.duration_months,
            working_time_percent=offer.working_time_percent,
        )
    return eligibility.chef_de_projet(organisation=posting.organisation, programme=posting.programme)


@transaction.atomic
def save_posting(*, posting: Posting, offer: Offer, actor: User) -> Posting:
    """Save a new draft, or the edits of a draft or returned offer (never its status, organisation or dates)."""
    organisation = posting.organisation
    if not organisation.is_approved:
        raise PostingError(NOT_APPROVED)
    offer.employer_name = organisation.name
    offer.employer_siren = organisation.siren
    offer.employer_kind = employer_kind(organisation)
    posting.offer = offer
    offer.description, offer.description_text = describe(posting)
    if offer.pk is None:
        offer.status = OfferStatus.DRAFT
        offer.published_at = offer.expires_at = offer.closed_at = None
        lifecycle.create_offer(offer=offer, actor=actor)
        posting.offer = offer
        posting.created_by = actor
        posting.save(force_insert=True)
        log_security_event("offer_created", offer_id=offer.pk, organisation_id=organisation.pk, by_user_id=actor.pk)
        return posting
    current = Offer.objects.only("status").get(pk=offer.pk)
    if current.status not in EDITABLE_STATUSES:
        raise PostingError("Cette offre ne peut plus être modifiée : elle est en modération ou déjà publiée.")
    lifecycle.update_offer(offer=offer, actor=actor)
    posting.save()
    return posting


class NotEligible(PostingError):
    def __init__(self, verdict: eligibility.Verdict) -> None:
        super().__init__(" ".join(verdict.reasons))
        self.verdict = verdict


@transaction.atomic
def submit_posting(*, posting: Posting, actor: User) -> Posting:
    """Send a draft (or a returned offer) to moderation, if it is eligible (and its organisation approved)."""
    if not posting.organisation.is_approved:
        raise PostingError(NOT_APPROVED)
    verdict = check(posting)
    if not verdict.eligible:
        raise NotEligible(verdict)
    try:
        lifecycle.submit(offer=posting.offer, actor=actor)
    except lifecycle.TransitionError as error:
        raise PostingError(str(error)) from error
    posting.submitted_at = timezone.now()
    posting.save(update_fields=["submitted_at"])
    _changed(posting, actor, "offer_submitted", notify=False)
    return posting


def _rules() -> EligibilityRules:
    rules = EligibilityRules.objects.in_force()
    if rules is None:
        raise PostingError(eligibility.NO_RULES)
    return rules


@transaction.atomic
def publish_posting(*, posting: Posting, moderator: User) -> Posting:
    """Publish an offer waiting for moderation: open to candidates for the rules' publication days."""
    if Offer.objects.only("status").get(pk=posting.pk).status != OfferStatus.SUBMITTED:
        raise PostingError("Seule une offre en attente de modération peut être publiée (une offre fermée se prolonge).")
    at = timezone.now()
    expires_at = at + dt.timedelta(days=_rules().publication_days)
    try:
        lifecycle.publish(offer=posting.offer, actor=moderator, expires_at=expires_at, at=at)
    except lifecycle.TransitionError as error:
        raise PostingError(str(error)) from error
    _changed(posting, moderator, "offer_published")
    return posting


@transaction.atomic
def return_posting(*, posting: Posting, moderator: User, reason: str) -> Posting:
    """Send an offer back to its organisation, with the reason it must read (required)."""
    try:
        lifecycle.return_offer(offer=posting.offer, actor=moderator, reason=reason)
    except lifecycle.TransitionError as error:
        raise PostingError(str(error)) from error
    _changed(posting, moderator, "offer_returned")
    return posting


@transaction.atomic
def close_posting(*, posting: Posting, status: str, actor: User, reason: str = "") -> Posting:
    """Mark an offer filled, or withdraw it (at any time)."""
    try:
        lifecycle.close(offer=posting.offer, status=status, actor=actor, reason=reason)
    except lifecycle.TransitionError as error:
        raise PostingError(str(error)) from error
    _changed(posting, actor, "offer_closed")
    return posting


def renewal_date(posting: Posting, now: dt.datetime | None = None) -> dt.datetime:
    """Where « prolonger » puts the end date: the rules' publication days after the current end (or now)."""
    now = now or timezone.now()
    start = max(posting.offer.expires_at or now, now)
    return start + dt.timedelta(days=_rules().publication_days)


@transaction.atomic
def renew_posting(*, posting: Posting, actor: User) -> Posting:
    """Push back the end date of a published offer (or publish an expired one again)."""
    try:
        lifecycle.renew(offer=posting.offer, actor=actor, until=renewal_date(posting))
    except lifecycle.TransitionError as error:
        raise PostingError(str(error)) from error
    _changed(posting, actor, "offer_renewed")
    return posting


def _changed(posting: Posting, actor: User, event_name: str, *, notify: bool = True) -> None:
    offer = posting.offer
    event = OfferEvent.objects.filter(offer=offer).order_by("-at", "-id").first()
    assert event is not None
    log_security_event(
        event_name,
        offer_id=offer.pk,
        organisation_id=posting.organisation_id,
        from_status=event.from_status,
        to_status=event.to_status,
        by_user_id=actor.pk,
    )
    if notify:
        notify_members(posting, event)


def space_url(posting: Posting, name: str = "recruitment:offer", **kwargs: Any) -> str:
    path = reverse(name, kwargs={"organisation": posting.organisation_id, "pk": posting.pk, **kwargs})
    return settings.SITE_URL.rstrip("/") + path


def notify_members(posting: Posting, event: OfferEvent) -> None:
    """E-mail every member of the offer's organisation about `event` (once per event and member)."""
    offer = posting.offer
    context = {
        "offer_title": offer.title,
        "organisation_name": posting.organisation.name,
        "event_kind": event.kind,
        "status_label": OfferStatus(event.to_status).label.lower(),
        "reason": event.reason,
        "expires_at": offer.expires_at,
        "url": space_url(posting),
        "public_url": settings.SITE_URL.rstrip("/") + offer.get_absolute_url(),
    }
    for user in User.objects.filter(memberships__organisation=posting.organisation, is_active=True).order_by("pk"):
        send(
            purpose=Purpose.OFFER_MODERATION,
            key=(event.pk, f"user-{user.pk}"),
            to=user.email,
            template="recruitment/emails/offer_status",
            context=context,
        )


# --- Applications ----------------------------------------------------------------------------------


class ApplicationsClosed(PostingError):
    pass


@transaction.atomic
def receive_application(
    *, posting: Posting, name: str, email: str, message: str, cv: Any, keep_two_years: bool
) -> Application:
    """Record a candidate's application (its CV already checked) and queue the e-mails: an acknowledgement
    to the candidate, a notice to each member of the organisation."""
    locked = Offer.objects.select_for_update().get(pk=posting.pk)
    posting.offer = locked
    if not posting.takes_applications:
        raise ApplicationsClosed("Cette offre ne reçoit plus de candidatures sur le portail.")
    application = Application(
        posting=posting,
        name=name,
        email=email,
        message=message,
        cv_size=cv.size,
        keep_two_years=keep_two_years,
    )
    application.cv.save("cv.pdf", cv, save=False)
    application.save()
    offer = posting.offer
    send(
        purpose=Purpose.APPLICATION_RECEIVED,
        key=application.pk,
        to=email,
        template="recruitment/emails/application_received",
        context={
            "name": name,
            "offer_title": offer.title,
            "organisation_name": posting.organisation.name,
            "public_url": settings.SITE_URL.rstrip("/") + offer.get_absolute_url(),
            "keep_two_years": keep_two_years,
        },
    )
    url = settings.SITE_URL.rstrip("/") + reverse(
        "recruitment:application", kwargs={"organisation": posting.organisation_id, "pk": application.pk}
    )
    for user in User.objects.filter(memberships__organisation=posting.organisation, is_active=True).order_by("pk"):
        send(
            purpose=Purpose.APPLICATION_NOTICE,
            key=(application.pk, f"user-{user.pk}"),
            to=user.email,
            template="recruitment/emails/application_notice",
            context={"offer_title": offer.title, "organisation_name": posting.organisation.name, "url": url},
        )
    return application


@transaction.atomic
def triage(*, application: Application, status: str, actor: User, send_reply: bool = False) -> Application:
    """Change an application's follow-up; « non retenue » may send the candidate the polite templated reply (once)."""
    application.status = status
    application.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at"]
    if send_reply and status == ApplicationStatus.DECLINED and application.replied_at is None:
        posting = application.posting
        send(
            purpose=Purpose.APPLICATION_REPLY,
            key=application.pk,
            to=application.email,
            template="recruitment/emails/application_reply",
            context={
                "name": application.name,
                "offer_title": posting.offer.title,
                "organisation_name": posting.organisation.name,
            },
        )
        application.replied_at = application.status_changed_at
        fields.append("replied_at")
    application.save(update_fields=fields)
    log_security_event("application_triaged", application_id=application.pk, status=status, by_user_id=actor.pk)
    return application


@transaction.atomic
def delete_application(*, application: Application, actor: User) -> None:
    """Delete an application and its CV at the candidate's request."""
    log_security_event(
        "application_deleted",
        application_id=application.pk,
        organisation_id=application.posting.organisation_id,
        by_user_id=actor.pk,
    )
    application.delete()
