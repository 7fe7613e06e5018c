"""The seeker's search in a real browser (issue 14): one request per submit, a place read in the words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import BrowserPage, format_violations, sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(scope="module")
def seeker_offers(browser_server: str, django_db_blocker: Any) -> Iterator[list[Any]]:
    from offers.models import Offer
    from tests.offers.factories import OfferFactory

    with django_db_blocker.unblock():
        offers = [
            OfferFactory(title="Chef de projet revitalisation", chef_de_projet=True, commune="19272"),
            OfferFactory(title="Ingénieur méthodes", commune="19031"),
            OfferFactory(title="Chargée de mission ruralité", vta=True, commune="15014"),
        ]
    try:
        yield offers
    finally:
        with django_db_blocker.unblock():
            Offer.objects.filter(pk__in=[offer.pk for offer in offers]).delete()


def test_enter_in_the_words_sends_one_request(browser_page: BrowserPage, seeker_offers: list[Any]) -> None:
    page = browser_page.page
    browser_page.goto("/offres/")
    page.wait_for_function("() => window.htmx !== undefined")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url) if "/offres/?" in request.url else None)
    page.fill("#filtre-q", "chef de projet Tulle")
    page.press("#filtre-q", "Enter")
    page.wait_for_function("() => document.querySelector('#nombre-offres').textContent.trim() === '1 offre'")
    page.wait_for_timeout(300)
    assert len(requests) == 1, requests
    assert "Lieu reconnu\u00a0: Tulle (19)" in page.locator("#lieu-reconnu").inner_text()
    # The order was not chosen: the words are sorted by relevance, no `tri` is sent.
    assert "tri=" not in requests[0]
    # A text field left without Enter still searches, once.
    requests.clear()
    page.fill("#filtre-q", "ingénieur")
    page.locator("#filtre-q").blur()
    page.wait_for_function("() => document.querySelector('#nombre-offres').textContent.trim() === '1 offre'")
    page.wait_for_function("() => document.querySelector('#resultats').textContent.includes('Ingénieur méthodes')")
    page.wait_for_timeout(300)
    assert len(requests) == 1, requests
    assert not browser_page.console_errors, browser_page.console_errors


PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser_server: str, chromium_browser: Any, request: pytest.FixtureRequest) -> Iterator[BrowserPage]:
    """A 390 × 844 page (a common phone), with or without JavaScript."""
    javascript = getattr(request, "param", True)
    context = chromium_browser.new_context(
        base_url=browser_server, locale="fr-FR", viewport=PHONE, java_script_enabled=javascript, is_mobile=True
    )
    page = context.new_page()
    wrapper = BrowserPage(page=page, base_url=browser_server)
    wrapper.javascript = javascript  # type: ignore[attr-defined]
    page.on("console", lambda message: message.type == "error" and wrapper.console_errors.append(message.text))
    try:
        yield wrapper
    finally:
        context.close()


@pytest.mark.parametrize("phone_page", [True, False], indirect=True, ids=["js", "no-js"])
def test_first_result_in_the_first_screen_at_390_px(
    phone_page: BrowserPage, seeker_offers: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from offers.views import search as view

    # The longest count the page writes (the live server runs in this process).
    monkeypatch.setattr(view, "_count_text", lambda total: "Plus de 1\u202f000 offres")
    page = phone_page.page
    phone_page.goto(f"/offres/?type=vte&type=vta&contrat=cdd&duree_max={60 + int(phone_page.javascript)}")
    if phone_page.javascript:  # type: ignore[attr-defined]
        # With JavaScript (the DSFR folds the header's menu), the first result's title shows without scrolling.
        box = page.locator("#resultats .fr-card__title").first.bounding_box()
        assert box is not None and box["y"] + 24 <= PHONE["height"], box
    # The filters are folded behind « Filtrer », which counts the active ones.
    summary = page.locator("#filtres > summary")
    assert summary.is_visible()
    assert re.match(r"Filtrer\s*\(4\s*filtres actifs\s*\)", summary.text_content().replace("\xa0", " ").strip())
    assert not page.locator("#filtre-region").is_visible()
    # The count fits on one line beside the sort.
    count = page.locator("#nombre-offres").bounding_box()
    sort = page.locator("#filtre-tri").bounding_box()
    assert count is not None and sort is not None
    assert page.locator("#nombre-offres").inner_text() == "Plus de 1\u202f000 offres"
    assert count["height"] < 40 and abs(count["y"] - sort["y"]) < 30, (count, sort)
    assert count["x"] + count["width"] <= sort["x"] and sort["x"] + sort["width"] <= PHONE["width"], (count, sort)
    phone_page.screenshot("search-390-folded")
    # « Filtrer » opens them, without JavaScript too (a native <details>).
    summary.click()
    page.locator("#filtre-region").wait_for(state="visible")
    assert page.locator("#type-vte").is_checked()
    # Opened, they fit the screen (the selects inside the <details> were 40 px wider than it).
    assert sideways_scroll(page) == ""
    phone_page.screenshot("search-390-open")
    if phone_page.javascript:  # type: ignore[attr-defined]  # axe needs JavaScript: the "js" case only
        violations = phone_page.serious_axe_violations()
        assert not violations, format_violations(violations)
    assert not phone_page.console_errors, phone_page.console_errors


def test_filters_are_open_on_a_wide_screen(browser_page: BrowserPage, seeker_offers: list[Any]) -> None:
    browser_page.goto("/offres/")
    page = browser_page.page
    assert page.locator("#filtre-region").is_visible()
    assert not page.locator("#filtres > summary").is_visible()
    # Every field stays in the filters' column: the selects ran 56 px under the results (the DSFR's
    # box-sizing was lost inside the <details>).
    column = page.locator("#filtres").bounding_box()
    assert column is not None
    for field in page.locator("#filtres select, #filtres input:not([type=checkbox])").all():
        box = field.bounding_box()
        assert box is not None and box["x"] + box["width"] <= column["x"] + column["width"] + 0.5, field


def test_htmx_updates_the_active_filter_count(phone_page: BrowserPage, seeker_offers: list[Any]) -> None:
    page = phone_page.page
    phone_page.goto("/offres/")
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.locator("#filtres > summary").text_content().strip() == "Filtrer"
    page.locator("#filtres > summary").click()
    page.locator("label[for=type-vta]").click()
    page.wait_for_function("() => document.querySelector('#nombre-offres').textContent.trim() === '1 offre'")
    assert "(1 filtre actif)" in page.locator("#filtres > summary").text_content().replace("\xa0", " ")


@pytest.mark.parametrize(
    "path", ["/", "/territoires/communes/19272/", "/territoires/programmes/petites-villes-de-demain/"]
)
def test_first_paint_is_already_folded_on_a_phone(phone_page: BrowserPage, path: str) -> None:
    """What a phone draws before the DSFR's script has run (its module blocked here) must be what it
    shows after: the menu and the breadcrumb folded. The no-JavaScript rules that unfold them live in
    a <noscript> style sheet; when they applied until the script ran, the whole page moved up once it
    had (Lighthouse measured a layout shift of 0.30 to 0.37, issue 14)."""
    page = phone_page.page
    page.route("**/dsfr.module.min.js", lambda route: route.abort())
    page.route("**/dsfr.nomodule.min.js", lambda route: route.abort())
    phone_page.goto(path)
    assert page.evaluate("() => document.documentElement.hasAttribute('data-fr-js')") is False
    assert not page.locator(".fr-header__menu a[href='/territoires/']").first.is_visible()
    assert not page.locator(".fr-breadcrumb__list").is_visible()


@pytest.mark.parametrize("phone_page", [False], indirect=True, ids=["no-js"])
def test_menu_is_reachable_without_javascript(phone_page: BrowserPage) -> None:
    phone_page.goto("/territoires/communes/19272/")
    assert phone_page.page.locator(".fr-header__menu a[href='/territoires/']").first.is_visible()
    assert phone_page.page.locator(".fr-breadcrumb__list").is_visible()
