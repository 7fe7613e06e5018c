"""French formatting of numbers, one way everywhere: digits grouped by three with a narrow no-break space.

« 50 000 offres », « 12,5 % »: the thousands separator is U+202F (espace fine insécable), the decimal
separator a comma. Never format a number by replacing characters in a sentence that holds it.
"""

from __future__ import annotations

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def number(value: int | float, decimals: int = 0) -> str:
    """12345 → « 12 345 »; 1234.5 with decimals=1 → « 1 234,5 »; -3 → « -3 »."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")
