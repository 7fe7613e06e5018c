"""Staff feed pages in a real browser: log in through the form, read the feeds, a feed and a run
report, with no serious or critical axe-core violation, and press « Lancer maintenant ».

As in the other browser modules, the rows are created by a module fixture with database access
unblocked (committed at once, so the live server sees them) and deleted at the end. The Celery
task is never sent: `sync_feed.apply_async` is replaced by a recorder while the module runs (the
live server is a thread of this process), so no message reaches the shared Redis broker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from feeds import tasks
from feeds.enums import FeedFormat, RunStatus, RunTrigger
from feeds.models import Feed, FeedRun, RejectedRecord
from offers.enums import OfferKind
from partnership.accounts.models import User
from tests.browser.conftest import BrowserPage, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

EMAIL = "pilotage@anct.gouv.fr"
PASSWORD = "un mot de passe de test solide"  # noqa: S105


@pytest.fixture(scope="module")
def staff_data(
    browser_server: str, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    # The file feed's file, in the feeds directory: « Lancer maintenant » runs only a feed it can read.
    feeds_dir = tmp_path_factory.mktemp("flux")
    (feeds_dir / "partenaires.csv").write_text("id;intitule\n", encoding="utf-8")
    with django_db_blocker.unblock(), override_settings(FEEDS_FILES_DIR=feeds_dir):
        user = User.objects.create_user(EMAIL, PASSWORD, is_staff=True, first_name="Camille", last_name="Martin")
        feed = Feed.objects.create(
            name="Apec – offres VTE",
            slug="apec-vte-navigateur",
            format=FeedFormat.APEC,
            location="https://api.francetravail.io/apec.xml",
            default_kind=OfferKind.VTE,
        )
        other = Feed.objects.create(
            name="Fichier des partenaires",
            slug="fichier-partenaires-navigateur",
            format=FeedFormat.CSV,
            location="partenaires.csv",
            default_kind=OfferKind.VTA,
            enabled=False,
        )
        now = timezone.now()
        FeedRun.objects.create(
            feed=feed,
            status=RunStatus.FAILED,
            trigger=RunTrigger.SCHEDULE,
            started_at=now - dt.timedelta(hours=2, seconds=30),
            finished_at=now - dt.timedelta(hours=2),
            error="Le serveur du flux a répondu 500 après 5 essais.",
        )
        run = FeedRun.objects.create(
            feed=feed,
            status=RunStatus.SUSPICIOUS,
            trigger=RunTrigger.STAFF,
            requested_by=user,
            started_at=now - dt.timedelta(minutes=3),
            finished_at=now - dt.timedelta(minutes=2),
            records=1520,
            created=12,
            updated=3,
            unchanged=1500,
            rejected=2,
            withheld_withdrawals=400,
            suspicious_reason="Le flux retirerait 80 % de ses offres publiées (seuil : 30 %).",
        )
        RejectedRecord.objects.create(
            run=run,
            external_id="APEC-0001",
            reason="Lieu introuvable : « Ville imaginaire (99) ».",
            raw="<Offre_emploi><Intitule><script>window.__pwned = true</script></Intitule></Offre_emploi>",
        )
        RejectedRecord.objects.create(run=run, external_id="", reason="Intitulé manquant.", raw='{"id": null}')
        try:
            yield {"feed": feed, "other": other, "run": run}
        finally:
            Feed.objects.filter(pk__in=[feed.pk, other.pk]).delete()
            User.objects.filter(pk=user.pk).delete()


@pytest.fixture
def sent_tasks() -> Iterator[list[dict[str, Any]]]:
    sent: list[dict[str, Any]] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks.sync_feed, "apply_async", lambda *args, **kwargs: sent.append(kwargs))
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


def log_in(browser_page: BrowserPage, path: str) -> Any:
    """Open a staff page, get sent to the login form, fill it in and come back."""
    browser_page.goto(path)
    page = browser_page.page
    assert page.url == f"{browser_page.base_url}/connexion/?next={path}"
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert page.url == browser_page.base_url + path
    return page


def test_login_page(staff_data: dict[str, Any], browser_page: BrowserPage) -> None:
    browser_page.goto("/connexion/")
    page = check_page(browser_page, "login")

    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()

    assert "Adresse électronique ou mot de passe incorrect." in page.locator(".fr-alert--error").inner_text()
    check_page(browser_page, "login-error")


def test_staff_pages(staff_data: dict[str, Any], browser_page: BrowserPage) -> None:
    feed, run = staff_data["feed"], staff_data["run"]
    page = log_in(browser_page, "/pilotage/flux/")

    check_page(browser_page, "feeds-list")
    assert page.locator("h1").inner_text() == "Pilotage des flux"
    row = page.locator("tr", has=page.get_by_role("link", name="Apec – offres VTE"))
    assert row.locator(".fr-badge").inner_text().strip().lower() == "suspecte"
    assert page.get_by_role("button", name="Se déconnecter").first.is_visible()

    page.get_by_role("link", name="Apec – offres VTE").click()
    page.wait_for_load_state("load")
    check_page(browser_page, "feed-detail")
    assert page.url == f"{browser_page.base_url}/pilotage/flux/{feed.slug}/"
    assert "Le serveur du flux a répondu 500 après 5 essais." in page.locator("table").nth(1).inner_text()

    browser_page.goto(f"/pilotage/flux/{feed.slug}/synchronisations/{run.pk}/")
    check_page(browser_page, "run-detail")
    assert "Le flux retirerait 80 %" in page.locator(".fr-alert--warning").inner_text()
    page.get_by_text("Afficher l’enregistrement APEC-0001").click()
    raw = page.locator("pre.tdt-raw").first
    assert raw.is_visible()
    assert "<script>window.__pwned = true</script>" in raw.inner_text()  # shown as text, never run
    assert page.evaluate("() => window.__pwned === undefined")
    violations = browser_page.serious_axe_violations()  # with a record opened
    assert not violations, format_violations(violations)


def test_run_now(staff_data: dict[str, Any], browser_page: BrowserPage, sent_tasks: list[dict[str, Any]]) -> None:
    other = staff_data["other"]
    page = log_in(browser_page, f"/pilotage/flux/{other.slug}/")

    with page.expect_navigation():
        page.get_by_role("button", name="Lancer maintenant").click()

    assert page.url == f"{browser_page.base_url}/pilotage/flux/{other.slug}/"
    message = page.locator(".fr-alert--success").inner_text()
    assert "La synchronisation du flux « Fichier des partenaires » est demandée" in message
    assert "Ce flux est désactivé" in message
    check_page(browser_page, "feed-run-now")
    run = FeedRun.objects.get(feed=other)
    assert (run.status, run.trigger, run.requested_by.email) == (RunStatus.QUEUED, RunTrigger.STAFF, EMAIL)
    assert sent_tasks == [{"args": [run.pk], "task_id": run.task_id}]

    with page.expect_navigation():
        page.get_by_role("button", name="Lancer maintenant").click()
    assert "est déjà en file d’attente depuis" in page.locator(".fr-alert--warning").inner_text()
    assert FeedRun.objects.filter(feed=other).count() == 1 and len(sent_tasks) == 1
