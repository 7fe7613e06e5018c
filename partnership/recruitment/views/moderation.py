"""Moderation of the collectivités' offers by the partnership's staff, `/pilotage/moderation/`: the queue
(with its filters and the count waiting), an offer with its eligibility and history, the decisions.
Staff limited to départements see the offers of theirs only (another one answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from offers.enums import OfferStatus
from partnership.accounts.access import staff_required
from partnership.accounts.models import User
from partnership.recruitment import services
from partnership.recruitment.filters import ModerationFilter
from partnership.recruitment.forms import ModerationForm
from partnership.recruitment.models import Posting
from partnership.recruitment.views.common import history, last_return, preview

PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _posting(request: HttpRequest, pk: int) -> Posting:
    return get_object_or_404(
        Posting.objects.moderated_by(request.user).select_related(
            "offer", "offer__departement", "offer__commune", "organisation"
        ),
        pk=pk,
    )


@require_safe
@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    postings = Posting.objects.moderated_by(request.user)
    data = request.GET.copy()
    data.setdefault("statut", OfferStatus.SUBMITTED)
    filterset = ModerationFilter(data, queryset=postings.select_related("offer", "offer__departement", "organisation"))
    results = filterset.qs.order_by("submitted_at", "pk") if filterset.is_valid() else postings.none()
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "recruitment/moderation_queue.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "waiting": postings.filter(offer__status=OfferStatus.SUBMITTED).count(),
            "breadcrumb": [],
        },
    )


def _offer_page(request: HttpRequest, posting: Posting, form: ModerationForm, status: int = 200) -> HttpResponse:
    events = history(posting)
    return render(
        request,
        "recruitment/moderation_offer.html",
        {
            "posting": posting,
            "offer": posting.offer,
            "organisation": posting.organisation,
            "verdict": services.check(posting),
            "events": events,
            "last_return": last_return(events),
            "form": form,
            "breadcrumb": [("Modération", reverse("moderation:queue"))],
        },
        status=status,
    )


@require_safe
@staff_required
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    return _offer_page(request, _posting(request, pk), ModerationForm())


@require_safe
@staff_required
def offer_preview(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _posting(request, pk)
    return preview(request, posting, reverse("moderation:offer", kwargs={"pk": pk}))


@require_POST
@staff_required(form_page="moderation:offer")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _posting(request, pk)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return _offer_page(request, posting, form, status=400)
    action, reason, user = form.cleaned_data["action"], form.cleaned_data["reason"], _user(request)
    try:
        if action == "publish":
            services.publish_posting(posting=posting, moderator=user)
            messages.success(request, "Offre publiée : elle apparaît dans la recherche.")
        elif action == "return":
            services.return_posting(posting=posting, moderator=user, reason=reason)
            messages.success(request, "Offre renvoyée à l’organisation avec votre motif.")
        elif action == "withdraw":
            services.close_posting(posting=posting, status=OfferStatus.WITHDRAWN, actor=user, reason=reason)
            messages.success(request, "Offre retirée.")
        elif action == "filled":
            services.close_posting(posting=posting, status=OfferStatus.FILLED, actor=user, reason=reason)
            messages.success(request, "Offre marquée pourvue.")
        else:
            services.renew_posting(posting=posting, actor=user)
            messages.success(request, "Offre prolongée.")
    except services.PostingError as error:
        messages.error(request, str(error))
    return redirect("moderation:offer", pk=pk)
