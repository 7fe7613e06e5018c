"""The Content-Security-Policy in a real browser: the main pages run under it with no violation.

Each page is loaded with the policy enforced; a script added before any page script (through the
DevTools protocol, which the policy does not govern) records every `securitypolicyviolation`
event. The last test shows that the recorder does see a violation when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from offers.models import Offer
from tests.browser.conftest import BrowserPage
from tests.offers.factories import OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || 'inline'} ${event.sourceFile || ''}`);
});
"""


@pytest.fixture(scope="module")
def offer_path(browser_server: str, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        offer = OfferFactory(title="Chargée de mission industrie", commune="19272", salary_min=30000)
    yield offer.get_absolute_url()
    with django_db_blocker.unblock():
        Offer.objects.filter(pk=offer.pk).delete()


def violations_on(browser_page: BrowserPage, path: str) -> list[str]:
    browser_page.page.add_init_script(RECORD_VIOLATIONS)
    browser_page.goto(path)
    browser_page.page.wait_for_load_state("networkidle")
    return browser_page.page.evaluate("() => window.__cspViolations")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/offres/",
        "/offres/?q=industrie&commune=19272&rayon=50",
        "/territoires/communes/19272/",
        "/territoires/programmes/petites-villes-de-demain/",
        "/cette-page-n-existe-pas/",
    ],
)
def test_main_pages_run_under_the_policy(browser_page: BrowserPage, path: str):
    assert violations_on(browser_page, path) == []
    # The 404 page's own status is reported as a console error: it is not a policy matter.
    errors = [error for error in browser_page.console_errors if "status of 404" not in error]
    assert not errors, errors


def test_offer_page_runs_under_the_policy(browser_page: BrowserPage, offer_path: str):
    assert violations_on(browser_page, offer_path) == []
    assert not browser_page.console_errors, browser_page.console_errors


def test_an_inline_style_is_refused_and_recorded(browser_page: BrowserPage):
    assert violations_on(browser_page, "/") == []

    browser_page.page.evaluate(
        "() => { document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>'); }"
    )
    browser_page.page.wait_for_timeout(200)

    recorded = browser_page.page.evaluate("() => window.__cspViolations")
    assert any(violation.startswith("style-src") for violation in recorded), recorded
