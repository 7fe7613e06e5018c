"""Text from outside (feeds, forms, query strings) made safe to store and show.

- C0 control characters but tab and newline, and DEL: PostgreSQL refuses NUL in text, and the
  others have no place in an offer.
- The noncharacters U+FFFE and U+FFFF, which HTML parsing refuses.
- Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): they make
  « gnp.exe » preceded by U+202E read as « exe.png ». Ordinary right-to-left text needs none of them.
"""

from __future__ import annotations

import re

UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


_C0_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
# Below this length the expression is the cheaper (the other way has a fixed cost of a dozen calls).
_SHORT = 256
_WIDE_UNSAFE = tuple("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffe\uffff")


def has_unsafe_characters(text: str) -> bool:
    """Whether `text` holds a character `UNSAFE_CHARACTERS` matches.

    Checked on every text of every offer a feed maps (descriptions of about 1 KB): the regular
    expression costs about 80,000 instructions a kilobyte and a half of French text, this about 50,000
    (callgrind): control characters are single bytes in UTF-8, deleted by `bytes.translate` in C,
    and the few wide characters are found by substring search (at once absent from a Latin-1 string).
    Short texts go to the expression."""
    if len(text) < _SHORT:
        return UNSAFE_CHARACTERS.search(text) is not None
    data = text.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _C0_BYTES)) != len(data) or any(char in text for char in _WIDE_UNSAFE)


def strip_unsafe_characters(text: str) -> str:
    """`text` without control and bidirectional-override characters (tab and newline kept)."""
    return UNSAFE_CHARACTERS.sub("", text)


def visible_controls(text: str) -> str:
    """`text` with each unsafe character shown as its code (« \\x00 », « \\u202e »): for staff reading
    a record as received."""
    return UNSAFE_CHARACTERS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def query_text(value: str, max_length: int) -> str:
    """A free-text GET parameter as views use it: unsafe characters out, stripped, at most `max_length`."""
    return strip_unsafe_characters(value)[: max_length * 2].strip()[:max_length].strip()
