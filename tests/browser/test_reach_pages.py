"""The pages of issue 15 in a real browser: alerts, API documentation, the map (keyboard, 390 px):
they load, call nothing outside the site, and have no serious or critical axe-core violation.
Screenshots in `test-artifacts/`."""

from __future__ import annotations

import pytest

from tests.browser.conftest import BrowserPage, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES = [
    (
        "alert-new",
        "/alertes/nouvelle/?type=chef-de-projet&programme=pvd&commune=19272&rayon=30",
        "Chef de projet, Petites villes de demain, à 30 km de Tulle",
    ),
    ("alerts-index", "/alertes/", "Vos alertes par courriel"),
    ("alert-invalid-link", "/alertes/gerer/faux/", "Ce lien n’est plus valable"),
    ("api-documentation", "/api/", "API des données ouvertes"),
    ("map", "/offres/carte/?type=vta", "Carte des offres"),
    ("home-map", "/", "Offres ouvertes par département"),
    ("statistics", "/statistiques/", "Offres publiées par semaine"),
]


@pytest.mark.parametrize(("name", "path", "text"), PAGES, ids=[page[0] for page in PAGES])
def test_page_is_accessible(browser_page: BrowserPage, name, path, text):
    browser_page.goto(path)
    browser_page.screenshot(f"reach-{name}")
    page = browser_page.page
    assert page.locator("h1").count() == 1
    assert text in page.locator("body").inner_text()
    violations = browser_page.serious_axe_violations()
    assert not violations, f"axe-core, {path}:\n{format_violations(violations)}"
    errors = [error for error in browser_page.console_errors if not (name == "alert-invalid-link" and "404" in error)]
    assert not errors, errors  # the invalid link's page is a 404 on purpose
    assert not browser_page.outside_requests, browser_page.outside_requests


def test_the_search_loads_the_map_of_its_filters(browser_page: BrowserPage):
    browser_page.goto("/offres/?type=vta")
    page = browser_page.page
    page.locator("#carte-titre").scroll_into_view_if_needed(timeout=10_000)
    assert "pour cette recherche" in page.locator("#carte-titre").inner_text()
    assert page.locator('.tdt-map a[href="/offres/?type=vta&departement=19"]').count() == 2  # map and table
    violations = browser_page.serious_axe_violations()
    assert not violations, format_violations(violations)
    assert not browser_page.console_errors, browser_page.console_errors


def test_the_map_is_reachable_by_keyboard_with_a_visible_focus(browser_page: BrowserPage):
    browser_page.goto("/offres/carte/")
    page = browser_page.page
    page.locator(".tdt-map__skip").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const a = document.activeElement; const shape = a.querySelector('use, rect');"
        " return {inMap: !!a.closest('svg'), label: a.getAttribute('aria-label'), href: a.getAttribute('href'),"
        " stroke: getComputedStyle(shape).stroke, width: getComputedStyle(shape).strokeWidth}; }"
    )
    assert focused["inMap"] and focused["label"].startswith("Ain (01) : ")
    assert focused["href"] == "/offres/?departement=01"
    assert (focused["stroke"], focused["width"]) == ("rgb(22, 22, 22)", "3px")
    page.keyboard.press("Enter")
    page.wait_for_url("**/offres/?departement=01")


def test_the_map_fits_a_390_px_screen(browser_page: BrowserPage):
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto("/offres/carte/?type=vta")
    browser_page.screenshot("reach-map-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".tdt-map__svg").bounding_box()
    assert box is not None and 300 <= box["width"] <= 390 and box["height"] > 300
    inset = page.locator('.tdt-map__svg a[href$="departement=974"]').bounding_box()
    assert inset is not None and inset["x"] + inset["width"] <= 390
