"""Write static/maps/departements.svg: the outlines of the map of offers (offers/maps.py), which the
pages with a map `<use>` instead of carrying them (issue 14). Run again if the shipped map
(territories/data/maps/) or `offers.maps.whole_units` changes (a test fails until then):

    .venv/bin/python scripts/map_outlines.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    os.environ.setdefault("SECRET_KEY", "map-outlines-script")
    import django

    django.setup()
    from offers import maps

    output = BASE_DIR / "static" / maps.OUTLINES_STATIC
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(maps.outlines_svg(), encoding="utf-8")
    print(f"{output.relative_to(BASE_DIR)}: {len(maps.metropolitan_paths())} outlines, {output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
