"""Sign-up in a real browser, at 1280 and 390 px: the form, the confirmation link read from the e-mail
that was recorded, creating an organisation (the commune chosen in the autocomplete), and staff
approving it; every page with no serious or critical axe-core violation (issue 12).

The live server commits for real: the rows are deleted at the end. E-mails are read from their
delivery records; the task that would send them is replaced by a recorder, so nothing reaches the
shared Redis broker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from partnership.accounts.models import Organisation, User
from partnership.notifications import tasks as notification_tasks
from partnership.notifications.enums import Purpose
from partnership.notifications.models import Delivery
from tests.browser.conftest import BrowserPage, format_violations
from tests.factories import siren_with_check_digit

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

STAFF_EMAIL = "validation@anct.gouv.fr"
PASSWORD = "un mot de passe de test solide"  # noqa: S105
WIDTHS = {"large": 1280, "mobile": 390}


@pytest.fixture(scope="module")
def staff_user(browser_server: str, django_db_blocker: Any) -> Iterator[User]:
    with django_db_blocker.unblock():
        user = User.objects.create_user(STAFF_EMAIL, PASSWORD, is_staff=True, first_name="Claire", last_name="Petit")
        try:
            yield user
        finally:
            emails = [f"ines.{name}@mairie-egletons.fr" for name in WIDTHS]
            Organisation.objects.filter(memberships__user__email__in=emails).delete()
            Delivery.objects.filter(recipient_email__in=[*emails, STAFF_EMAIL]).delete()
            User.objects.filter(email__in=[*emails, STAFF_EMAIL]).delete()


@pytest.fixture
def queued() -> Iterator[list[Any]]:
    sent: list[Any] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notification_tasks.send_delivery, "delay", lambda *args: sent.append(args))
        yield sent


def check_page(browser_page: BrowserPage, name: str) -> Any:
    page = browser_page.page
    browser_page.screenshot(name)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    violations = browser_page.serious_axe_violations()
    assert not violations, f"axe-core, {page.url}:\n{format_violations(violations)}"
    assert not browser_page.console_errors, "console errors:\n" + "\n".join(browser_page.console_errors)
    assert not browser_page.outside_requests, "requests outside the site:\n" + "\n".join(browser_page.outside_requests)
    return page


def link_in_last_email(to: str, purpose: str) -> str:
    delivery = Delivery.objects.filter(recipient_email=to, purpose=purpose).latest("pk")
    url = re.findall(r"https?://\S+", delivery.body_text)[0]
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_sign_up_confirm_create_and_staff_approve(
    size: str, staff_user: User, queued: list[Any], browser_page: BrowserPage
) -> None:
    page = browser_page.page
    page.set_viewport_size({"width": WIDTHS[size], "height": 900})
    email = f"ines.{size}@mairie-egletons.fr"
    siren = siren_with_check_digit("2119007" + ("3" if size == "large" else "4"))

    browser_page.goto("/connexion/")
    assert "Espace collectivités et partenaires" in page.content()
    page.get_by_role("link", name="Créer un compte").click()
    check_page(browser_page, f"signup-form-{size}")

    # A mistake first: the form comes back with a French error and what was typed.
    page.locator("input[name=first_name]").fill("Inès")
    page.locator("input[name=last_name]").fill("Durand")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill("court")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer mon compte").click()
    assert "Ce mot de passe est trop court" in page.content()
    assert page.locator("input[name=first_name]").input_value() == "Inès"
    check_page(browser_page, f"signup-error-{size}")

    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Créer mon compte").click()
    assert page.url.endswith("/inscription/courriel-envoye/")
    check_page(browser_page, f"signup-sent-{size}")

    browser_page.goto(link_in_last_email(email, Purpose.ACCOUNT_CONFIRMATION))
    check_page(browser_page, f"signup-confirm-{size}")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer et me connecter").click()
    assert page.url.endswith("/espace-collectivite/rejoindre/")
    assert "Votre adresse est confirmée" in page.content()
    check_page(browser_page, f"organisation-join-{size}")

    page.get_by_role("link", name="Créer mon organisation").click()
    check_page(browser_page, f"organisation-create-{size}")
    page.locator("select[name=kind]").select_option("commune")
    page.locator("input[name=name]").fill("Commune d’Égletons")
    page.locator("input[name=siren]").fill(siren)
    commune = page.locator("input[name=commune]")
    commune.press_sequentially("Egleto", delay=30)
    page.get_by_role("option", name=re.compile(r"^Égletons \(19\)")).click()
    assert commune.input_value() == "Égletons (19)"
    with page.expect_navigation():
        page.get_by_role("button", name="Créer l’organisation").click()
    assert "en attente de validation" in page.content()
    check_page(browser_page, f"organisation-created-{size}")
    organisation = Organisation.objects.get(siren=siren)
    assert organisation.commune_id == "19073" and not organisation.is_approved

    # Staff, in the same browser: log out from the logout page, log in, approve.
    browser_page.goto("/deconnexion/")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Se déconnecter").click()
    browser_page.goto("/pilotage/organisations/")
    page.locator("input[name=username]").fill(STAFF_EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
    assert page.url.endswith("/pilotage/organisations/")
    check_page(browser_page, f"staff-organisations-{size}")
    with page.expect_navigation():
        page.locator(f"#organisation-{organisation.pk}").get_by_role("button", name=re.compile("^Valider")).click()
    assert "est validée" in page.content()
    check_page(browser_page, f"staff-approved-{size}")

    organisation.refresh_from_db()
    assert organisation.is_approved and organisation.approved_by == staff_user
    assert Delivery.objects.filter(purpose=Purpose.ORGANISATION_DECISION, recipient_email=email).exists()
    assert queued  # the e-mails' tasks were queued after commit
