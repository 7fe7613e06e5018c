"""The seeker's search in a real browser (issue 14): one request per submit, a place read in the words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import BrowserPage

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
