"""The collectivités' space, `/espace-collectivite/`: an organisation's offers by status, its applications,
the forms of a chef-de-projet vacancy and of a VTA (drafts), the preview, sending to moderation, and
closing or renewing a published offer. Every view is for members of the organisation of the URL."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from offers.enums import OfferKind, OfferStatus
from offers.models import Offer
from partnership.accounts.access import login_required, member_required
from partnership.accounts.models import Membership, Organisation, User
from partnership.recruitment import services
from partnership.recruitment.enums import ApplicationStatus
from partnership.recruitment.forms import OfferActionForm, PostingForm
from partnership.recruitment.models import Application, EligibilityRules, Posting
from partnership.recruitment.views.common import crumbs, history, last_return, optional_url, preview

KIND_SLUGS = {"chef-de-projet": OfferKind.CHEF_DE_PROJET, "vta": OfferKind.VTA}
STATUS_ORDER = (
    OfferStatus.DRAFT,
    OfferStatus.REJECTED,
    OfferStatus.SUBMITTED,
    OfferStatus.PUBLISHED,
    OfferStatus.FILLED,
    OfferStatus.EXPIRED,
    OfferStatus.WITHDRAWN,
)
STATUS_HEADINGS = {
    OfferStatus.DRAFT: "Brouillons",
    OfferStatus.REJECTED: "Renvoyées par l’équipe du partenariat, à corriger",
    OfferStatus.SUBMITTED: "En attente de modération",
    OfferStatus.PUBLISHED: "Publiées",
    OfferStatus.FILLED: "Pourvues",
    OfferStatus.EXPIRED: "Expirées",
    OfferStatus.WITHDRAWN: "Retirées",
}
RECENT_APPLICATIONS = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _posting(organisation: Organisation, pk: int) -> Posting:
    """An offer of this organisation; another organisation's answers 404."""
    return get_object_or_404(Posting.objects.select_related("offer", "organisation"), organisation=organisation, pk=pk)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(Membership.objects.filter(user=_user(request)).select_related("organisation"))
    return render(
        request,
        "recruitment/home.html",
        {
            "memberships": memberships,
            "breadcrumb": [],
            "join_url": optional_url("accounts:organisation-join"),
            "create_url": optional_url("accounts:organisation-create"),
        },
    )


@require_safe
@member_required
def organisation_space(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    postings = (
        Posting.objects.filter(organisation=organisation)
        .select_related("offer")
        .annotate(
            application_count=Count("applications"),
            new_count=Count("applications", filter=Q(applications__status=ApplicationStatus.NEW)),
        )
        .order_by("-offer__updated_at")
    )
    by_status: dict[str, list[Posting]] = defaultdict(list)
    for posting in postings:
        by_status[posting.offer.status].append(posting)
    groups = [(status, STATUS_HEADINGS[status], by_status[status]) for status in STATUS_ORDER if by_status[status]]
    applications = (
        Application.objects.filter(posting__organisation=organisation)
        .select_related("posting__offer")
        .only("pk", "name", "status", "created_at", "posting__offer__title", "posting__offer__id")[:RECENT_APPLICATIONS]
    )
    return render(
        request,
        "recruitment/organisation.html",
        {
            "organisation": organisation,
            "breadcrumb": crumbs()[:1],
            "groups": groups,
            "applications": applications,
            "members_url": optional_url("accounts:members", organisation=organisation.pk),
        },
    )


def _form_page(
    request: HttpRequest, organisation: Organisation, form: PostingForm, posting: Posting | None
) -> HttpResponse:
    rules = EligibilityRules.objects.in_force()
    return render(
        request,
        "recruitment/offer_form.html",
        {
            "organisation": organisation,
            "breadcrumb": crumbs(organisation),
            "form": form,
            "posting": posting,
            "kind": form.kind,
            "rules": rules,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(form_page="recruitment:offer-create")
def offer_create(request: HttpRequest, organisation: Organisation, kind: str) -> HttpResponse:
    if kind not in KIND_SLUGS:
        raise Http404("Type d’offre inconnu")
    kind_value = KIND_SLUGS[kind]
    if not organisation.is_approved:
        messages.error(request, services.NOT_APPROVED)
        return redirect("recruitment:organisation", organisation=organisation.pk)
    form = PostingForm(request.POST or None, kind=kind_value, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        offer, posting = Offer(), Posting(organisation=organisation)
        form.apply_to(offer, posting)
        services.save_posting(posting=posting, offer=offer, actor=_user(request))
        messages.success(
            request, "Brouillon enregistré. Vérifiez l’aperçu, puis envoyez l’offre à l’équipe du partenariat."
        )
        return redirect("recruitment:offer", organisation=organisation.pk, pk=posting.pk)
    return _form_page(request, organisation, form, None)


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(form_page="recruitment:offer-edit")
def offer_edit(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    posting = _posting(organisation, pk)
    if posting.offer.status not in services.EDITABLE_STATUSES:
        messages.error(request, "Cette offre ne peut plus être modifiée : elle est en modération ou déjà publiée.")
        return redirect("recruitment:offer", organisation=organisation.pk, pk=pk)
    form = PostingForm(
        request.POST or None,
        kind=posting.offer.kind,
        organisation=organisation,
        initial=PostingForm.initial_from(posting),
    )
    if request.method == "POST" and form.is_valid():
        form.apply_to(posting.offer, posting)
        try:
            services.save_posting(posting=posting, offer=posting.offer, actor=_user(request))
        except services.PostingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Modifications enregistrées.")
        return redirect("recruitment:offer", organisation=organisation.pk, pk=pk)
    return _form_page(request, organisation, form, posting)


@require_safe
@member_required
def offer_detail(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    posting = _posting(organisation, pk)
    offer = posting.offer
    now = timezone.now()
    applications = list(posting.applications.only("pk", "name", "status", "created_at"))
    events = history(posting)
    return render(
        request,
        "recruitment/offer_detail.html",
        {
            "organisation": organisation,
            "posting": posting,
            "offer": offer,
            "verdict": services.check(posting),
            "breadcrumb": crumbs(organisation),
            "events": events,
            "last_return": last_return(events),
            "applications": applications,
            "editable": offer.status in services.EDITABLE_STATUSES,
            "can_submit": offer.status in services.EDITABLE_STATUSES,
            "can_close": offer.status == OfferStatus.PUBLISHED,
            "can_withdraw": offer.status not in (OfferStatus.FILLED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN),
            "can_renew": offer.status == OfferStatus.PUBLISHED or offer.status == OfferStatus.EXPIRED,
            "is_open": offer.is_open(now),
        },
    )


@require_safe
@member_required
def offer_preview(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    posting = _posting(organisation, pk)
    return preview(request, posting, reverse("recruitment:offer", kwargs={"organisation": organisation.pk, "pk": pk}))


@require_safe
@member_required
def offer_renew_confirm(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    """Where the reminder e-mail's « prolonger » leads: a confirmation page (a GET never changes anything)."""
    posting = _posting(organisation, pk)
    can_renew = posting.offer.status in (OfferStatus.PUBLISHED, OfferStatus.EXPIRED)
    until = services.renewal_date(posting) if can_renew else None
    return render(
        request,
        "recruitment/offer_renew.html",
        {
            "organisation": organisation,
            "breadcrumb": crumbs(organisation),
            "posting": posting,
            "offer": posting.offer,
            "until": until,
        },
    )


@require_POST
@member_required(form_page="recruitment:offer")
def offer_action(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    posting = _posting(organisation, pk)
    form = OfferActionForm(request.POST)
    back = redirect("recruitment:offer", organisation=organisation.pk, pk=pk)
    if not form.is_valid():
        messages.error(request, "Action inconnue.")
        return back
    action, user = form.cleaned_data["action"], _user(request)
    try:
        if action == "submit":
            services.submit_posting(posting=posting, actor=user)
            messages.success(
                request, "Offre envoyée à l’équipe du partenariat : vous recevrez un courriel à sa décision."
            )
        elif action == "filled":
            services.close_posting(posting=posting, status=OfferStatus.FILLED, actor=user)
            messages.success(request, "Offre marquée pourvue : elle ne reçoit plus de candidatures.")
        elif action == "withdraw":
            services.close_posting(
                posting=posting, status=OfferStatus.WITHDRAWN, actor=user, reason="Retirée par l’organisation"
            )
            messages.success(request, "Offre retirée.")
        else:
            services.renew_posting(posting=posting, actor=user)
            messages.success(request, "Offre prolongée.")
    except services.PostingError as error:
        messages.error(request, str(error))
    return back
