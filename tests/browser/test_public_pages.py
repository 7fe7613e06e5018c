"""Public pages in a real browser: they load, have no console error, call nothing outside the
site and have no serious or critical axe-core violation. Full-page screenshots are saved in
`test-artifacts/` for a human look."""

from __future__ import annotations

import pytest

from tests.browser.conftest import BrowserPage, format_violations, sideways_scroll

# django_db: so that pytest-django creates the test database even when only these tests run.
# The pages themselves are served by `browser_server`'s thread, outside the test transaction.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES = [
    # (screenshot name, path, expected status, text the page must show)
    ("home", "/", 200, "Talents des territoires"),
    ("commune-tulle", "/territoires/communes/19272/", 200, "Tulle"),
    ("programme-pvd", "/territoires/programmes/petites-villes-de-demain/", 200, "Petites villes de demain"),
    ("not-found", "/cette-page-n-existe-pas/", 404, "Page non trouvée"),
]


@pytest.mark.parametrize(("name", "path", "status", "text"), PAGES, ids=[page[0] for page in PAGES])
def test_public_page(browser_page: BrowserPage, name, path, status, text):
    response = browser_page.goto(path)
    page = browser_page.page
    browser_page.screenshot(name)

    assert response is not None
    assert response.status == status, f"{path} answered {response.status}"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.title().strip(), "the page has no <title>"
    assert page.locator("h1").count() == 1, "a page has exactly one <h1>"
    assert text.casefold() in page.locator("body").inner_text().casefold()

    violations = browser_page.serious_axe_violations()
    assert not violations, f"axe-core, {path}:\n{format_violations(violations)}"

    # The expected 404 of the page itself is the only failed load allowed.
    errors = [
        error
        for error in browser_page.console_errors
        if not (status == 404 and "status of 404" in error and error.endswith(f"({browser_page.base_url}{path})"))
    ]
    assert not errors, "console errors:\n" + "\n".join(errors)
    assert not browser_page.outside_requests, "requests outside the site:\n" + "\n".join(browser_page.outside_requests)


@pytest.mark.parametrize("path", ["/", "/territoires/communes/19272/"])
def test_the_menu_fits_a_390_px_screen(browser_page: BrowserPage, path):
    """On a phone the header's links move into the menu: « Se connecter – Espace collectivités et
    partenaires » ran 45 px past the screen's edge (the DSFR keeps an icon button on one line)."""
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(path)
    page.click("#bouton-menu")
    page.locator("#menu-principal .fr-header__menu-links .fr-btn").first.wait_for(state="visible")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('#menu-principal a, #menu-principal button')]
            .filter(e => e.offsetParent !== null)
            .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > innerWidth)
            .map(e => e.textContent.trim())"""
    )
    assert overflowing == []
    browser_page.screenshot(f"menu-390{path.replace('/', '-')}")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/offres/?q=chef+de+projet",
        "/territoires/regions/75/",
        "/territoires/communes/19272/",
        "/statistiques/",
        "/api/",
        "/glossaire/",
    ],
)
def test_the_page_does_not_scroll_sideways_at_390_px(browser_page: BrowserPage, path):
    """Wide tables scroll inside their own frame, not the page, and a keyboard reaches that frame
    (axe-core's scrollable-region-focusable), folded tables opened."""
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto(path)
    page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true })")
    assert sideways_scroll(page) == ""
    violations = browser_page.serious_axe_violations()
    assert not violations, f"axe-core, {path} at 390 px:\n{format_violations(violations)}"
