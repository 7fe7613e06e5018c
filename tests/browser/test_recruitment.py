"""The recruitment flow in a real browser: a member of Égletons posts a PVD chef-de-projet vacancy, staff
return it with a reason, the member corrects and resubmits it, staff publish it, it appears in
`/offres/?programme=pvd`, a candidate applies with a PDF, a member shortlists the application. Every page of
the flow has no serious or critical axe-core violation; the posting and application forms also work with
JavaScript disabled. Screenshots at 1280 and 390 px wide land in `test-artifacts/`.

Sign-up, e-mail confirmation and the approval of a new organisation are the accounts' part of the issue
(their own browser tests): here the organisation is approved and its member exists.

As in the other browser modules, the rows are created with database access unblocked (committed, so the live
server sees them) and deleted at the end. E-mails are recorded as deliveries; their Celery task is never
sent (`send_delivery.delay` is replaced by a recorder while the module runs)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from offers.models import Offer
from partnership.accounts.models import Membership, Organisation, User
from partnership.notifications import tasks as notification_tasks
from partnership.notifications.models import Delivery
from partnership.recruitment.models import Application, Posting
from tests.browser.conftest import ARTIFACTS, format_violations, sideways_scroll
from tests.factories import OrganisationFactory, minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

MEMBER = "secretariat@egletons.fr"
STAFF = "moderation@anct.gouv.fr"
PASSWORD = "un mot de passe de test solide"  # noqa: S105
TITLE = "Chef de projet Petites villes de demain à Égletons"


@pytest.fixture(scope="module")
def flow_data(browser_server: str, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        sent: list[Any] = []
        patch.setattr(notification_tasks.send_delivery, "delay", lambda *args, **kwargs: sent.append(args))
        organisation = OrganisationFactory(name="Commune d’Égletons", commune="19073")
        member = User.objects.create_user(MEMBER, PASSWORD, first_name="Dominique", last_name="Roux")
        Membership.objects.create(organisation=organisation, user=member, role="administrator")
        User.objects.create_user(STAFF, PASSWORD, is_staff=True, first_name="Camille", last_name="Lefèvre")
        try:
            yield {"organisation": organisation, "sent": sent}
        finally:
            offers = list(Posting.objects.filter(organisation=organisation).values_list("pk", flat=True))
            Application.objects.filter(posting__organisation=organisation).delete()
            Posting.objects.filter(organisation=organisation).delete()
            Offer.objects.filter(pk__in=offers).delete()
            Delivery.objects.filter(recipient_email__in=[MEMBER, STAFF, "camille.candidate@example.org"]).delete()
            Membership.objects.filter(organisation=organisation).delete()
            Organisation.objects.filter(pk=organisation.pk).delete()
            User.objects.filter(email__in=[MEMBER, STAFF]).delete()


@dataclass
class Tab:
    page: Any
    base_url: str
    errors: list[str]
    outside: list[str]

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path, wait_until="load")

    def check(self, name: str) -> None:
        """One <h1>, no sideways scrolling, no serious axe violation, no console error, nothing outside
        the site; a screenshot."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"recrutement-{name}.png"), full_page=True)
        assert self.page.locator("h1").count() == 1, name
        # Nothing makes the page scroll sideways (a table scrolls inside its own frame).
        assert not (overflow := sideways_scroll(self.page)), f"{name} is {overflow}"
        if self.page.evaluate("() => typeof window.axe === 'undefined'"):
            from tests.browser.conftest import AXE_JS

            self.page.evaluate(AXE_JS.read_text())
        results = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [v for v in results["violations"] if v.get("impact") in {"serious", "critical"}]
        assert not serious, f"axe-core, {name}:\n{format_violations(serious)}"
        assert not self.errors, f"console errors on {name}: {self.errors}"
        assert not self.outside, f"requests outside the site on {name}: {self.outside}"


def open_tab(browser: Any, base_url: str, *, javascript: bool = True, width: int = 1280) -> Tab:
    context = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport={"width": width, "height": 900}, java_script_enabled=javascript
    )
    page = context.new_page()
    tab = Tab(page=page, base_url=base_url, errors=[], outside=[])
    host = urllib.parse.urlsplit(base_url).netloc
    page.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    page.on("pageerror", lambda error: tab.errors.append(str(error)))

    def route(route: Any) -> None:
        if urllib.parse.urlsplit(route.request.url).netloc in {host, ""}:
            route.continue_()
        else:
            tab.outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return tab


def log_in(tab: Tab, email: str, next_path: str) -> None:
    tab.goto(f"/connexion/?next={urllib.parse.quote(next_path)}")
    tab.page.fill("#connexion-email", email)
    tab.page.fill("#connexion-mot-de-passe", PASSWORD)
    tab.page.click("button[type=submit]")
    tab.page.wait_for_url(f"**{next_path}")


def test_post_moderate_publish_apply_and_shortlist(flow_data, chromium_browser, browser_server, tmp_path):
    organisation = flow_data["organisation"]
    space = f"/espace-collectivite/{organisation.pk}/"

    member = open_tab(chromium_browser, browser_server)
    log_in(member, MEMBER, space)
    member.check("espace-organisation")
    member.page.click("text=Publier une offre de chef de projet")
    member.check("formulaire-chef-de-projet")
    page = member.page
    page.fill("#id_title", TITLE)
    page.select_option("#id_programme", "pvd")
    page.fill("#id_missions", "Piloter le projet de revitalisation du centre-bourg.")
    page.fill("#id_profile", "Bac + 5 en aménagement du territoire.")
    page.select_option("#id_contract", "contrat-de-projet")
    page.fill("#id_duration_months", "36")
    page.fill("#id_salary_min", "32000")
    page.fill("#id_salary_max", "38000")
    page.click("text=Enregistrer le brouillon")
    assert "Brouillon enregistré" in page.inner_text("body")
    assert "Égletons fait partie du programme Petites villes de demain." in page.inner_text("body")
    member.check("offre-brouillon")
    offer_url = page.url
    page.get_by_role("link", name="Aperçu", exact=True).click()
    assert "Brouillon : voici l’offre" in page.inner_text("body")
    member.check("apercu")
    member.goto(urllib.parse.urlsplit(offer_url).path)
    page.click("text=Envoyer à l’équipe du partenariat")
    assert "Offre envoyée" in page.inner_text("body")

    staff = open_tab(chromium_browser, browser_server)
    log_in(staff, STAFF, "/pilotage/moderation/")
    assert "1 offre en attente de modération." in staff.page.inner_text("body")
    staff.check("moderation-file")
    staff.page.click(f"text={TITLE}")
    staff.check("moderation-offre")
    staff.page.fill("#id_reason", "Précisez le cofinancement demandé à l’ANCT.")
    staff.page.click("text=Renvoyer à l’organisation avec ce motif")
    assert "Offre renvoyée" in staff.page.inner_text("body")

    member.goto(urllib.parse.urlsplit(offer_url).path)
    assert "Précisez le cofinancement demandé à l’ANCT." in page.inner_text("body")
    member.check("offre-renvoyee")
    page.get_by_role("link", name="Modifier", exact=True).click()
    page.fill("#id_cofunding", "Cofinancement ANCT à 75 % demandé le 3 novembre.")
    page.click("text=Enregistrer le brouillon")
    page.click("text=Envoyer à l’équipe du partenariat")
    assert "Offre envoyée" in page.inner_text("body")

    staff.goto("/pilotage/moderation/")
    staff.page.click(f"text={TITLE}")
    staff.page.get_by_role("button", name="Publier", exact=True).click()
    assert "Offre publiée" in staff.page.inner_text("body")

    candidate = open_tab(chromium_browser, browser_server)
    candidate.goto("/offres/?programme=pvd")
    assert TITLE in candidate.page.inner_text("body")
    candidate.page.click(f"text={TITLE}")
    candidate.check("offre-publiee")
    candidate.page.get_by_role("link", name="Postuler", exact=True).click()
    candidate.check("postuler")
    fill_application(candidate.page)
    assert "Votre candidature est envoyée" in candidate.page.inner_text("body")
    candidate.check("candidature-envoyee")

    member.goto(space)
    page.click("text=Camille Candidate")
    member.check("candidature")
    page.check("input[name=status][value=retenue]", force=True)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    assert "Suivi de la candidature enregistré." in page.inner_text("body")
    assert Application.objects.get(posting__organisation=organisation).status == "retenue"

    for width in (1280, 390):  # a look at the form and the offer at both widths
        narrow = open_tab(chromium_browser, browser_server, width=width)
        narrow.goto(urllib.parse.urlsplit(candidate.page.url).path.replace("postuler/merci/", "postuler/"))
        narrow.page.screenshot(path=str(ARTIFACTS / f"recrutement-postuler-{width}.png"), full_page=True)
        log_in(narrow, MEMBER, space)
        narrow.page.click("text=Publier une offre de VTA")
        narrow.page.screenshot(path=str(ARTIFACTS / f"recrutement-formulaire-vta-{width}.png"), full_page=True)
        narrow.check(f"formulaire-vta-{width}")


def fill_application(page: Any) -> None:
    page.fill("#id_name", "Camille Candidate")
    page.fill("#id_email", "camille.candidate@example.org")
    page.fill("#id_message", "Le projet de revitalisation d’Égletons m’intéresse.")
    page.set_input_files("#id_cv", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}])
    page.click("text=Envoyer ma candidature")


def test_the_forms_work_without_javascript(flow_data, chromium_browser, browser_server):
    organisation = flow_data["organisation"]
    space = f"/espace-collectivite/{organisation.pk}/"
    member = open_tab(chromium_browser, browser_server, javascript=False)
    log_in(member, MEMBER, space)
    member.goto(f"{space}offres/nouvelle/vta/")
    page = member.page
    page.fill("#id_title", "Volontaire territorial en administration sans JavaScript")
    page.fill("#id_missions", "Monter les dossiers de subvention.")
    page.fill("#id_duration_months", "40")  # too long for a VTA: saved as a draft, not eligible
    page.fill("#id_tutor_name", "Claire Martin")
    page.click("text=Enregistrer le brouillon")
    body = page.inner_text("body")
    assert "Brouillon enregistré" in body
    assert "Un VTA dure de 12 à 18 mois : l’offre indique 40 mois." in body

    published = Offer.objects.filter(posting__organisation=organisation, status="published").first()
    assert published is not None, "the first test publishes an offer"
    candidate = open_tab(chromium_browser, browser_server, javascript=False)
    candidate.goto(f"/offres/{published.pk}/postuler/")
    candidate.page.fill("#id_name", "Sam Sansjs")
    candidate.page.fill("#id_email", "camille.candidate@example.org")
    candidate.page.fill("#id_message", "Candidature envoyée sans JavaScript.")
    candidate.page.set_input_files(
        "#id_cv", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"MZ pas un pdf"}]
    )
    candidate.page.click("text=Envoyer ma candidature")
    assert "Ce fichier n’est pas un PDF." in candidate.page.inner_text("body")
    assert candidate.page.input_value("#id_name") == "Sam Sansjs"  # nothing lost but the file
    candidate.page.set_input_files(
        "#id_cv", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}]
    )
    candidate.page.click("text=Envoyer ma candidature")
    assert "Votre candidature est envoyée" in candidate.page.inner_text("body")
