"""Staff approve the organisations created at sign-up, and decide the join requests of organisations
without an administrator (`/pilotage/organisations/`, issue 12). Staff limited to départements see
and decide only those of their départements (`Organisation.objects.editable_by`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from partnership.accounts import services
from partnership.accounts.access import staff_required
from partnership.accounts.enums import Role
from partnership.accounts.forms import OrganisationRefusalForm
from partnership.accounts.models import JoinRequest, Membership, Organisation, User

LIST_PAGE = "accounts:staff-organisations"


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _without_administrator(user: User) -> list[JoinRequest]:
    has_admin = Membership.objects.filter(organisation=OuterRef("organisation"), role=Role.ADMINISTRATOR)
    return list(
        JoinRequest.objects.filter(organisation__in=Organisation.objects.editable_by(user).values("pk"))
        .filter(~Exists(has_admin))
        .select_related("user", "organisation")
    )


def _page(request: HttpRequest, *, refusal: tuple[int, OrganisationRefusalForm] | None = None) -> HttpResponse:
    user = _staff(request)
    pending = (
        Organisation.objects.editable_by(user)
        .pending()
        .select_related("commune__departement", "epci")
        .prefetch_related("memberships__user")
        .order_by("created_at", "pk")
    )
    context = {
        "pending": pending,
        "join_requests": _without_administrator(user),
        "refusal_for": refusal[0] if refusal else None,
        "refusal_form": refusal[1] if refusal else OrganisationRefusalForm(),
    }
    return render(request, "accounts/staff_organisations.html", context, status=400 if refusal else 200)


@require_http_methods(["GET", "HEAD"])
@staff_required
def organisations(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required(form_page=LIST_PAGE)
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.editable_by(request.user).pending(), pk=pk)
    services.approve_organisation(organisation=organisation, by=_staff(request))
    messages.success(request, f"« {organisation.name} » est validée : ses administrateurs sont prévenus par courriel.")
    return redirect(LIST_PAGE)


@require_POST
@staff_required(form_page=LIST_PAGE)
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.editable_by(request.user).pending(), pk=pk)
    form = OrganisationRefusalForm(request.POST)
    if not form.is_valid():
        return _page(request, refusal=(organisation.pk, form))
    services.refuse_organisation(organisation=organisation, by=_staff(request), reason=form.cleaned_data["reason"])
    messages.success(request, f"« {organisation.name} » est refusée et retirée : ses administrateurs sont prévenus.")
    return redirect(LIST_PAGE)


@require_POST
@staff_required(form_page=LIST_PAGE)
def decide_join_request(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = next((found for found in _without_administrator(_staff(request)) if found.pk == pk), None)
    if join_request is None:  # another département's, an organisation with an administrator, or gone
        raise Http404("demande introuvable")
    decision = request.POST.get("decision")
    if decision not in ("accepter", "refuser"):
        messages.error(request, "Choisissez d’accepter ou de refuser la demande.")
        return redirect(LIST_PAGE)
    try:
        services.decide_join_request(join_request=join_request, approve=decision == "accepter", by=_staff(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La décision est enregistrée et la personne prévenue par courriel.")
    return redirect(LIST_PAGE)
