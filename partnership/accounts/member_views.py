"""An organisation's members (`/espace-collectivite/<organisation>/membres/`): its members see them; its
administrators decide join requests, invite people, change roles and remove members (issue 12)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from partnership.accounts import services, tokens
from partnership.accounts.access import current_membership, member_required
from partnership.accounts.enums import Role
from partnership.accounts.forms import InvitationForm, RoleForm, SignUpForm
from partnership.accounts.models import Invitation, JoinRequest, Membership, Organisation, User
from partnership.accounts.signup_views import invalid_link

MEMBERS_PAGE = "accounts:members"


def _acting(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _page(
    request: HttpRequest, organisation: Organisation, *, invite_form: InvitationForm | None = None, status: int = 200
) -> HttpResponse:
    is_admin = current_membership(request).role == Role.ADMINISTRATOR  # fetched by member_required
    context = {
        "organisation": organisation,
        "is_admin": is_admin,
        "memberships": organisation.memberships.select_related("user").order_by("user__last_name", "user__email"),
        "join_requests": organisation.join_requests.select_related("user") if is_admin else [],
        "invitations": organisation.invitations.filter(accepted_at__isnull=True) if is_admin else [],
        "invite_form": invite_form or InvitationForm(),
        "roles": Role.choices,
    }
    return render(request, "accounts/members.html", context, status=status)


@require_http_methods(["GET", "HEAD"])
@member_required
def members(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _page(request, organisation)


@require_POST
@member_required(administrator=True, form_page=MEMBERS_PAGE)
def invite(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invite(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=_acting(request),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, f"L’invitation est envoyée à {form.cleaned_data['email']}.")
            return redirect(MEMBERS_PAGE, organisation=organisation.pk)
    return _page(request, organisation, invite_form=form, status=400)


@require_POST
@member_required(administrator=True, form_page=MEMBERS_PAGE)
def change_role(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.filter(organisation=organisation), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un rôle de la liste.")
        return redirect(MEMBERS_PAGE, organisation=organisation.pk)
    try:
        services.change_role(membership=membership, role=form.cleaned_data["role"], by=_acting(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{membership.user.get_full_name()} est maintenant {Role(form.cleaned_data['role']).label.lower()}.",
        )
    return redirect(MEMBERS_PAGE, organisation=organisation.pk)


@require_POST
@member_required(administrator=True, form_page=MEMBERS_PAGE)
def remove(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.filter(organisation=organisation), pk=pk)
    try:
        services.remove_member(membership=membership, by=_acting(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.get_full_name()} ne fait plus partie de l’organisation.")
    return redirect(MEMBERS_PAGE, organisation=organisation.pk)


@require_POST
@member_required(administrator=True, form_page=MEMBERS_PAGE)
def decide_join_request(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    join_request = get_object_or_404(
        JoinRequest.objects.filter(organisation=organisation).select_related("user"), pk=pk
    )
    approve = request.POST.get("decision") == "accepter"
    if request.POST.get("decision") not in ("accepter", "refuser"):
        messages.error(request, "Choisissez d’accepter ou de refuser la demande.")
        return redirect(MEMBERS_PAGE, organisation=organisation.pk)
    try:
        services.decide_join_request(join_request=join_request, approve=approve, by=_acting(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = join_request.user.get_full_name()
        messages.success(
            request,
            f"{name} fait maintenant partie de l’organisation." if approve else f"La demande de {name} est refusée.",
        )
    return redirect(MEMBERS_PAGE, organisation=organisation.pk)


@require_POST
@member_required(administrator=True, form_page=MEMBERS_PAGE)
def cancel_invitation(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True), pk=pk
    )
    services.cancel_invitation(invitation=invitation, by=_acting(request))
    messages.success(request, f"L’invitation de {invitation.email} est annulée.")
    return redirect(MEMBERS_PAGE, organisation=organisation.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed invitation link: accept it logged in with the invited address, or sign up through it."""
    try:
        ref = tokens.invitation_ref(token)
    except tokens.InvalidLink as error:
        return invalid_link(request, error.reason, what="invitation")
    pending = Invitation.objects.select_related("organisation", "invited_by").filter(
        pk=ref.invitation_id, accepted_at__isnull=True
    )
    found = pending.first()
    if found is None:
        return invalid_link(request, tokens.USED, what="invitation")
    user = request.user if isinstance(request.user, User) and request.user.is_active else None
    # An account never confirmed cannot log in: its owner signs up through the invitation instead.
    has_account = (
        user is None and User.objects.filter(email__iexact=found.email, email_confirmed_at__isnull=False).exists()
    )
    signup_form = SignUpForm(email=found.email) if user is None and not has_account else None
    refused = ""
    if request.method == "POST":
        try:
            if user is not None:
                services.accept_invitation(invitation=found, user=user)
                messages.success(request, f"Vous faites maintenant partie de « {found.organisation.name} ».")
                return redirect(MEMBERS_PAGE, organisation=found.organisation_id)
            if signup_form is not None:
                signup_form = SignUpForm(request.POST, email=found.email)
                if signup_form.is_valid():
                    data = signup_form.cleaned_data
                    created = services.sign_up_by_invitation(
                        invitation=found,
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        password=data["password"],
                    )
                    login(request, created, backend="django.contrib.auth.backends.ModelBackend")
                    messages.success(
                        request, f"Votre compte est créé : vous faites partie de « {found.organisation.name} »."
                    )
                    return redirect(MEMBERS_PAGE, organisation=found.organisation_id)
        except ValidationError as refusal:
            refused = " ".join(refusal.messages)
    context = {
        "invitation": found,
        "other_address": user is not None and user.email.lower() != found.email.lower(),
        "has_account": has_account,
        "form": signup_form,
        "error": refused,
        "login_url": f"{reverse('accounts:login')}?next={quote(request.path)}",
    }
    return render(
        request,
        "accounts/invitation.html",
        context,
        status=400 if refused or (signup_form is not None and signup_form.errors) else 200,
    )
