"""Where an offer is: the commune of a record's place clues, resolved from memory.

`CommunePlaces.load()` reads the communes, their old codes and the département and region names in
four queries (≈ 35,000 rows, a fraction of a second); `resolve()` is then a few dict look-ups. A
place that is not exactly one commune raises `RecordError` with what was received: never a guess.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from feeds.records import Place, RecordError
from territories.codes import is_postcode, split_place_label
from territories.normalize import search_name


class CommuneData(NamedTuple):
    code: str
    name: str
    departement_id: str
    region_id: str
    latitude: float
    longitude: float
    programmes: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    search_name: str = ""


# Municipal arrondissements (INSEE codes of their own) and the commune they belong to.
ARRONDISSEMENTS = {
    **{f"751{n:02d}": "75056" for n in range(1, 21)},
    **{f"6938{n}": "69123" for n in range(1, 10)},
    **{f"132{n:02d}": "13055" for n in range(1, 17)},
}
_ARRONDISSEMENT_NAME = re.compile(r"^(paris|lyon|marseille) 0?(\d{1,2}) ?(?:e|er|eme|ieme)?(?: arrondissement)?$")
_CEDEX = re.compile(r" cedex(?: \d+)?\b")
_VAGUE_NAMES = frozenset({"france", "france entiere", "france metropolitaine", "teletravail", "national"})


@functools.lru_cache(maxsize=100_000)
def place_key(name: str) -> str:
    """A commune name as the index holds it: `search_name`, without « CEDEX » or an arrondissement
    (« Paris 12e Arrondissement », « PARIS 12 », « Lyon 3e » → paris, lyon)."""
    key = search_name(name)
    if "cedex" in key:
        key = _CEDEX.sub("", key).strip()
    if match := _ARRONDISSEMENT_NAME.match(key):
        key = match[1]
    return key


def departements_of_postcode(postcode: str) -> tuple[str, ...]:
    if postcode.startswith("20"):
        return ("2A", "2B")
    if postcode.startswith(("97", "98")):
        return (postcode[:3],)
    return (postcode[:2],)


class CommunePlaces:
    """A `PlaceResolver` over every commune, held in memory."""

    def __init__(
        self,
        communes: Iterable[CommuneData],
        *,
        old_codes: Mapping[str, str] | None = None,
        departements: Mapping[str, str] | None = None,
        regions: Iterable[str] = (),
    ) -> None:
        self.places: dict[str, Place] = {}
        self.old_codes = dict(old_codes or {})
        self.departements = dict(departements or {})
        self._departement_keys = {search_name(name): code for code, name in self.departements.items()}
        self._region_keys = frozenset(search_name(name) for name in regions)
        self._by_postcode: dict[str, list[str]] = {}
        self._by_departement_name: dict[tuple[str, str], list[str]] = {}
        self._names: dict[str, str] = {}  # code -> search name
        for commune in communes:
            place = Place(
                code=commune.code,
                name=commune.name,
                departement_id=commune.departement_id,
                region_id=commune.region_id,
                latitude=commune.latitude,
                longitude=commune.longitude,
                programmes=tuple(commune.programmes),
            )
            self.places[commune.code] = place
            key = commune.search_name or search_name(commune.name)
            self._names[commune.code] = key
            self._by_departement_name.setdefault((commune.departement_id, key), []).append(commune.code)
            for postcode in commune.postcodes:
                self._by_postcode.setdefault(postcode, []).append(commune.code)

    @classmethod
    def load(cls) -> CommunePlaces:
        from territories.models import Commune, Departement, OldCommuneCode, Region

        communes = (
            CommuneData(
                code=code,
                name=name,
                departement_id=departement_id,
                region_id=region_id,
                latitude=latitude,
                longitude=longitude,
                programmes=tuple(programmes),
                postcodes=tuple(postcodes),
                search_name=key,
            )
            for code, name, departement_id, region_id, latitude, longitude, programmes, postcodes, key in (
                Commune.objects.order_by().values_list(
                    "code",
                    "name",
                    "departement_id",
                    "region_id",
                    "latitude",
                    "longitude",
                    "programmes",
                    "postcodes",
                    "search_name",
                )
            )
        )
        return cls(
            communes,
            old_codes=dict(OldCommuneCode.objects.order_by().values_list("code", "commune_id")),
            departements=dict(Departement.objects.order_by().values_list("code", "name")),
            regions=Region.objects.order_by().values_list("name", flat=True),
        )

    # ----------------------------------------------------------------------------------------------

    def resolve(
        self,
        *,
        insee: str | None = None,
        postcode: str | None = None,
        name: str | None = None,
        label: str | None = None,
    ) -> Place:
        insee = (insee or "").strip().upper()
        postcode = (postcode or "").strip()
        name = (name or "").strip()
        label = (label or "").strip()
        if insee and (place := self.by_code(insee)):
            return place
        if not (postcode or name or label):
            if insee:
                raise RecordError(f"Lieu introuvable : code INSEE « {insee} » inconnu")
            raise RecordError("Lieu manquant")
        error: RecordError | None = None
        if name:
            try:
                return self._find(
                    " ".join(filter(None, (postcode, name))), postcode=postcode, departement=None, name=name
                )
            except RecordError as name_error:
                error = name_error
        if label:
            departement, label_name = split_place_label(label)
            if departement and is_postcode(departement):
                label_postcode, departement = departement, None
            else:
                label_postcode = postcode
            try:
                return self._find(label, postcode=label_postcode, departement=departement, name=label_name)
            except RecordError as label_error:
                error = error or label_error
        elif postcode and not name:
            return self._find(postcode, postcode=postcode, departement=None, name="")
        assert error is not None
        if insee:
            raise RecordError(f"{error} ; code INSEE « {insee} » inconnu")
        raise error

    def departement_code(self, name: str) -> str | None:
        """The code of the département so named (« Haute-Savoie », « haute savoie »), if any."""
        return self._departement_keys.get(place_key(name))

    def by_code(self, code: str) -> Place | None:
        """The commune of an INSEE code: current, a municipal arrondissement or an old code."""
        place = self.places.get(code)
        if place is None:
            current = ARRONDISSEMENTS.get(code) or self.old_codes.get(code)
            if current is None and code.startswith("20") and len(code) == 5:
                # Corsica before 1976: 20xxx is 2Axxx or 2Bxxx, whichever exists.
                found = [f"{half}{code[2:]}" for half in ("2A", "2B") if f"{half}{code[2:]}" in self.places]
                current = found[0] if len(found) == 1 else None
            place = self.places.get(current) if current else None
        return place

    def _departement_name(self, code: str) -> str:
        return self.departements.get(code, f"département {code}")

    def _find(self, shown: str, *, postcode: str, departement: str | None, name: str) -> Place:
        key = place_key(name) if name else ""
        if departement and self.departements and departement not in self.departements:
            raise RecordError(f"Lieu introuvable : « {shown} » (département « {departement} » inconnu)")
        if not key:
            if postcode:
                codes = self._by_postcode.get(postcode, [])
                return self._one(shown, codes, f"aucune commune avec le code postal {postcode}")
            raise RecordError(f"Lieu trop vague : seulement un département (« {shown} »)")
        if postcode:
            codes = [code for code in self._by_postcode.get(postcode, ()) if self._names[code] == key]
            if not codes:
                # A CEDEX or a postcode that the commune list does not hold: the name in its département.
                for candidate in {*departements_of_postcode(postcode), *filter(None, [departement])}:
                    codes += self._by_departement_name.get((candidate, key), [])
            return self._one(shown, codes, f"aucune commune de ce nom avec le code postal {postcode}")
        if departement:
            codes = self._by_departement_name.get((departement, key), [])
            if not codes and self._departement_keys.get(key) == departement:
                raise RecordError(f"Lieu trop vague : seulement un département (« {shown} »)")
            return self._one(shown, codes, f"aucune commune de ce nom en {self._departement_name(departement)}")
        if key in self._departement_keys:
            raise RecordError(f"Lieu trop vague : seulement un département (« {shown} »)")
        if key in self._region_keys:
            raise RecordError(f"Lieu trop vague : seulement une région (« {shown} »)")
        if key in _VAGUE_NAMES:
            raise RecordError(f"Lieu trop vague : « {shown} »")
        raise RecordError(f"Lieu trop vague : « {shown} » sans département ni code postal")

    def _one(self, shown: str, codes: list[str], missing: str) -> Place:
        if len(codes) == 1:
            return self.places[codes[0]]
        if not codes:
            raise RecordError(f"Lieu introuvable : « {shown} » ({missing})")
        listed = ", ".join(f"{self.places[code].name} ({code})" for code in sorted(codes))
        raise RecordError(f"Lieu ambigu : « {shown} » ({len(codes)} communes possibles : {listed})")
