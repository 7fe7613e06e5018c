"""INSEE codes and place labels, read and written in one place.

- A commune code is five characters: digits, or `2A`/`2B` and three digits (Corsica). A postcode is five
  digits, so a five-digit text may be either: callers look it up as both.
- A département code is two characters (`01`–`95`, `2A`, `2B`) or three for the outre-mer (`971`–`989`);
  a région code two digits, or three for the collectivités d'outre-mer, which the COG lists as régions.
- Digits are ASCII digits: a hostile « ١٩٢٧٢ » is no code. The `*_PATTERN` strings (upper case, as the
  portal writes codes) are also the URL converters' (`territories/converters.py`).
- The portal writes a commune as « Tulle (19) » (`commune_label`) and reads that back
  (`split_commune_label`); feeds send looser labels (« 74 - Annecy », « Annecy 74000 »…) that
  `split_place_label` reads.
"""

from __future__ import annotations

import re

COMMUNE_CODE_PATTERN = "[0-9]{5}|2[AB][0-9]{3}"
DEPARTEMENT_CODE_PATTERN = "2[AB]|9[78][0-9]|[0-9]{2}"
REGION_CODE_PATTERN = "9[78][0-9]|[0-9]{2}"
_DEP = DEPARTEMENT_CODE_PATTERN
_COMMUNE_CODE = re.compile(rf"^(?:{COMMUNE_CODE_PATTERN})$", re.IGNORECASE)
_DEPARTEMENT_CODE = re.compile(rf"^(?:{_DEP})$", re.IGNORECASE)
_POSTCODE = re.compile(r"^[0-9]{5}$")
_COMMUNE_LABEL = re.compile(rf"^(?P<name>.+?)\s*\(\s*(?P<code>{_DEP})\s*\)$", re.IGNORECASE)
_DASH = r"\s*[-–—:]\s*"
# (pattern, which group is the code: 1 or 2), tried in this order.
_PLACE_LABELS = (
    # « 74 - Annecy », « 2A - AJACCIO », « 974 - Saint-Denis »
    (re.compile(rf"^\s*({_DEP}){_DASH}(.+?)\s*$", re.IGNORECASE), 1),
    # « Annecy (74) », « Annecy (74000) »
    (re.compile(rf"^\s*(.+?)\s*\(\s*({_DEP}|[0-9]{{5}})\s*\)\s*$", re.IGNORECASE), 2),
    # « Annecy - 74 », « Annecy - 74000 »
    (re.compile(rf"^\s*(.+?)\s+[-–—]\s+({_DEP}|[0-9]{{5}})\s*$", re.IGNORECASE), 2),
    # « 74000 Annecy », « Annecy 74000 »
    (re.compile(r"^\s*([0-9]{5})\s+(.+?)\s*$"), 1),
    (re.compile(r"^\s*(.+?)\s+([0-9]{5})\s*$"), 2),
)


def is_commune_code(text: str) -> bool:
    """Whether `text` has the shape of a commune's INSEE code or of a postcode (« 19272 », « 2A004 »)."""
    return bool(_COMMUNE_CODE.match(text.strip()))


def is_departement_code(text: str) -> bool:
    """Whether `text` has the shape of a département code (« 19 », « 2a », « 974 »)."""
    return bool(_DEPARTEMENT_CODE.match(text.strip()))


def is_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(text.strip()))


def commune_label(name: str, departement: str) -> str:
    """« Tulle (19) »: how the portal names a commune where homonyms could be confused."""
    return f"{name} ({departement})"


def split_commune_label(text: str) -> tuple[str, str] | None:
    """« Tulle (19) » → (« Tulle », « 19 »); « Ajaccio (2a) » → (« Ajaccio », « 2A »); else None."""
    match = _COMMUNE_LABEL.match(text.strip())
    return (match["name"], match["code"].upper()) if match else None


def split_place_label(label: str) -> tuple[str | None, str]:
    """A feed's place label → (département code or postcode, or None; the name, perhaps empty).

    « 74 » → (« 74 », « »); « 74 - Annecy », « Annecy (74) », « Annecy - 74 » → (« 74 », « Annecy »);
    « 74000 Annecy », « Annecy (74000) » → (« 74000 », « Annecy »); « Annecy » → (None, « Annecy »).
    """
    if is_departement_code(label):
        return label.strip().upper(), ""
    for pattern, code_group in _PLACE_LABELS:
        if match := pattern.match(label):
            code, name = match[code_group].strip(), match[3 - code_group].strip()
            return code.upper(), name
    return None, label
