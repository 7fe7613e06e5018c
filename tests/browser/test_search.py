"""The offer search page in a real browser: without JavaScript (a plain form), with htmx (results
swapped, URL pushed, count announced) and with no serious axe-core violation."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import BrowserPage, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def search_offers(browser_server: str, django_db_blocker: Any) -> Iterator[list[Any]]:
    """Committed offers (the live server reads outside the tests' transactions), removed afterwards."""
    from offers.models import Offer
    from tests.offers.factories import OfferFactory

    with django_db_blocker.unblock():
        offers = [
            OfferFactory(title="Chef de projet revitalisation", chef_de_projet=True, commune="19031"),
            OfferFactory(title="Ingénieur méthodes", commune="19272"),
            OfferFactory(title="Chargée de mission ruralité", vta=True, commune="75056"),
        ]
    try:
        yield offers
    finally:
        with django_db_blocker.unblock():
            Offer.objects.filter(pk__in=[offer.pk for offer in offers]).delete()


def result_titles(page: Any) -> list[str]:
    return page.locator("#resultats .fr-card__title").all_inner_texts()


def test_search_without_javascript(chromium_browser: Any, browser_server: str, search_offers: list[Any]) -> None:
    context = chromium_browser.new_context(base_url=browser_server, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/offres/")
        assert sorted(result_titles(page)) == sorted(offer.title for offer in search_offers)
        page.fill("#filtre-q", "ingenieur")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_load_state("load")
        assert "q=ingenieur" in page.url
        assert result_titles(page) == ["Ingénieur méthodes"]
        assert page.locator("#nombre-offres").inner_text() == "1 offre"
        # A commune typed by name, resolved by the server
        page.fill("#filtre-q", "")
        page.fill("#filtre-commune", "Tulle")
        page.get_by_role("button", name="Rechercher").click()
        page.wait_for_load_state("load")
        assert sorted(result_titles(page)) == ["Chef de projet revitalisation", "Ingénieur méthodes"]
        assert page.locator("#filtre-commune").input_value() == "Tulle (19)"
    finally:
        context.close()


def test_search_with_htmx(browser_page: BrowserPage, search_offers: list[Any]) -> None:
    page = browser_page.page
    browser_page.goto("/offres/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.wait_for_load_state("networkidle")
    assert page.locator("#nombre-offres").inner_text() == "3 offres"
    old_results = page.locator("#resultats").element_handle()

    page.locator("label[for=type-vta]").click()
    page.wait_for_function("() => document.querySelector('#nombre-offres').textContent.trim() === '1 offre'")
    assert result_titles(page) == ["Chargée de mission ruralité"]
    assert re.search(r"/offres/\?type=vta$", page.url), page.url
    assert old_results.evaluate("el => el.isConnected") is False  # swapped, not reloaded
    assert page.locator("#nombre-offres").get_attribute("role") == "status"
    # facet counts updated out of band: VTE still counted across types, contracts under type=vta
    assert page.locator("#n-type-vte").inner_text().strip() == "(1)"
    assert page.locator("#type-vta").is_checked()

    # The commune autocomplete: a listbox, then the INSEE code in the URL
    page.locator("label[for=type-vta]").click()
    page.wait_for_function("() => document.querySelector('#nombre-offres').textContent.trim() === '3 offres'")
    page.locator("#filtre-commune").press_sequentially("Tull", delay=30)
    option = page.get_by_role("option", name=re.compile(r"^Tulle \(19\)"))
    option.wait_for()
    option.click()
    page.wait_for_function("() => document.querySelector('#nombre-offres').textContent.trim() === '2 offres'")
    assert "commune=19272" in page.url
    assert page.locator("#filtre-commune").input_value() == "Tulle (19)"
    assert "à moins d’1 km" in page.locator("#resultats").inner_text()
    browser_page.screenshot("search-htmx")
    assert not browser_page.console_errors, browser_page.console_errors
    assert not browser_page.outside_requests


def test_a_filter_chosen_while_the_map_loads_cuts_no_request(
    browser_page: BrowserPage, search_offers: list[Any]
) -> None:
    # The map below the results loads itself once in view; choosing a filter before it has come
    # must neither abort its request (htmx logs that as console errors) nor wait for it.
    page = browser_page.page
    held: list[Any] = []
    page.route("**/offres/carte/**", lambda route: held.append(route))  # answered when released below
    browser_page.goto("/offres/")
    page.wait_for_function("() => window.htmx !== undefined")
    page.locator("#resultats [hx-get]").scroll_into_view_if_needed()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the map was not requested"
    page.locator("label[for=type-vta]").scroll_into_view_if_needed()
    page.locator("label[for=type-vta]").click()
    page.wait_for_function("() => document.querySelector('#nombre-offres').textContent.trim() === '1 offre'")
    page.unroute("**/offres/carte/**")
    for route in held:
        with contextlib.suppress(PlaywrightError):  # « already handled »: the request was aborted
            route.continue_()
    page.locator("#resultats #carte-titre").scroll_into_view_if_needed(timeout=10_000)
    page.wait_for_load_state("networkidle")
    assert "pour cette recherche" in page.locator("#resultats #carte-titre").inner_text()
    assert not browser_page.console_errors, browser_page.console_errors


def test_search_page_accessibility(browser_page: BrowserPage, search_offers: list[Any]) -> None:
    for path in (
        "/offres/",
        "/offres/?type=xyz&commune=Nullepart&q=ing%C3%A9nieur",
        "/offres/?commune=19272&rayon=5&type=vta",
    ):
        response = browser_page.goto(path)
        assert response is not None and response.status == 200
        assert browser_page.page.locator("h1").count() == 1
        violations = browser_page.serious_axe_violations()
        assert not violations, f"axe-core, {path}:\n{format_violations(violations)}"
    browser_page.screenshot("search-errors")
    assert not browser_page.console_errors, browser_page.console_errors
