"""Issue 14 (« Phone first »): what Lighthouse measured on the public pages, pinned without a browser.
The style sheets the pages link, the fonts they preload, and links a crawler can follow."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.offers.factories import OfferFactory
from tests.project_scripts import script_module
from tests.styles import unstyled_dsfr_classes

pytestmark = pytest.mark.django_db

# The five pages of the Lighthouse runs (the offer page is created by each test).
PAGES = (
    "/",
    "/offres/?q=chef+de+projet",
    "/territoires/communes/19272/",
    "/territoires/programmes/petites-villes-de-demain/",
)
TEMPLATES = Path(settings.BASE_DIR) / "templates"
JINJA_TEMPLATES = Path(settings.BASE_DIR) / "jinja_templates"  # the search page's own (partnership/jinja_env.py)


class Links(HTMLParser):
    """The <a> and <link> elements of a page, as attribute dictionaries."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.anchors.append(dict(attrs))
        elif tag == "link":
            self.links.append(dict(attrs))


def parsed(client, path: str) -> Links:
    response = client.get(path)
    assert response.status_code == 200
    parser = Links()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def pages(db) -> tuple[str, ...]:
    offer = OfferFactory(title="Chef de projet Petites villes de demain", chef_de_projet=True)
    return (*PAGES, offer.get_absolute_url())


def test_pages_do_not_load_the_dsfr_utility_style_sheet(client, pages):
    """utility.min.css (458 KB, 62 KB compressed) blocked the first paint and 99.9 % of it went
    unused: the few icon and background rules the pages use are at the end of css/site.css, so that
    a page waits for two style sheets, the DSFR's and the site's."""
    for path in pages:
        sheets = [link["href"] for link in parsed(client, path).links if link.get("rel") == "stylesheet"]
        assert not [href for href in sheets if "utility.min" in href], path
        blocking = [href for href in sheets if href != "/static/css/nojs.css"]  # nojs.css: in <noscript>
        assert blocking == ["/static/css/dsfr.css", "/static/css/site.css"], path


def test_every_icon_and_background_class_used_has_its_rule():
    """A `fr-icon-*` or `fr-background-*` class added to a template needs its rule copied
    (scripts/dsfr_css.py), or the icon silently disappears."""
    used = set()
    for template in [*TEMPLATES.rglob("*.html"), *JINJA_TEMPLATES.rglob("*.html")]:
        used |= set(re.findall(r"\bfr-(?:icon|background)-[\w-]*\w", template.read_text()))
    assert used
    defined = set()
    for sheet in ("css/site.css", "css/dsfr.css"):
        css = Path(finders.find(sheet)).read_text()
        defined |= set(re.findall(r"\.(fr-(?:icon|background)-[\w-]*\w)", css))
    assert sorted(used - defined) == []


def test_icon_rules_point_at_the_dsfr_icons():
    css = Path(finders.find("css/site.css")).read_text()
    urls = set(re.findall(r"url\(([^)]+)\)", css))
    assert urls
    for url in urls:
        assert url.startswith("../dsfr/dist/icons/"), url
        assert finders.find(url.removeprefix("../")), url


def test_the_generated_style_sheets_are_up_to_date():
    """css/dsfr.css and the end of css/site.css are what scripts/dsfr_css.py writes today, from the
    installed django-dsfr and the project's classes: run it again after a new component, icon or
    background class, or a new django-dsfr."""
    script = script_module("dsfr_css")
    used = script.used_classes()
    assert Path(finders.find("css/dsfr.css")).read_text() == script.dsfr_css(used)
    site_css = Path(finders.find("css/site.css")).read_text()
    assert site_css.endswith(script.MARKER + script.utility_rules(used))


def test_the_dsfr_style_sheet_holds_the_components_used_and_not_the_others():
    css = Path(finders.find("css/dsfr.css")).read_text()
    for used in (".fr-header{", ".fr-card{", ".fr-btn{", ".fr-select{", ".fr-modal{", ".fr-table{", ".fr-grid-row{"):
        assert used in css, used
    for unused in (".fr-toggle", ".fr-accordion", ".fr-tabs", ".fr-stepper", ".fr-consent-banner"):
        assert unused not in css, unused
    assert ":root[data-fr-theme=dark]" in css  # the dark theme (scheme), data-fr-scheme="system"
    assert "min-width:0\\0" not in css  # Internet Explorer's fallbacks (dsfr.legacy.min.css)
    whole = Path(finders.find("dsfr/dist/dsfr/dsfr.min.css")).stat().st_size
    assert len(css.encode()) < 0.75 * whole


def test_the_dsfr_style_sheet_points_at_the_dsfr_files():
    css = Path(finders.find("css/dsfr.css")).read_text()
    urls = {url for url in re.findall(r"url\(([^)\"']+)\)", css)}
    assert any("fonts/Marianne-Regular.woff2" in url for url in urls)
    for url in urls:
        assert url.startswith("../dsfr/dist/"), url
        assert finders.find(url.removeprefix("../")), url


def test_the_pages_use_no_dsfr_class_their_style_sheets_lack(client, pages):
    for path in pages:
        assert unstyled_dsfr_classes(client.get(path).content.decode()) == set(), path


def test_the_first_screen_fonts_are_preloaded(client, pages):
    """Marianne regular and bold are fetched with the style sheets, not once they are parsed: the
    same addresses as the DSFR's @font-face (else the browser downloads them twice)."""
    dsfr_css = Path(finders.find("css/dsfr.css")).read_text()
    for path in pages:
        preloads = [link for link in parsed(client, path).links if link.get("rel") == "preload"]
        fonts = {link["href"] for link in preloads if link.get("as") == "font"}
        assert fonts == {
            "/static/dsfr/dist/fonts/Marianne-Regular.woff2",
            "/static/dsfr/dist/fonts/Marianne-Bold.woff2",
        }, path
        for link in preloads:
            assert link["type"] == "font/woff2" and "crossorigin" in link, path
        for href in fonts:
            assert finders.find(href.removeprefix("/static/")), href
            assert f"url(..{href.removeprefix('/static')})" in dsfr_css


def test_every_link_is_crawlable(client, pages):
    """Lighthouse's « Links are not crawlable »: an <a> with no href and no role (the breadcrumb's
    and the pagination's current page) cost the commune, programme and offer pages 8 SEO points."""
    for path in pages:
        anchors = parsed(client, path).anchors
        assert [a for a in anchors if not a.get("href") and not a.get("role")] == [], path


def test_the_breadcrumb_current_page_links_to_itself(client):
    path = "/territoires/communes/19272/"
    anchors = [a for a in parsed(client, path).anchors if a.get("class") == "fr-breadcrumb__link"]
    assert [a["href"] for a in anchors] == [
        "/",
        "/territoires/",
        "/territoires/regions/75/",
        "/territoires/departements/19/",
        path,
    ]
    assert anchors[-1]["aria-current"] == "page"
