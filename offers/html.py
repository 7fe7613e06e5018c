"""Offer descriptions as safe HTML (an allow-list, with nh3) and as plain text.

Every description is stored sanitised (`Offer.description`) with its text beside it
(`Offer.description_text`, for search and summaries): the feed importers, the seeder and the
recruitment forms call `clean_html()` and `html_to_text()` before saving. The offer page
sanitises again when it renders (cheap, and the page is cached), so a row written by any
other path cannot put markup of its own on the page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "h2", "h3", "h4", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": {"href"}}
# Links lead out of the site: absolute http(s) and mailto only, never javascript: or data:,
# and no relative URL (it would point into our own site, not the source's).
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "svg", "math"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
    url_relative="deny",
)
# Text extraction keeps the block tags that the allow-list drops, so their text stays apart.
_TEXT_BLOCK_TAGS = frozenset(
    {"div", "section", "article", "header", "footer", "h1", "h5", "h6", "table", "tr", "td", "th", "dl", "dt", "dd"}
)
_text_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS | _TEXT_BLOCK_TAGS),
    clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "svg", "math"},
    attributes={},
    strip_comments=True,
)


def clean_html(value: str | None) -> str:
    """`value` with only the allowed tags and attributes; text outside them is kept, escaped."""
    if not value:
        return ""
    return _cleaner.clean(value).strip()


# Tags after which the text goes on a new line, and those that start a list item.
_BLOCK_TAGS = frozenset({"p", "br", "ul", "ol", "li", "h2", "h3", "h4", "blockquote"}) | _TEXT_BLOCK_TAGS


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS and tag != "li":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        # Line breaks in the source are spaces in HTML; lines come from the tags.
        self.parts.append(data.replace("\r", " ").replace("\n", " "))


_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def html_to_text(value: str | None) -> str:
    """The text of an HTML fragment: entities decoded, one line per paragraph or list item."""
    if not value:
        return ""
    extractor = _TextExtractor()
    # Parse what the sanitiser leaves (no script or style content, balanced tags).
    extractor.feed(_text_cleaner.clean(value))
    extractor.close()
    text = "".join(extractor.parts).replace("\xa0", " ")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
