"""A URLconf for tests/accounts/test_access.py: the site's URLs and a few pages behind each decorator."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from partnership.accounts.access import delegate_required, login_required, member_required, staff_required
from partnership.accounts.models import Membership, Organisation
from partnership.accounts.services import remove_member
from partnership.urls import urlpatterns as site_urlpatterns
from territories.models import Region


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("page")


def organisation_page(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    members = Membership.objects.visible_to(request.user).filter(organisation=organisation).count()
    return HttpResponse(f"{organisation.name} : {members} membres")


@require_POST
@member_required(administrator=True, form_page="test-organisation")
def remove_member_view(request: HttpRequest, organisation: Organisation, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.editable_by(request.user), pk=pk, organisation=organisation)
    remove_member(membership=membership, by=request.user)
    return redirect("test-organisation", organisation=organisation.pk)


def region_page(request: HttpRequest, region: Region) -> HttpResponse:
    return HttpResponse(f"Délégation {region.name}")


urlpatterns = [
    path("essai/connecte/", login_required(page), name="test-login"),
    path("essai/equipe/", staff_required(page), name="test-staff"),
    path("essai/equipe/action/", require_POST(staff_required(form_page="test-staff")(page)), name="test-staff-post"),
    path("essai/organisations/<int:organisation>/", member_required(organisation_page), name="test-organisation"),
    path(
        "essai/organisations/<int:organisation>/gestion/",
        member_required(administrator=True)(organisation_page),
        name="test-organisation-admin",
    ),
    path(
        "essai/organisations/<int:organisation>/membres/<int:pk>/retirer/",
        remove_member_view,
        name="test-remove-member",
    ),
    path("essai/delegations/<str:region>/", delegate_required(region_page), name="test-region"),
    *site_urlpatterns,
]

handler403 = "partnership.views.permission_denied"
handler404 = "partnership.views.page_not_found"
