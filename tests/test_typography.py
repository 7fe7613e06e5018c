"""French typography on the public pages (issue 14): one apostrophe (’) in text, « » quotes with
no-break spaces. The rendered pages are scanned, text only (not attributes, scripts or styles)."""

import html as html_lib
import re
from html.parser import HTMLParser

import pytest

from tests.offers.factories import OfferFactory

pytestmark = pytest.mark.django_db

PAGES = (
    "/",
    "/offres/",
    "/offres/?q=chef+de+projet+Tulle",
    "/offres/?q=de",
    "/territoires/",
    "/territoires/communes/19272/",
    "/territoires/departements/19/",
    "/territoires/regions/75/",
    "/territoires/programmes/petites-villes-de-demain/",
    "/territoires/programmes/qpv/",
    "/glossaire/",
    "/sources-des-donnees/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
)


class TextOf(HTMLParser):
    """The text nodes of a page, outside <script>, <style> and <code>."""

    SKIPPED = {"script", "style", "code", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.texts.append(data)


def texts(page: str) -> list[str]:
    parser = TextOf()
    parser.feed(page)
    return parser.texts


def straight_marks(page: str) -> list[str]:
    """Texts with a straight apostrophe, a straight double quote, or « » without a no-break space."""
    found = []
    for text in texts(page):
        text = html_lib.unescape(text)
        if "'" in text or '"' in text or re.search(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»", text):
            found.append(text.strip()[:120])
    return found


def test_scanner_finds_straight_marks():
    assert straight_marks("<p>l'offre</p>") == ["l'offre"]
    assert straight_marks("<p>« Tulle »</p>") == ["« Tulle »"]
    assert straight_marks('<p>le "lieu"</p>') == ['le "lieu"']
    assert straight_marks("<p>l’offre «\u00a0Tulle\u00a0»</p><script>var a='x'</script><a title=\"l'a\">a</a>") == []


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_use_french_typography(client, path):
    OfferFactory(title="Chef de projet Petites villes de demain", chef_de_projet=True)
    response = client.get(path)
    assert response.status_code == 200
    assert straight_marks(response.content.decode()) == []


def test_offer_page_uses_french_typography(client):
    offer = OfferFactory(title="Chargé d'études", employer_name="Communauté d'agglomération de Tulle")
    page = client.get(offer.get_absolute_url()).content.decode()
    # Texts from data keep what their author wrote in the description; the page's own words do not.
    found = [text for text in straight_marks(page) if "Chargé d'études" not in text and "d'agglomération" not in text]
    assert found == []
