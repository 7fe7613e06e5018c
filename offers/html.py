"""Offer descriptions as safe HTML (an allow-list, with nh3) and as plain text.

Every description is stored sanitised (`Offer.description`) with its text beside it
(`Offer.description_text`, for search and summaries): the feed importers, the seeder and the
recruitment forms call `clean_html()` and `html_to_text()` before saving. The offer page
sanitises again when it renders (cheap, and the page is cached), so a row written by any
other path cannot put markup of its own on the page.
"""

from __future__ import annotations

import html
import re

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
# The sanitiser's output is regular: lower-case tag names, attribute values quoted (with `>` escaped),
# no comments, text escaped (`&amp;`, `&lt;`, `&gt;`, `&nbsp;`), so regular expressions tokenise it,
# each a single pass in C: attributes dropped, then list items, block tags and the other tags.
_ATTRIBUTES = re.compile(r'<(/?[a-z][a-z0-9]*)\s(?:[^>"]|"[^"]*")*>')
_BLOCK_NAMES = "|".join(sorted(_BLOCK_TAGS - {"li"}))
_BLOCK = re.compile(rf"</?(?:{_BLOCK_NAMES})>")
_ANY_TAG = re.compile(r"</?[a-z][a-z0-9]*>")


def html_to_text(value: str | None) -> str:
    """The text of an HTML fragment: entities decoded, one line per paragraph or list item."""
    if not value:
        return ""
    return text_of_clean_html(_text_cleaner.clean(value))


def text_of_clean_html(value: str) -> str:
    """The text of markup that `nh3` already sanitised (`clean_html` or the text cleaner), without
    sanitising it again: `html_to_text(value)` when `value` is `clean_html`'s output."""
    # Line breaks in the source are spaces in HTML; lines come from the tags.
    text = value.replace("\r", " ").replace("\n", " ")
    if "=" in text:
        text = _ATTRIBUTES.sub(r"<\1>", text)
    text = _ANY_TAG.sub("", _BLOCK.sub("\n", text.replace("<li>", "\n- ").replace("</li>", "")))
    if "&" in text:
        text = html.unescape(text)
    # `str.split()` splits on the characters that `\s` matches (`str.isspace`), the line breaks aside.
    lines = [" ".join(line.split()) for line in text.replace("\xa0", " ").split("\n")]
    text = "\n".join(lines)
    # At most one blank line in a row (`str.replace` is much faster here than a regular expression).
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()
