"""The other account pages in a real browser, with no serious or critical axe-core violation: password
reset and its pages, the logout page, the members page of an administrator (a join request, a pending
invitation, an invitation form with an error), the invitation page of someone without an account, the
password change page, and the staff page with a refusal missing its reason (issue 12).

Rows are committed for the live server and deleted at the end; e-mails are read from their delivery
records and their tasks are replaced by a recorder (nothing reaches the shared Redis broker).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from partnership.accounts.enums import Role
from partnership.accounts.models import Invitation, JoinRequest, Membership, Organisation, User
from partnership.notifications import tasks as notification_tasks
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from tests.browser.conftest import BrowserPage
from tests.browser.test_signup import check_page
from tests.factories import siren_with_check_digit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PASSWORD = "un mot de passe de test solide"  # noqa: S105
ADMIN = "dgs@mairie-ussel.fr"
STAFF = "equipe.pages@anct.gouv.fr"
GUEST = "invitee.pages@mairie-ussel.fr"
EMAILS = [ADMIN, STAFF, GUEST, "candidat.pages@example.org"]


@pytest.fixture(scope="module")
def rows(browser_server: str, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        admin = User.objects.create_user(ADMIN, PASSWORD, first_name="Paul", last_name="Mercier")
        User.objects.create_user(STAFF, PASSWORD, is_staff=True, first_name="Anne", last_name="Roy")
        candidate = User.objects.create_user(EMAILS[3], PASSWORD, first_name="Léa", last_name="Faure")
        organisation = Organisation.objects.create(
            kind="commune",
            name="Commune d’Ussel",
            siren=siren_with_check_digit("21190275"),
            commune_id="19275",
            status="approved",
        )
        Membership.objects.create(organisation=organisation, user=admin, role=Role.ADMINISTRATOR)
        pending = Organisation.objects.create(
            kind="commune",
            name="Commune de Meymac",
            siren=siren_with_check_digit("21190136"),
            commune_id="19136",
            status="pending",
        )
        Membership.objects.create(organisation=pending, user=candidate, role=Role.ADMINISTRATOR)
        JoinRequest.objects.create(organisation=organisation, user=candidate, message="Chargée de mission")
        try:
            yield {"organisation": organisation, "pending": pending}
        finally:
            Organisation.objects.filter(pk__in=[organisation.pk, pending.pk]).delete()
            Delivery.objects.filter(recipient_email__in=EMAILS).delete()
            User.objects.filter(email__in=EMAILS).delete()


@pytest.fixture
def queued() -> Iterator[list[Any]]:
    sent: list[Any] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notification_tasks.send_delivery, "delay", lambda *args: sent.append(args))
        yield sent


def expect_400(browser_page: BrowserPage) -> None:
    """A form sent back with its errors answers 400, which Chromium reports as a console error: expected here."""
    errors = browser_page.console_errors
    assert any("status of 400" in error for error in errors), errors
    errors[:] = [error for error in errors if "status of 400" not in error]


def log_in(browser_page: BrowserPage, path: str, email: str) -> Any:
    page = browser_page.page
    browser_page.goto(path)
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
    assert page.url.endswith(path)
    return page


def test_password_reset_and_logout_pages(rows: dict[str, Any], queued: list[Any], browser_page: BrowserPage) -> None:
    page = browser_page.page
    browser_page.goto("/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    check_page(browser_page, "password-reset")
    page.locator("input[name=email]").fill("pas-une-adresse")
    with page.expect_navigation():
        page.get_by_role("button", name="Recevoir le lien").click()
    check_page(browser_page, "password-reset-error")
    page.locator("input[name=email]").fill(ADMIN)
    with page.expect_navigation():
        page.get_by_role("button", name="Recevoir le lien").click()
    check_page(browser_page, "password-reset-sent")

    delivery = Delivery.objects.filter(recipient_email=ADMIN, purpose=Purpose.PASSWORD_RESET).latest("pk")
    browser_page.goto(re.sub(r"^https?://[^/]+", "", re.findall(r"https?://\S+", delivery.body_text)[0]))
    check_page(browser_page, "password-reset-confirm")
    browser_page.goto("/mot-de-passe-oublie/MQ/mauvais-jeton/")
    check_page(browser_page, "password-reset-invalid")
    browser_page.goto("/deconnexion/")
    check_page(browser_page, "logout-anonymous")


@pytest.mark.parametrize("width", [1280, 390])
def test_members_and_invitation_pages(
    width: int, rows: dict[str, Any], queued: list[Any], browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.set_viewport_size({"width": width, "height": 900})
    organisation = rows["organisation"]
    members = f"/espace-collectivite/{organisation.pk}/membres/"
    log_in(browser_page, members, ADMIN)
    assert "Accepter la demande de Léa Faure" in page.content()
    check_page(browser_page, f"members-{width}")

    page.locator("input[name=email]").fill("pas-une-adresse")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer l’invitation").click()
    assert "Indiquez une adresse électronique valide" in page.content()
    expect_400(browser_page)
    check_page(browser_page, f"members-invite-error-{width}")
    page.locator("input[name=email]").fill(GUEST)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer l’invitation").click()
    assert f"Annuler l’invitation de {GUEST}" in page.content()
    check_page(browser_page, f"members-invited-{width}")

    browser_page.goto("/mot-de-passe/")
    check_page(browser_page, f"password-change-{width}")
    browser_page.goto("/deconnexion/")
    check_page(browser_page, f"logout-{width}")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Se déconnecter").click()

    invitation = Invitation.objects.get(email=GUEST)
    delivery = Delivery.objects.filter(purpose=Purpose.INVITATION, key=str(invitation.pk)).get()
    browser_page.goto(re.sub(r"^https?://[^/]+", "", re.findall(r"https?://\S+", delivery.body_text)[0]))
    assert "Créer votre compte" in page.content()
    check_page(browser_page, f"invitation-{width}")
    invitation.delete()


def test_staff_refusal_without_reason(rows: dict[str, Any], queued: list[Any], browser_page: BrowserPage) -> None:
    page = log_in(browser_page, "/pilotage/organisations/", STAFF)
    pending = rows["pending"]
    with page.expect_navigation():
        page.locator(f"#organisation-{pending.pk}").get_by_role("button", name=re.compile("^Refuser")).click()
    assert "Indiquez le motif du refus" in page.content()
    expect_400(browser_page)
    check_page(browser_page, "staff-refusal-error")
    assert Organisation.objects.filter(pk=pending.pk).exists()
