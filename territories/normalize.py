"""Normalisation of place names for matching: what users type against what INSEE writes."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Abbreviations people type, spelled out the way INSEE names spell them.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae", "’": " ", "'": " "})


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_name(text: str) -> str:
    """`Saint-Étienne` → `saint etienne`; `st  etienne` → `saint etienne`; `L'Haÿ-les-Roses` → `l hay les roses`."""
    words = _NON_ALNUM.sub(" ", strip_accents(text).lower()).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
