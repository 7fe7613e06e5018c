"""Every acronym of the glossary shown to the public is spelled out the first time on a page: an
`<abbr title="…">` around its first occurrence in the page's text (issue 14, « Plain French »)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from partnership.glossary import TERMS
from territories import programmes
from tests.offers.factories import OfferFactory
from tests.personas import client_as

pytestmark = pytest.mark.django_db

# The acronyms of the programmes and of the territories' data, which the issue names.
ACRONYMS = ("QPV", "FRR", "PVD", "ACV", "EPCI", "COG", "SIREN")
EXPANSIONS = {term.acronym: term.expansion for term in TERMS}


class FirstOccurrences(HTMLParser):
    """For each acronym, whether its first occurrence in the page's text is inside an <abbr title>."""

    SKIPPED = {"script", "style", "title", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.first: dict[str, tuple[bool, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}:
            self.open.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        if any(tag in self.SKIPPED for tag, _ in self.open):
            return
        in_abbr = any(tag == "abbr" and attrs.get("title") for tag, attrs in self.open)
        for acronym in ACRONYMS:
            if acronym not in self.first and re.search(rf"(?<![\w-]){acronym}(?![\w-])", data):
                # Spelled out in the text itself (« Les quartiers prioritaires de la politique de la
                # ville (QPV) ») is spelled out too, in the singular or the plural.
                words = [re.escape(word) + "[sx]?" for word in EXPANSIONS[acronym].split()]
                spelled = rf"{' '.join(words)} \({acronym}\)"
                written_out = re.search(spelled, " ".join(data.split()), re.IGNORECASE) is not None
                self.first[acronym] = (in_abbr or written_out, data.strip()[:80])


def first_occurrences(html: str) -> dict[str, tuple[bool, str]]:
    parser = FirstOccurrences()
    parser.feed(html)
    return parser.first


def public_pages() -> list[str]:
    offer = OfferFactory(title="Chef de projet Petites villes de demain", commune="19272")
    pages = [
        "/",
        "/offres/",
        "/offres/?q=chef+de+projet",
        offer.get_absolute_url(),
        "/territoires/",
        "/territoires/communes/19272/",
        "/territoires/departements/19/",
        "/territoires/regions/75/",
        reverse("data-sources"),
        reverse("api:documentation"),
        "/statistiques/",
        "/inscription/",
    ]
    pages += [reverse("territories:programme", args=[programme.slug]) for programme in programmes.programmes()]
    return pages


def test_the_first_occurrence_of_every_acronym_on_a_public_page_is_spelled_out(client, territories_present):
    missing = []
    for url in public_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        for acronym, (in_abbr, text) in first_occurrences(response.content.decode()).items():
            if not in_abbr:
                missing.append(f"{url}: {acronym} in « {text} »")
    assert not missing, "\n".join(missing)


def test_the_check_sees_an_acronym_left_bare():
    assert first_occurrences("<p>Une commune en QPV</p>") == {"QPV": (False, "Une commune en QPV")}
    assert first_occurrences('<p><abbr title="quartier">QPV</abbr>, un QPV</p>') == {"QPV": (True, "QPV")}


def test_the_collectivites_account_pages_spell_out_siren_and_epci(job_seeker, organisation):
    """The pages where a collectivité creates or joins its organisation: « Numéro SIREN » in a form
    label, « EPCI » among the kinds of organisation, and a search that lists an organisation."""
    client = client_as(job_seeker)
    missing = []
    for url in (
        reverse("accounts:organisation-create"),
        reverse("accounts:organisation-join"),
        reverse("accounts:organisation-join") + "?q=Tulle",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        found = first_occurrences(response.content.decode())
        assert {"SIREN"} <= set(found), url
        missing += [f"{url}: {acronym} in « {text} »" for acronym, (ok, text) in found.items() if not ok]
    assert not missing, "\n".join(missing)
