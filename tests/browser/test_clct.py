"""A delegate's week in the CLCT space, in a real browser: see the meetings (list and month calendar, reached
with the keyboard), answer an invitation on the page, record the attendance of last week's meeting, add a
follow-up action and mark it done, copy the calendar feed's address. Every page has no serious or critical
axe-core violation, no console error and no request outside the site; screenshots at 1280 and 390 px wide
land in `test-artifacts/clct-*.png`.

As in the other browser modules, the rows are created with database access unblocked (committed, so the live
server sees them) and deleted at the end; e-mails are recorded, their Celery task is never sent."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from partnership.accounts.models import Delegate, User
from partnership.clct.enums import Rsvp
from partnership.clct.models import Action, DelegateSettings, Invitation, Meeting
from partnership.notifications import tasks as notification_tasks
from partnership.notifications.models import Delivery
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_recruitment import Tab, open_tab
from tests.clct.factories import MeetingFactory, committee

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DELEGATE = "delegue.navigateur@apec.fr"
PASSWORD = "un mot de passe de test solide"  # noqa: S105


@pytest.fixture(scope="module")
def week(browser_server: str, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(notification_tasks.send_delivery, "delay", lambda *args, **kwargs: None)
        user = User.objects.create_user(DELEGATE, PASSWORD, first_name="Claire", last_name="Bonnet")
        delegate = Delegate.objects.create(user=user)
        delegate.regions.set(["75"])
        start = (timezone.now() + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
        upcoming = MeetingFactory(
            committee=committee("19"), starts_at=start, ends_at=start + dt.timedelta(hours=2), agenda="Bilan des VTA"
        )
        past = MeetingFactory(committee=committee("87"), past=True, place="Préfecture de la Haute-Vienne, Limoges")
        for meeting in (upcoming, past):
            Invitation.objects.create(meeting=meeting, delegate=delegate)
        try:
            yield {"user": user, "delegate": delegate, "upcoming": upcoming, "past": past}
        finally:
            Meeting.objects.filter(pk__in=[upcoming.pk, past.pk]).delete()  # invitations, actions, changes
            Delivery.objects.filter(recipient_email=DELEGATE).delete()
            User.objects.filter(email=DELEGATE).delete()


def check(tab: Tab, name: str) -> None:
    tab.check(f"clct-{name}")  # one <h1>, axe-core, console, outside requests, a screenshot (recrutement-…)
    (ARTIFACTS / f"recrutement-clct-{name}.png").replace(ARTIFACTS / f"clct-{name}.png")


def log_in(tab: Tab, next_path: str) -> None:
    tab.goto(f"/connexion/?next={urllib.parse.quote(next_path)}")
    tab.page.fill("#connexion-email", DELEGATE)
    tab.page.fill("#connexion-mot-de-passe", PASSWORD)
    tab.page.click("button[type=submit]")
    tab.page.wait_for_url(f"**{next_path}")


def test_a_delegates_week(week, chromium_browser, browser_server):
    upcoming, past = week["upcoming"], week["past"]
    tab = open_tab(chromium_browser, browser_server)
    page = tab.page
    log_in(tab, "/clct/")
    body = page.inner_text("body")
    assert "Réponses attendues (1)" in body and "CLCT de la Corrèze" in body
    check(tab, "semaine")

    # The month calendar, with the keyboard: Tab reaches the meeting's link, Enter opens it.
    month = timezone.localtime(upcoming.starts_at)
    tab.goto(f"/clct/calendrier/?mois={month:%Y-%m}")
    check(tab, "calendrier")
    target = f"/clct/reunions/{upcoming.pk}/"
    for _ in range(100):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('href')") == target:
            break
    else:
        raise AssertionError("Tab never reached a meeting of the calendar")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/clct/reunions/{upcoming.pk}/")
    check(tab, "reunion")

    # Answer on the page.
    page.get_by_text("Je participerai", exact=True).click()
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    assert "Réponse enregistrée : Je participerai." in page.inner_text("body")
    assert Invitation.objects.get(meeting=upcoming, delegate=week["delegate"]).rsvp == Rsvp.YES

    # Last week's meeting: attendance, then a follow-up action added and done.
    tab.goto(f"/clct/reunions/{past.pk}/")
    page.get_by_text("Claire Bonnet", exact=True).first.click()
    page.get_by_role("button", name="Enregistrer les présences").click()
    assert "Présences enregistrées." in page.inner_text("body")
    assert Invitation.objects.get(meeting=past, delegate=week["delegate"]).attended is True
    page.fill("#id_title", "Relancer la mairie de Saint-Junien")
    page.fill("#id_due_on", (timezone.localdate() + dt.timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Ajouter l’action").click()
    assert "Action ajoutée." in page.inner_text("body")
    check(tab, "reunion-passee")
    page.get_by_role("button", name="Marquer comme faite : « Relancer la mairie de Saint-Junien »").click()
    assert "Action « Relancer la mairie de Saint-Junien » faite." in page.inner_text("body")
    assert Action.objects.get(title="Relancer la mairie de Saint-Junien").done_at is not None
    tab.goto("/clct/actions/")
    check(tab, "actions")

    # The calendar feed's address, copied.
    tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=browser_server)
    tab.goto("/clct/agenda/")
    check(tab, "agenda")
    page.get_by_role("button", name="Copier l’adresse").click()
    page.get_by_text("Adresse copiée.").wait_for()
    token = DelegateSettings.objects.get(delegate=week["delegate"]).calendar_token
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{browser_server}/clct/agenda/{token}.ics"

    tab.goto("/clct/reunions/?periode=toutes")
    check(tab, "reunions")

    for width in (1280, 390):
        narrow = open_tab(chromium_browser, browser_server, width=width)
        log_in(narrow, "/clct/")
        for name, path in (
            ("semaine", "/clct/"),
            ("calendrier", f"/clct/calendrier/?mois={month:%Y-%m}"),
            ("reunion", f"/clct/reunions/{upcoming.pk}/"),
            ("comite", "/clct/comites/19/"),
            ("actions", "/clct/actions/"),
        ):
            narrow.goto(path)
            check(narrow, f"{name}-{width}")
