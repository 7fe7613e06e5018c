"""After sign-up: join an existing organisation or create one (issue 12)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnership.accounts import services
from partnership.accounts.access import login_required
from partnership.accounts.forms import JoinRequestForm, OrganisationCreateForm, OrganisationSearchForm
from partnership.accounts.models import JoinRequest, Membership, Organisation, User

SEARCH_LIMIT = 20


def _search(user: User, query: str) -> list[Organisation]:
    if not query:
        return []
    condition = Q(name__unaccent__icontains=query)
    digits = "".join(query.split())
    if digits.isdigit():
        condition |= Q(siren=digits)
    return list(
        Organisation.objects.approved()
        .filter(condition)
        .exclude(memberships__user=user)
        .select_related("commune", "epci")
        .order_by("name", "pk")[:SEARCH_LIMIT]
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required(form_page="accounts:organisation-join")
def join(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    search = OrganisationSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    form = JoinRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_to_join(
                user=user, organisation=form.cleaned_data["organisation"], message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Votre demande pour rejoindre « {form.cleaned_data['organisation'].name} » est envoyée. "
                "Vous recevrez sa réponse par courriel.",
            )
            return redirect("accounts:organisation-join")
    return render(
        request,
        "accounts/organisation_join.html",
        {
            "search": search,
            "query": query,
            "results": _search(user, query),
            "limit": SEARCH_LIMIT,
            "form": form,
            "memberships": Membership.objects.filter(user=user).select_related("organisation"),
            "join_requests": JoinRequest.objects.filter(user=user).select_related("organisation"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required(form_page="accounts:organisation-create")
def create(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = OrganisationCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_pending_organisation(organisation=form.organisation(), creator=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"« {organisation.name} » est créée, et vous en êtes l’administrateur. L’équipe du partenariat "
                "va la valider ; vous recevrez un courriel, puis vous pourrez publier des offres.",
            )
            return redirect("accounts:organisation-join")
    return render(request, "accounts/organisation_create.html", {"form": form})
