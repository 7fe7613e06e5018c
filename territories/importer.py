"""Import of the shipped territories data (`territories/data/`) into PostgreSQL.

The source files are read and joined in Python (pure functions, tested on their own), then each
table is loaded with COPY into a temporary table and upserted with
`INSERT ... ON CONFLICT DO UPDATE ... WHERE (row) IS DISTINCT FROM (excluded row)`, so that the
import counts what it created, updated, deleted and left unchanged, and a second run changes
nothing. Rows absent from the sources are deleted through the ORM (so that `on_delete` rules of
other apps apply). Everything runs in one transaction.

Every file is joined on current (COG 2026) INSEE codes, as strings. A code of an older COG found in
a programme file is resolved through `cog/communes_anciens_codes.csv`; a code that cannot be
resolved is reported in `ImportReport.warnings`, never dropped silently.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils.text import slugify
from psycopg import sql

from partnership.db import allow_long_statements
from partnership.formatting import APOSTROPHE
from territories import programmes
from territories.enums import RURAL_DENSITY_LEVELS, FrrLevel, NameType, ProgrammeCode
from territories.models import (
    Commune,
    Departement,
    Epci,
    Massif,
    OldCommuneCode,
    Programme,
    Qpv,
    Region,
    TerritoireIndustrie,
)
from territories.normalize import search_name
from territories.signals import territories_imported

Record = dict[str, str]
Row = tuple[Any, ...]


class DataError(Exception):
    """A source file that cannot be imported as it is (missing column, unknown label, missing point)."""


# --- Source files -----------------------------------------------------------------------------

FILES = {
    "regions": "cog/regions.csv",
    "departements": "cog/departements.csv",
    "epci": "cog/epci.csv",
    "ept": "cog/ept.csv",
    "communes": "cog/communes.csv",
    "centres": "cog/communes_centres.csv",
    "old_codes": "cog/communes_anciens_codes.csv",
    "ti_territoires": "programmes/ti_territoires.csv",
    "ti_groupements": "programmes/ti_groupements.csv",
    "pvd": "programmes/pvd_communes.csv",
    "acv": "programmes/acv_communes.csv",
    "frr": "programmes/frr_communes.csv",
    "qpv": "programmes/qpv_2024.csv",
    "qpv_communes": "programmes/qpv_2024_communes.csv",
    "density": "territoires/densite_grille_communale.csv",
    "massifs": "territoires/montagne_massifs.csv",
}


def read_csv(path: Path) -> list[Record]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- Pure parsing helpers -----------------------------------------------------------------------


def parse_int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None


def parse_float(value: str) -> float | None:
    value = value.strip()
    return float(value) if value else None


def parse_date(value: str) -> datetime.date | None:
    value = value.strip()
    return datetime.date.fromisoformat(value) if value else None


def parse_flag(value: str) -> bool:
    """`1` → True, `0` or empty → False; anything else is an error."""
    value = value.strip()
    if value not in ("", "0", "1"):
        raise DataError(f"valeur booléenne inattendue : {value!r}")
    return value == "1"


def split_multi(value: str) -> list[str]:
    """`01400|01500` → `["01400", "01500"]`; empty → `[]`."""
    return [part.strip() for part in value.split("|") if part.strip()]


FRR_LEVELS_BY_LABEL: dict[str, str] = {str(level.label): str(level.value) for level in FrrLevel}


def frr_level(label: str) -> str:
    """Map a label of the FRR list of 10 July 2025 (`FRR socle`, `FRR+`, …) to a `FrrLevel` value."""
    try:
        return FRR_LEVELS_BY_LABEL[label.strip()]
    except KeyError:
        raise DataError(f"classement FRR inconnu : {label!r}") from None


def density_level(value: str) -> int:
    level = parse_int(value)
    if level is None or not 1 <= level <= 7:
        raise DataError(f"niveau de la grille de densité invalide : {value!r}")
    return level


# --- Pure record → row mappings --------------------------------------------------------------------

REGION_COLUMNS = ("code", "name", "slug", "zone", "tncc")
DEPARTEMENT_COLUMNS = ("code", "name", "slug", "region_id", "zone", "tncc")
EPCI_COLUMNS = ("siren", "name", "kind", "population")
TI_COLUMNS = ("code", "name")
MASSIF_COLUMNS = ("code", "name")
OLD_CODE_COLUMNS = ("code", "commune_id")
QPV_COLUMNS = ("code", "name", "latitude", "longitude")
PROGRAMME_COLUMNS = ("code", "slug", "name", "short_name", "summary", "description", "source", "position")
COMMUNE_COLUMNS = (
    "code",
    "name",
    "slug",
    "search_name",
    "zone",
    "departement_id",
    "region_id",
    "epci_id",
    "population",
    "postcodes",
    "latitude",
    "longitude",
    "territoire_industrie_id",
    "pvd_id",
    "pvd_signed_on",
    "acv_id",
    "acv_convention",
    "acv_signed_on",
    "acv_entree_de_ville",
    "frr_level",
    "density_level",
    "massif_id",
)


def name_type(value: str) -> int:
    """INSEE's TNCC (0 to 8: how the name takes an article), see `NameType`."""
    if value.strip() not in {str(tncc) for tncc in NameType.values}:
        raise DataError(f"type de nom (TNCC) invalide : {value!r}")
    return int(value)


def display_name(name: str) -> str:
    """A name as the portal writes it: the French apostrophe ’ for INSEE's straight one (« Côte-d’Or »,
    « Provence-Alpes-Côte d’Azur »); matching is unaffected (`search_name` reads both the same way)."""
    return name.replace("'", APOSTROPHE)


def region_row(record: Record) -> Row:
    name = display_name(record["nom"])
    return (record["code"], name, slugify(name), record["zone"], name_type(record["tncc"]))


def departement_row(record: Record) -> Row:
    name = display_name(record["nom"])
    return (
        record["code"],
        name,
        slugify(name),
        record["region"],
        record["zone"],
        name_type(record["tncc"]),
    )


def epci_row(record: Record) -> Row:
    return (record["siren"], display_name(record["nom"]), record["type"], parse_int(record["population_totale"]))


def territoire_industrie_row(record: Record) -> Row:
    return (record["id_ti"], display_name(record["lib_ti"]))


def qpv_row(record: Record) -> Row:
    return (
        record["code_qp"],
        display_name(record["lib_qp"]),
        parse_float(record["lat_approx"]),
        parse_float(record["lon_approx"]),
    )


def commune_fields(record: Record, centre: Record) -> dict[str, Any]:
    """The COG part of a commune (cog/communes.csv + its point), programmes left at their defaults."""
    name = display_name(record["nom"])
    return {
        "code": record["code_insee"],
        "name": name,
        "slug": slugify(name),
        "search_name": search_name(name),
        "zone": record["zone"],
        "departement_id": record["departement"],
        "region_id": record["region"],
        "epci_id": record["siren_epci"] or None,
        "population": parse_int(record["population"]),
        "postcodes": split_multi(record["codes_postaux"]),
        "latitude": float(centre["latitude"]),
        "longitude": float(centre["longitude"]),
        "territoire_industrie_id": None,
        "pvd_id": "",
        "pvd_signed_on": None,
        "acv_id": "",
        "acv_convention": "",
        "acv_signed_on": None,
        "acv_entree_de_ville": False,
        "frr_level": FrrLevel.NOT_CLASSIFIED.value,
        "density_level": None,
        "massif_id": None,
    }


def pvd_fields(record: Record) -> dict[str, Any]:
    return {"pvd_id": record["id_pvd"], "pvd_signed_on": parse_date(record["date_signature"])}


def acv_fields(record: Record) -> dict[str, Any]:
    return {
        "acv_id": record["id_acv"],
        "acv_convention": record["lib_convention_acv"],
        "acv_signed_on": parse_date(record["date_signature"]),
        "acv_entree_de_ville": parse_flag(record["entree_de_ville"]),
    }


def frr_fields(record: Record) -> dict[str, Any]:
    return {"frr_level": frr_level(record["classement_frr_2025_07_10"])}


def density_fields(record: Record) -> dict[str, Any]:
    return {"density_level": density_level(record["niveau_densite_7"])}


def massif_fields(record: Record) -> dict[str, Any]:
    return {"massif_id": record["code_massif"]}


def row_of(fields: dict[str, Any], columns: Sequence[str]) -> Row:
    return tuple(fields[column] for column in columns)


@dataclass
class CodeResolver:
    """Current INSEE codes, and old codes → current code (mergers)."""

    current: set[str]
    old: dict[str, str]

    def resolve(self, code: str) -> str | None:
        code = code.strip()
        if code in self.current:
            return code
        return self.old.get(code)


def old_code_rows(records: Iterable[Record], current: set[str], warnings: list[str]) -> list[Row]:
    """`ancien_code → code_insee_actuel`, skipping old codes that are current codes again."""
    rows: dict[str, Row] = {}
    for record in records:
        old, new = record["ancien_code"], record["code_insee_actuel"]
        if old in current:
            continue
        if new not in current:
            warnings.append(f"anciens codes : {old} → {new}, commune {new} absente du COG 2026, ignoré")
            continue
        if old in rows and rows[old][1] != new:
            warnings.append(f"anciens codes : {old} pointe vers {rows[old][1]} et {new}, {rows[old][1]} gardé")
            continue
        rows[old] = (old, new)
    return list(rows.values())


def territoire_industrie_membership(
    groupements: Iterable[Record],
    communes: Iterable[Record],
    resolver: CodeResolver,
    warnings: list[str],
) -> dict[str, str]:
    """Commune code → TI id, recomputed for current perimeters.

    A groupement of nature EPCI brings every commune whose EPCI (or, in the Grand Paris, EPT) has
    that SIREN in COG 2026; a groupement of nature COM brings one commune.
    """
    by_siren: dict[str, list[str]] = {}
    for commune in communes:
        for siren in (commune["siren_epci"], commune["siren_ept"]):
            if siren:
                by_siren.setdefault(siren, []).append(commune["code_insee"])
    membership: dict[str, str] = {}

    def add(code: str, ti: str) -> None:
        other = membership.setdefault(code, ti)
        if other != ti:
            warnings.append(f"territoires d'industrie : commune {code} dans {other} et {ti}, {other} gardé")

    for groupement in groupements:
        ti = groupement["id_ti"]
        if groupement["nature"] == "COM":
            code = resolver.resolve(groupement["code_insee_si_commune"])
            if code is None:
                warnings.append(
                    f"territoires d'industrie : commune {groupement['code_insee_si_commune']} "
                    f"({groupement['lib_groupement']}, {ti}) inconnue du COG 2026, ignorée"
                )
                continue
            add(code, ti)
        else:
            members = by_siren.get(groupement["siren"])
            if not members:
                warnings.append(
                    f"territoires d'industrie : groupement {groupement['siren']} "
                    f"({groupement['lib_groupement']}, {ti}) sans commune en 2026, ignoré"
                )
                continue
            for code in members:
                add(code, ti)
    return membership


# --- The programmes themselves ------------------------------------------------------------------


def programme_rows() -> list[Row]:
    """The Programme rows, from `data/programmes.toml` (territories.programmes), which must hold every
    `ProgrammeCode` and no other code."""
    texts = programmes.programmes()
    codes = [text.code for text in texts]
    if sorted(codes) != sorted(ProgrammeCode.values):
        raise DataError(f"programmes.toml : codes {codes}, attendus {list(ProgrammeCode.values)}")
    return [
        (text.code, text.slug, text.name, text.short_name, text.summary, text.description, text.source, position)
        for position, text in enumerate(texts, start=1)
    ]


# --- Joining every source in memory -------------------------------------------------------------


@dataclass
class Sources:
    """Every table's rows, ready to be copied, and what the join had to report."""

    regions: list[Row]
    departements: list[Row]
    epci: list[Row]
    territoires_industrie: list[Row]
    massifs: list[Row]
    communes: list[Row]
    old_codes: list[Row]
    qpvs: list[Row]
    qpv_communes: list[Row]
    programmes: list[Row]
    warnings: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)


def build_sources(data_dir: Path) -> Sources:
    """Read every file of `data_dir` and join them on current INSEE codes."""
    data = {name: read_csv(data_dir / path) for name, path in FILES.items()}
    warnings: list[str] = []
    resolved: list[str] = []

    cog = data["communes"]
    current = {record["code_insee"] for record in cog}
    old_rows = old_code_rows(data["old_codes"], current, warnings)
    resolver = CodeResolver(current=current, old={old: new for old, new in old_rows})

    centres = {record["code_insee"]: record for record in data["centres"]}
    communes: dict[str, dict[str, Any]] = {}
    for record in cog:
        centre = centres.get(record["code_insee"])
        if centre is None:
            raise DataError(f"communes_centres.csv : aucun point pour la commune {record['code_insee']}")
        communes[record["code_insee"]] = commune_fields(record, centre)
    for code in centres.keys() - current:
        warnings.append(f"communes_centres.csv : code {code} absent du COG 2026, ignoré")

    def resolve(source: str, code: str, label: str) -> str | None:
        target = resolver.resolve(code)
        if target is None:
            warnings.append(f"{source} : code {code} ({label}) absent du COG 2026 et des anciens codes, ignoré")
        elif target != code:
            resolved.append(f"{source} : ancien code {code} ({label}) → {target}")
        return target

    def apply(source: str, records: Iterable[Record], mapping: Callable[[Record], dict[str, Any]]) -> None:
        seen: dict[str, str] = {}
        for record in records:
            code = resolve(source, record["code_insee"], record["nom"])
            if code is None:
                continue
            if code in seen:
                warnings.append(
                    f"{source} : {record['code_insee']} et {seen[code]} désignent tous deux la commune {code}, "
                    f"{seen[code]} gardé"
                )
                continue
            seen[code] = record["code_insee"]
            communes[code].update(mapping(record))

    apply(FILES["pvd"], data["pvd"], pvd_fields)
    apply(FILES["acv"], data["acv"], acv_fields)
    apply(FILES["frr"], data["frr"], frr_fields)
    apply(FILES["density"], data["density"], density_fields)
    apply(FILES["massifs"], data["massifs"], massif_fields)

    massifs: dict[str, str] = {}
    for record in data["massifs"]:
        name = massifs.setdefault(record["code_massif"], record["massif"])
        if name != record["massif"]:
            raise DataError(f"massif {record['code_massif']} nommé {name!r} et {record['massif']!r}")

    territoires = [territoire_industrie_row(record) for record in data["ti_territoires"]]
    ti_codes = {row[0] for row in territoires}
    membership = territoire_industrie_membership(data["ti_groupements"], cog, resolver, warnings)
    for code, ti in membership.items():
        if ti not in ti_codes:
            raise DataError(f"ti_groupements.csv : territoire {ti} absent de ti_territoires.csv")
        communes[code]["territoire_industrie_id"] = ti
    for ti in sorted(ti_codes - set(membership.values())):
        warnings.append(f"territoires d'industrie : {ti} n'a aucune commune")

    qpvs = [qpv_row(record) for record in data["qpv"]]
    qpv_codes = {row[0] for row in qpvs}
    qpv_pairs: dict[tuple[str, str], None] = {}
    for record in data["qpv_communes"]:
        if record["code_qp"] not in qpv_codes:
            warnings.append(f"{FILES['qpv_communes']} : QPV {record['code_qp']} absent de qpv_2024.csv, ignoré")
            continue
        commune_code = resolver.resolve(record["code_insee_2026"]) or resolve(
            FILES["qpv_communes"], record["code_insee_source"], record["code_qp"]
        )
        if commune_code is not None:
            qpv_pairs[(record["code_qp"], commune_code)] = None
    for qpv_code in sorted(qpv_codes - {qpv for qpv, _ in qpv_pairs}):
        warnings.append(f"QPV {qpv_code} sans commune")

    known_epci = {record["siren"] for record in data["epci"]}
    for fields in communes.values():
        if fields["epci_id"] is not None and fields["epci_id"] not in known_epci:
            raise DataError(f"commune {fields['code']} : EPCI {fields['epci_id']} absent de epci.csv")

    return Sources(
        regions=[region_row(record) for record in data["regions"]],
        departements=[departement_row(record) for record in data["departements"]],
        epci=[epci_row(record) for record in data["epci"]],
        territoires_industrie=territoires,
        massifs=sorted(massifs.items()),
        communes=[row_of(fields, COMMUNE_COLUMNS) for fields in communes.values()],
        old_codes=old_rows,
        qpvs=qpvs,
        qpv_communes=list(qpv_pairs),
        programmes=programme_rows(),
        warnings=warnings,
        resolved=resolved,
    )


# --- Loading into PostgreSQL -------------------------------------------------------------------


@dataclass
class TableCount:
    table: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class ImportReport:
    counts: list[TableCount] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(count.changed for count in self.counts)

    def count(self, table: str) -> TableCount:
        return next(count for count in self.counts if count.table == table)


STEPS = (
    "lecture et jointure des fichiers",
    "régions",
    "départements",
    "EPCI",
    "territoires d'industrie",
    "massifs",
    "programmes",
    "communes",
    "anciens codes",
    "QPV",
    "QPV × communes",
    "suppression des lignes absentes",
    "programmes des communes",
    "ANALYZE",
)

Progress = Callable[[int, str], None]


def _ident_list(columns: Sequence[str], prefix: str | None = None) -> sql.Composed:
    if prefix is None:
        return sql.SQL(", ").join(sql.Identifier(column) for column in columns)
    return sql.SQL(", ").join(sql.Identifier(prefix, column) for column in columns)


class _Loader:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def copy_to_temp(self, table: str, columns: Sequence[str], rows: Iterable[Row]) -> sql.Identifier:
        temp = sql.Identifier(f"import_{table}")
        self.cursor.execute(sql.SQL("DROP TABLE IF EXISTS pg_temp.{}").format(temp))
        self.cursor.execute(
            sql.SQL("CREATE TEMP TABLE {temp} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA").format(
                temp=temp, columns=_ident_list(columns), table=sql.Identifier(table)
            )
        )
        with self.cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(temp, _ident_list(columns))) as copy:
            for row in rows:
                copy.write_row(row)
        return temp

    def upsert(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        insert_only: dict[str, sql.Composable] | None = None,
    ) -> tuple[TableCount, set[str], set[str], set[str]]:
        """Upsert `rows`; return the counts, the keys created, the keys updated, the keys absent from `rows`.

        `insert_only` gives SQL expressions (over the new row, aliased `s`) for columns that are
        set on creation and maintained afterwards by another statement.
        """
        table = model._meta.db_table
        key = columns[0]
        assert model._meta.pk is not None and model._meta.pk.column == key
        temp = self.copy_to_temp(table, columns, rows)
        extra = insert_only or {}
        values = [sql.Identifier("s", column) for column in columns] + list(extra.values())
        non_key = columns[1:]
        self.cursor.execute(
            sql.SQL(
                "INSERT INTO {table} AS t ({insert_columns}) SELECT {values} FROM {temp} AS s "
                "ON CONFLICT ({key}) DO UPDATE SET {assignments} "
                "WHERE ({old}) IS DISTINCT FROM ({new}) "
                "RETURNING t.{key}, (t.xmax = 0)"
            ).format(
                table=sql.Identifier(table),
                insert_columns=_ident_list([*columns, *extra]),
                values=sql.SQL(", ").join(values),
                temp=temp,
                key=sql.Identifier(key),
                assignments=sql.SQL(", ").join(
                    sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(column)) for column in non_key
                ),
                old=_ident_list(non_key, "t"),
                new=_ident_list(non_key, "excluded"),
            )
        )
        created: set[str] = set()
        updated: set[str] = set()
        for code, inserted in self.cursor.fetchall():
            (created if inserted else updated).add(code)
        self.cursor.execute(
            sql.SQL(
                "SELECT t.{key} FROM {table} t WHERE NOT EXISTS (SELECT FROM {temp} s WHERE s.{key} = t.{key})"
            ).format(key=sql.Identifier(key), table=sql.Identifier(table), temp=temp)
        )
        absent = {code for (code,) in self.cursor.fetchall()}
        count = TableCount(
            table=table,
            created=len(created),
            updated=len(updated),
            deleted=len(absent),
            unchanged=len(rows) - len(created) - len(updated),
        )
        return count, created, updated, absent

    def sync_qpv_communes(self, temp: sql.Identifier, pairs: Sequence[Row]) -> TableCount:
        """Make the QPV × commune table equal to `pairs`, already copied to `temp` by `copy_to_temp`."""
        through = Qpv.communes.through._meta.db_table
        self.cursor.execute(
            sql.SQL(
                "INSERT INTO {through} (qpv_id, commune_id) SELECT qpv_id, commune_id FROM {temp} "
                "ON CONFLICT (qpv_id, commune_id) DO NOTHING RETURNING 1"
            ).format(through=sql.Identifier(through), temp=temp)
        )
        created = len(self.cursor.fetchall())
        self.cursor.execute(
            sql.SQL(
                "DELETE FROM {through} t WHERE NOT EXISTS "
                "(SELECT FROM {temp} s WHERE s.qpv_id = t.qpv_id AND s.commune_id = t.commune_id) RETURNING 1"
            ).format(through=sql.Identifier(through), temp=temp)
        )
        deleted = len(self.cursor.fetchall())
        return TableCount(table=through, created=created, deleted=deleted, unchanged=len(pairs) - created, updated=0)

    def recompute_programmes(self) -> set[str]:
        """Recompute `Commune.programmes` in one UPDATE; return the codes whose array changed."""
        commune = sql.Identifier(Commune._meta.db_table)
        self.cursor.execute(
            sql.SQL(
                "UPDATE {commune} AS c SET programmes = computed.programmes "
                "FROM (SELECT s.code, {expression} AS programmes FROM {commune} AS s) AS computed "
                "WHERE c.code = computed.code AND c.programmes IS DISTINCT FROM computed.programmes "
                "RETURNING c.code"
            ).format(
                commune=commune, expression=programmes_expression(sql.Identifier(Qpv.communes.through._meta.db_table))
            )
        )
        return {code for (code,) in self.cursor.fetchall()}


def programmes_expression(qpv_communes: sql.Identifier) -> sql.Composed:
    """The `Commune.programmes` array of the commune row aliased `s`, in `ProgrammeCode` order.

    The QPV membership is read from `qpv_communes` (`qpv_id`, `commune_id`): the M2M table, or
    the temporary copy of its new content when communes are created.
    """
    conditions = (
        (ProgrammeCode.QPV, sql.SQL("EXISTS (SELECT FROM {} AS q WHERE q.commune_id = s.code)").format(qpv_communes)),
        (ProgrammeCode.TI, sql.SQL("s.territoire_industrie_id IS NOT NULL")),
        (ProgrammeCode.PVD, sql.SQL("s.pvd_id <> ''")),
        (ProgrammeCode.ACV, sql.SQL("s.acv_id <> ''")),
        (ProgrammeCode.FRR, sql.SQL("s.frr_level <> {}").format(sql.Literal(str(FrrLevel.NOT_CLASSIFIED)))),
        (
            ProgrammeCode.RURAL,
            sql.SQL("s.density_level IN ({})").format(
                sql.SQL(", ").join(sql.Literal(level) for level in RURAL_DENSITY_LEVELS)
            ),
        ),
        (ProgrammeCode.MONTAGNE, sql.SQL("s.massif_id IS NOT NULL")),
    )
    cases = sql.SQL(", ").join(
        sql.SQL("CASE WHEN {} THEN {} END").format(condition, sql.Literal(str(code))) for code, condition in conditions
    )
    return sql.SQL("array_remove(ARRAY[{}]::varchar(10)[], NULL)").format(cases)


def _delete(model: type[models.Model], keys: set[str]) -> None:
    """Delete through the ORM, so that other apps' `on_delete` rules (CASCADE, SET_NULL, PROTECT) apply."""
    if keys:
        model._default_manager.filter(pk__in=keys).delete()


def import_territories(data_dir: Path, *, progress: Progress | None = None) -> ImportReport:
    """Import every territories file of `data_dir`, in one transaction; return what changed."""

    def done(step: int) -> None:
        if progress is not None:
            progress(step, STEPS[step])

    sources = build_sources(data_dir)
    done(0)
    report = ImportReport(warnings=sources.warnings, resolved=sources.resolved)
    absent: dict[type[models.Model], set[str]] = {}

    with transaction.atomic(), connection.cursor() as django_cursor:
        allow_long_statements(django_cursor)
        loader = _Loader(django_cursor.cursor)

        def upsert(
            model: type[models.Model],
            columns: Sequence[str],
            rows: Sequence[Row],
            insert_only: dict[str, sql.Composable] | None = None,
        ) -> tuple[TableCount, set[str], set[str]]:
            count, created, updated, missing = loader.upsert(model, columns, rows, insert_only=insert_only)
            report.counts.append(count)
            absent[model] = missing
            return count, created, updated

        upsert(Region, REGION_COLUMNS, sources.regions)
        done(1)
        upsert(Departement, DEPARTEMENT_COLUMNS, sources.departements)
        done(2)
        upsert(Epci, EPCI_COLUMNS, sources.epci)
        done(3)
        upsert(TerritoireIndustrie, TI_COLUMNS, sources.territoires_industrie)
        done(4)
        upsert(Massif, MASSIF_COLUMNS, sources.massifs)
        done(5)
        upsert(Programme, PROGRAMME_COLUMNS, sources.programmes)
        done(6)
        # New communes get their programmes at once, from the new QPV membership; the UPDATE below
        # keeps the others in step.
        through = Qpv.communes.through._meta.db_table
        qpv_pairs = loader.copy_to_temp(through, ("qpv_id", "commune_id"), sources.qpv_communes)
        commune_count, created_communes, updated_communes = upsert(
            Commune,
            COMMUNE_COLUMNS,
            sources.communes,
            insert_only={"programmes": programmes_expression(qpv_pairs)},
        )
        done(7)
        upsert(OldCommuneCode, OLD_CODE_COLUMNS, sources.old_codes)
        done(8)
        upsert(Qpv, QPV_COLUMNS, sources.qpvs)
        done(9)
        report.counts.append(loader.sync_qpv_communes(qpv_pairs, sources.qpv_communes))
        done(10)
        # Children first: a row may only go once nothing of ours points to it any more.
        for model in (OldCommuneCode, Qpv, Commune, Programme, Massif, TerritoireIndustrie, Epci, Departement, Region):
            _delete(model, absent[model])
        done(11)
        # A commune whose programmes changed counts as updated, once, unless it was just created.
        updated_communes |= loader.recompute_programmes() - created_communes
        commune_count.updated = len(updated_communes)
        commune_count.unchanged = len(sources.communes) - len(created_communes) - len(updated_communes)
        territories_imported.send(sender=Commune, report=report)
        done(12)
        for model in (Region, Departement, Epci, TerritoireIndustrie, Massif, Programme, Commune, OldCommuneCode, Qpv):
            loader.cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(model._meta.db_table)))
        loader.cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(Qpv.communes.through._meta.db_table)))
        done(13)
    return report
