"""Applications: the public « Postuler » form of a collectivité's offer, and the members' pages to read and
triage them and download a CV (never from a static or media URL)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from offers.enums import OfferStatus
from partnership.accounts.access import current_membership, member_required
from partnership.accounts.enums import Role
from partnership.accounts.models import Organisation, User
from partnership.recruitment import ratelimit, services
from partnership.recruitment.exports import export_zip
from partnership.recruitment.forms import ApplicationForm, TriageForm
from partnership.recruitment.models import Application, Posting
from partnership.recruitment.views.common import crumbs

RATE_LIMITED = (
    "Trop de candidatures ont été envoyées depuis votre connexion ou pour cette offre dans l’heure : "
    "réessayez un peu plus tard. Rien n’a été enregistré."
)


def _open_posting(pk: int) -> Posting:
    posting = (
        Posting.objects.select_related("offer", "offer__commune", "organisation")
        .filter(pk=pk, offer__status=OfferStatus.PUBLISHED)
        .first()
    )
    if posting is None or not posting.takes_applications:
        raise Http404("Cette offre ne reçoit pas de candidatures sur le portail.")
    return posting


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _open_posting(pk)
    form = ApplicationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if ratelimit.blocked(request, posting.pk):
            messages.error(request, RATE_LIMITED)
            status = 429
        elif form.is_spam:
            return redirect("applications:thanks", pk=pk)  # a robot learns nothing
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.receive_application(
                    posting=posting,
                    name=data["name"],
                    email=data["email"],
                    message=data["message"],
                    cv=data["cv"],
                    keep_two_years=data["keep_two_years"],
                )
            except services.ApplicationsClosed as error:
                messages.error(request, str(error))
            else:
                ratelimit.record(request, posting.pk)
                return redirect("applications:thanks", pk=pk)
        else:
            status = 400
    return render(
        request,
        "recruitment/apply.html",
        {"posting": posting, "offer": posting.offer, "form": form, "breadcrumb": [("Offres", "/offres/")]},
        status=status,
    )


@require_safe
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    posting = _open_posting(pk)
    return render(
        request,
        "recruitment/apply_thanks.html",
        {"posting": posting, "offer": posting.offer, "breadcrumb": [("Offres", "/offres/")]},
    )


def _application(organisation: Organisation, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("posting__offer"), posting__organisation=organisation, pk=pk
    )


@require_safe
@member_required
def application_detail(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    application = _application(organisation, pk)
    return render(
        request,
        "recruitment/application.html",
        {
            "organisation": organisation,
            "application": application,
            "offer": application.posting.offer,
            "form": TriageForm(initial={"status": application.status}),
            "is_administrator": current_membership(request).role == Role.ADMINISTRATOR,
            "breadcrumb": crumbs(organisation),
        },
    )


@require_POST
@member_required(form_page="recruitment:application")
def application_triage(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    application = _application(organisation, pk)
    form = TriageForm(request.POST)
    if form.is_valid():
        assert isinstance(request.user, User)
        services.triage(
            application=application,
            status=form.cleaned_data["status"],
            actor=request.user,
            send_reply=form.cleaned_data["send_reply"],
        )
        messages.success(request, "Suivi de la candidature enregistré.")
    else:
        messages.error(request, "Choisissez où en est la candidature.")
    return redirect("recruitment:application", organisation=organisation.pk, pk=pk)


@require_safe
@member_required
def application_cv(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    """The CV, as a download only: never shown in the browser, never guessed as another type."""
    application = _application(organisation, pk)
    try:
        with application.cv.open("rb") as handle:
            content = handle.read()  # 5 MB at most
    except FileNotFoundError as error:
        raise Http404("Ce CV n’est plus disponible.") from error
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, application.cv_filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@member_required(administrator=True)
def application_export(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    """A candidate's request for their data: the application and its CV, as a ZIP (administrators)."""
    application = get_object_or_404(
        Application.objects.select_related("posting__offer", "posting__organisation"),
        posting__organisation=organisation,
        pk=pk,
    )
    response = HttpResponse(export_zip([application]), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"candidature-{application.pk}.zip")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@member_required(administrator=True, form_page="recruitment:application")
def application_delete(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    """A candidate's request to be forgotten: the application and its CV deleted now (administrators)."""
    application = _application(organisation, pk)
    assert isinstance(request.user, User)
    services.delete_application(application=application, actor=request.user)
    messages.success(request, "Candidature supprimée, avec son CV.")
    return redirect("recruitment:organisation", organisation=organisation.pk)
