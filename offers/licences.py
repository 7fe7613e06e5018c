"""Under which terms an offer may be reused (the API, the CSV export, the sources page)."""

from __future__ import annotations

from offers.models import LOCAL_SOURCE

OUR_LICENCE = "Licence Ouverte 2.0 (Etalab)"


def licence_of(source: str) -> str:
    """Our offers are under the Licence Ouverte; a feed's offers under their source's terms."""
    return OUR_LICENCE if source == LOCAL_SOURCE else f"Conditions de la source « {source} »"
