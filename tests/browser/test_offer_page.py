"""Offer pages in a real browser: an open offer and a closed one load without console error or
outside request, and have no serious or critical axe-core violation.

The live server (`browser_server`) reads the test database outside any test transaction, so
the offers are created by a module fixture with database access unblocked (committed at
once) and deleted at the end of the module.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from offers.enums import EducationLevel, EmployerKind, Experience, Remote
from offers.models import Offer
from tests.browser.conftest import BrowserPage, format_violations
from tests.offers.factories import OfferFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

DESCRIPTION = (
    "<p>Vous rejoignez la <strong>commune de Tulle</strong> pour piloter le programme.</p>"
    "<h2>Missions</h2><ul><li>Animer le comité de projet</li><li>Suivre les opérations</li></ul>"
    '<p>En savoir plus : <a href="https://www.tulle.fr" rel="noopener nofollow">site de la ville</a></p>'
)


@pytest.fixture(scope="module")
def offer_pages(browser_server: str, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    with django_db_blocker.unblock():
        common = {"chef_de_projet": True, "employer_kind": EmployerKind.COMMUNE, "description": DESCRIPTION}
        offers = [
            OfferFactory(
                title="Chef de projet Action cœur de ville",
                employer_name="Commune de Tulle",
                commune="19272",
                salary_min=32000,
                salary_max=38000,
                education_level=EducationLevel.BAC5,
                experience=Experience.THREE_FIVE,
                working_time_percent=100,
                duration_months=24,
                start_date=dt.date(2026, 9, 1),
                remote=Remote.PARTIAL,
                apply_url="https://www.tulle.fr/recrutement",
                apply_email="rh@tulle.fr",
                **common,
            ),
            OfferFactory(
                title="Chef de projet PVD à Ussel", employer_name="Commune d’Ussel", commune="19275", **common
            ),
            OfferFactory(title="Chef de projet à Brive", employer_name="Brive", commune="19031", **common),
            OfferFactory(
                title="Chef de projet pourvu",
                employer_name="Commune d’Égletons",
                commune="19073",
                filled=True,
                **common,
            ),
        ]
        try:
            yield {"open": offers[0].get_absolute_url(), "closed": offers[3].get_absolute_url()}
        finally:
            Offer.objects.filter(pk__in=[offer.pk for offer in offers]).delete()


def check_page(browser_page: BrowserPage, path: str, name: str) -> Any:
    response = browser_page.goto(path)
    page = browser_page.page
    browser_page.screenshot(name)

    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").count() == 1
    violations = browser_page.serious_axe_violations()
    assert not violations, f"axe-core, {path}:\n{format_violations(violations)}"
    assert not browser_page.console_errors, "console errors:\n" + "\n".join(browser_page.console_errors)
    assert not browser_page.outside_requests, "requests outside the site:\n" + "\n".join(browser_page.outside_requests)
    return page


def test_open_offer_page(offer_pages: dict[str, str], browser_page: BrowserPage) -> None:
    page = check_page(browser_page, offer_pages["open"], "offer-open")

    assert page.locator("h1").inner_text() == "Chef de projet Action cœur de ville"
    assert page.get_by_role("link", name="Postuler sur le site de l’employeur").get_attribute("href") == (
        "https://www.tulle.fr/recrutement"
    )
    assert page.get_by_label("Adresse de l’offre").input_value().endswith(offer_pages["open"])
    similar = page.locator("#titre-similaires ~ ul h3").all_inner_texts()
    assert similar == ["Chef de projet à Brive", "Chef de projet PVD à Ussel"]
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "JobPosting" and data["title"] == "Chef de projet Action cœur de ville"
    assert page.locator('meta[name="robots"]').count() == 0


def test_closed_offer_page(offer_pages: dict[str, str], browser_page: BrowserPage) -> None:
    page = check_page(browser_page, offer_pages["closed"], "offer-closed")

    assert "Cette offre n’est plus disponible : elle a été pourvue." in page.locator(".fr-alert").inner_text()
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    assert page.locator('script[type="application/ld+json"]').count() == 0
    assert page.locator("#titre-similaires ~ ul h3").count() == 3
