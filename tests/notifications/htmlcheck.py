"""Checks of an e-mail's HTML part: what makes it accessible and readable in common clients.

`EmailHtml(html)` parses it and collects: the `lang` of <html>, the <title>, the headings in order, the
links, the elements clients drop or block (img, script, style, link), the layout tables without
role="presentation", and for every piece of text its colour and background as the inline styles of
its ancestors set them (no stylesheet: clients drop <style>).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def parse_style(style: str) -> dict[str, str]:
    declarations = (item.split(":", 1) for item in style.split(";") if ":" in item)
    return {name.strip().lower(): value.strip() for name, value in declarations}


@dataclass
class Text:
    text: str
    colour: str | None
    background: str | None
    tag: str


@dataclass
class EmailHtml(HTMLParser):
    source: str
    lang: str | None = None
    title: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    bare_tables: int = 0
    texts: list[Text] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[tuple[str, str | None, str | None]] = [("#root", None, None)]
        self._heading: tuple[int, list[str]] | None = None
        self._link: tuple[str, list[str]] | None = None
        self._in_title = False
        self.feed(self.source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag in {"img", "script", "style", "link", "iframe", "object", "form"}:
            self.forbidden.append(tag)
        if tag == "table" and attributes.get("role") != "presentation":
            self.bare_tables += 1
        if tag == "title":
            self._in_title = True
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = (int(tag[1]), [])
        if tag == "a":
            self._link = (attributes.get("href", ""), [])
        style = parse_style(attributes.get("style", ""))
        for name in ("color", "background-color"):
            if name in style:
                self.colours.append(style[name])
        _, colour, background = self._stack[-1]
        if tag not in VOID:
            self._stack.append((tag, style.get("color", colour), style.get("background-color", background)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], "".join(self._heading[1]).strip()))
            self._heading = None
        if self._link and tag == "a":
            self.links.append((self._link[0], "".join(self._link[1]).strip()))
            self._link = None
        for index in range(len(self._stack) - 1, 0, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        for collector in (self._heading, self._link):
            if collector:
                collector[1].append(data)
        if data.strip() and any(tag == "body" for tag, _, _ in self._stack):
            tag, colour, background = self._stack[-1]
            self.texts.append(Text(" ".join(data.split()), colour, background, tag))
