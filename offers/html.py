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
# What a tag becomes in the text: its opening and its closing tag.
_TAG_TEXT = {tag: ("\n", "\n") for tag in _BLOCK_TAGS} | {"li": ("\n- ", "")}
# The sanitiser's output is regular: lower-case tag names, attribute values quoted with `>` escaped,
# no comments, text escaped (`&amp;`, `&lt;`, `&gt;`, `&nbsp;`), so a regular expression tokenises it.
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:\s(?:[^>"]|"[^"]*")*)?>')
_BLANK_LINES = re.compile(r"\n{3,}")


def _text(piece: str) -> str:
    # Line breaks in the source are spaces in HTML; lines come from the tags.
    if "&" in piece:
        piece = html.unescape(piece)
    return piece.replace("\r", " ").replace("\n", " ")


def html_to_text(value: str | None) -> str:
    """The text of an HTML fragment: entities decoded, one line per paragraph or list item."""
    if not value:
        return ""
    # Tokenise what the sanitiser leaves (no script or style content, balanced tags).
    return text_of_clean_html(_text_cleaner.clean(value))


def text_of_clean_html(value: str) -> str:
    """The text of markup that `nh3` already sanitised (`clean_html` or the text cleaner), without
    sanitising it again: `html_to_text(value)` when `value` is `clean_html`'s output."""
    pieces = _TAG.split(value)
    # `pieces` alternates text, then a tag's "/" (or "") and name, then text again.
    parts = []
    if pieces[0]:
        parts.append(_text(pieces[0]))
    for index in range(1, len(pieces), 3):
        tag_text = _TAG_TEXT.get(pieces[index + 1])
        if tag_text is not None:
            parts.append(tag_text[1] if pieces[index] else tag_text[0])
        if pieces[index + 2]:
            parts.append(_text(pieces[index + 2]))
    # `str.split()` splits on the characters that `\s` matches (`str.isspace`), the line breaks aside.
    lines = [" ".join(line.split()) for line in "".join(parts).replace("\xa0", " ").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
