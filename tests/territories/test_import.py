"""The territories importer: counts against the source files, spot checks, idempotency, pure mappings.

The session fixture (tests/conftest.py) has already imported `territories/data/` once.
"""

from __future__ import annotations

import csv
import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from territories.enums import FrrLevel, ProgrammeCode
from territories.importer import (
    CodeResolver,
    DataError,
    acv_fields,
    commune_fields,
    frr_level,
    import_territories,
    old_code_rows,
    parse_flag,
    programme_rows,
    split_multi,
    territoire_industrie_membership,
)
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

DATA_DIR = Path(settings.TERRITORIES_DATA_DIR)


def rewrite_csv(path: Path, change) -> None:
    """Rewrite `path`, passing each record through `change` (which returns the record, or None to drop it)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fieldnames = reader.fieldnames
        records = [change(record) for record in reader]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(record for record in records if record is not None)


# --- Counts against the source files ------------------------------------------------------------


@pytest.mark.django_db
def test_counts_equal_the_source_files():
    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert Epci.objects.count() == 1255
    assert Commune.objects.count() == 34_969
    assert OldCommuneCode.objects.count() == 4_240
    assert Commune.objects.exclude(pvd_id="").count() == 1_646
    assert Commune.objects.exclude(acv_id="").count() == 245
    assert Commune.objects.filter(acv_entree_de_ville=True).count() == 50
    assert TerritoireIndustrie.objects.count() == 183
    assert Qpv.objects.count() == 1_584
    assert Commune.objects.exclude(frr_level=FrrLevel.NOT_CLASSIFIED).count() == 19_934
    assert Commune.objects.filter(frr_level=FrrLevel.PLUS).count() == 4_456
    assert Commune.objects.filter(massif__isnull=False).count() == 8_594
    assert Massif.objects.count() == 9
    assert Commune.objects.filter(density_level__gte=5).count() == 30_596


@pytest.mark.django_db
def test_programmes_array_matches_the_programme_columns():
    assert Commune.objects.in_programme(ProgrammeCode.PVD).count() == 1_646
    assert Commune.objects.in_programme(ProgrammeCode.ACV).count() == 245
    assert Commune.objects.in_programme(ProgrammeCode.FRR).count() == 19_934
    assert Commune.objects.in_programme(ProgrammeCode.RURAL).count() == 30_596
    assert Commune.objects.in_programme(ProgrammeCode.MONTAGNE).count() == 8_594
    assert Commune.objects.in_programme(ProgrammeCode.QPV).count() == 833
    assert (
        Commune.objects.in_programme(ProgrammeCode.QPV).count()
        == Commune.objects.filter(qpvs__isnull=False).distinct().count()
    )
    assert (
        Commune.objects.in_programme(ProgrammeCode.TI).count()
        == Commune.objects.filter(territoire_industrie__isnull=False).count()
    )


@pytest.mark.django_db
def test_territoires_industrie_are_recomputed_from_current_groupements():
    # 18,600 communes through the EPCI of 2026, plus 39 through the three Grand Paris EPT groupements.
    assert Commune.objects.filter(territoire_industrie__isnull=False).count() == 18_639
    # An EPT groupement: Boucle Nord de Seine is EPT 200057990 (7 communes).
    assert Commune.objects.filter(territoire_industrie="ti-1101").count() == 7
    # A single-commune groupement: Cercy-la-Tour (58046).
    assert Commune.objects.get(code="58046").territoire_industrie_id == "ti-2707"
    # Every territory has communes.
    assert not TerritoireIndustrie.objects.filter(communes__isnull=True).exists()


# --- Spot checks ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_tulle_is_acv():
    tulle = Commune.objects.get(code="19272")
    assert tulle.name == "Tulle"
    assert tulle.acv_id == "acv-206"
    assert tulle.acv_signed_on == datetime.date(2023, 12, 12)
    assert tulle.acv_entree_de_ville is True
    assert tulle.density_level == 4
    assert ProgrammeCode.ACV in tulle.programmes
    assert ProgrammeCode.RURAL not in tulle.programmes


@pytest.mark.django_db
def test_egletons():
    egletons = Commune.objects.get(code="19073")
    assert egletons.name == "Égletons"
    assert egletons.slug == "egletons"
    assert egletons.search_name == "egletons"
    assert egletons.departement_id == "19"
    assert egletons.region_id == "75"
    assert egletons.epci_id == "241900133"
    assert egletons.population == 4341
    assert egletons.postcodes == ["19300"]
    assert egletons.pvd_id == "pvd-75-19-7"
    assert egletons.pvd_signed_on == datetime.date(2021, 4, 26)
    assert egletons.acv_id == ""
    assert egletons.frr_level == FrrLevel.SOCLE
    assert egletons.density_level == 5
    assert egletons.massif.name == "Massif Central"
    assert egletons.territoire_industrie is None
    assert egletons.programmes == ["pvd", "frr", "rural", "montagne"]
    assert egletons.latitude == pytest.approx(45.4245)
    assert egletons.longitude == pytest.approx(2.0338)


@pytest.mark.django_db
def test_ajaccio_keeps_its_corsican_code():
    ajaccio = Commune.objects.get(code="2A004")
    assert ajaccio.name == "Ajaccio"
    assert ajaccio.departement_id == "2A"
    assert ajaccio.region_id == "94"
    assert ajaccio.postcodes == ["20000", "20090", "20167"]
    assert ajaccio.massif_id == "05"
    assert ajaccio.programmes == ["qpv", "ti", "acv", "montagne"]
    assert (ajaccio.latitude, ajaccio.longitude) == (pytest.approx(41.919), pytest.approx(8.739))


@pytest.mark.django_db
def test_old_codes_resolve_to_current_communes():
    assert OldCommuneCode.objects.get(code="01003").commune_id == "01165"
    # Pierrefitte-sur-Seine merged into 93066; its QPV (COG 2024) now belong to 93066.
    assert OldCommuneCode.objects.get(code="93059").commune_id == "93066"
    assert Qpv.objects.get(code="QN09335M").communes.filter(code="93066").exists()
    assert not Commune.objects.filter(code="93059").exists()


@pytest.mark.django_db
def test_a_qpv_spanning_several_communes():
    qpv = Qpv.objects.get(code="QN00612M")
    assert qpv.name == "Ariane - Le Manoir - Gares"
    assert sorted(qpv.communes.values_list("code", flat=True)) == ["06088", "06114", "06149"]
    assert (qpv.latitude, qpv.longitude) == (pytest.approx(43.7383), pytest.approx(7.3033))
    assert all(ProgrammeCode.QPV in commune.programmes for commune in qpv.communes.all())


@pytest.mark.django_db
def test_commune_of_a_com_without_population():
    commune = Commune.objects.get(code="98411")
    assert commune.zone == "com"
    assert commune.population is None
    assert commune.postcodes == []
    assert commune.epci is None
    assert commune.density_level is None
    assert commune.frr_level == FrrLevel.NOT_CLASSIFIED


@pytest.mark.django_db
def test_programme_rows():
    programmes = list(Programme.objects.values_list("code", "slug"))
    assert programmes == [
        ("qpv", "qpv"),
        ("ti", "territoires-industrie"),
        ("pvd", "petites-villes-de-demain"),
        ("acv", "action-coeur-de-ville"),
        ("frr", "france-ruralites-revitalisation"),
        ("rural", "rural"),
        ("montagne", "montagne"),
    ]
    for programme in Programme.objects.all():
        assert "zone de montagne" not in programme.description.lower()
        assert programme.source
    assert "massif" in Programme.objects.get(code="montagne").description
    assert "5 à 7" in Programme.objects.get(code="rural").description


# --- Idempotency and change counting -----------------------------------------------------------


@pytest.mark.django_db
def test_second_import_changes_nothing():
    out = StringIO()
    err = StringIO()
    call_command("import_territories", stdout=out, stderr=err)
    output = out.getvalue()
    assert "14/14 ANALYZE" in output
    assert "Aucun changement : les territoires sont à jour." in output
    assert err.getvalue() == ""  # no warning about the shipped files
    # The summary: table, created, updated, deleted, unchanged.
    summary = {
        line.split()[0]: [int(number) for number in line.split()[1:]]
        for line in output.splitlines()
        if line.startswith("territories_")
    }
    assert summary["territories_commune"] == [0, 0, 0, 34_969]
    assert summary["territories_qpv"] == [0, 0, 0, 1_584]
    assert summary["territories_territoireindustrie"] == [0, 0, 0, 183]
    assert len(summary) == 10
    assert all(numbers[:3] == [0, 0, 0] for numbers in summary.values())


@pytest.mark.django_db
def test_changed_sources_are_counted(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("maps"))

    def tulle_grows(record):
        if record["code_insee"] == "19272":
            record["population"] = "13402"
        return record

    def without_clipperton(record):
        return None if record["code_insee"] == "98901" else record

    def valserhone_by_an_old_code(record):
        if record["code_insee"] == "01033":
            record["code_insee"] = "01091"
        return record

    def unknown_commune(record):
        if record["code_insee"] == "19272":
            record["code_insee"] = "19999"
        return record

    rewrite_csv(data_dir / "cog/communes.csv", lambda record: without_clipperton(tulle_grows(record)))
    rewrite_csv(data_dir / "cog/communes_centres.csv", without_clipperton)
    rewrite_csv(data_dir / "programmes/pvd_communes.csv", valserhone_by_an_old_code)
    rewrite_csv(data_dir / "programmes/acv_communes.csv", unknown_commune)

    report = import_territories(data_dir)

    communes = report.count("territories_commune")
    # Tulle's population changed; Tulle also left ACV (its code is unknown) — one commune updated.
    assert (communes.created, communes.updated, communes.deleted) == (0, 1, 1)
    assert communes.unchanged == 34_968 - 1
    assert Commune.objects.get(code="19272").population == 13402
    assert Commune.objects.get(code="19272").acv_id == ""
    assert ProgrammeCode.ACV not in Commune.objects.get(code="19272").programmes
    assert not Commune.objects.filter(code="98901").exists()
    # The old code resolved to Valserhône: nothing changed there, and the resolution is reported.
    assert Commune.objects.get(code="01033").pvd_id == "pvd-84-01-1"
    assert any("01091" in line and "01033" in line for line in report.resolved)
    # The unknown code is reported, not silently dropped.
    assert any("19999" in warning for warning in report.warnings)
    others = [count for count in report.counts if count.table != "territories_commune"]
    assert not any(count.changed for count in others)


# --- Pure mappings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("Non classée", FrrLevel.NOT_CLASSIFIED),
        ("FRR socle", FrrLevel.SOCLE),
        ("FRR+", FrrLevel.PLUS),
        ("FRR bénéficiaire", FrrLevel.BENEFICIAIRE),
        ("Classée FRR partiellement", FrrLevel.PARTIAL),
        ("FRR bénéficiaire partiellement", FrrLevel.BENEFICIAIRE_PARTIAL),
    ],
)
def test_frr_level(label, level):
    assert frr_level(label) == level


def test_frr_level_refuses_an_unknown_label():
    with pytest.raises(DataError, match="ZRR"):
        frr_level("ZRR")


def test_split_multi_and_flags():
    assert split_multi("01400|01500") == ["01400", "01500"]
    assert split_multi("") == []
    assert parse_flag("1") is True
    assert parse_flag("0") is False
    with pytest.raises(DataError):
        parse_flag("oui")


def test_commune_fields_of_a_com_commune():
    record = {
        "code_insee": "98411",
        "nom": "Îles Saint-Paul et Nouvelle-Amsterdam",
        "zone": "com",
        "departement": "984",
        "region": "984",
        "siren_epci": "",
        "population": "",
        "codes_postaux": "",
    }
    fields = commune_fields(record, {"latitude": "-38.7", "longitude": "77.5"})
    assert fields["code"] == "98411"
    assert fields["slug"] == "iles-saint-paul-et-nouvelle-amsterdam"
    assert fields["search_name"] == "iles saint paul et nouvelle amsterdam"
    assert fields["epci_id"] is None
    assert fields["population"] is None
    assert fields["postcodes"] == []
    assert (fields["latitude"], fields["longitude"]) == (-38.7, 77.5)
    assert fields["frr_level"] == FrrLevel.NOT_CLASSIFIED
    assert fields["pvd_id"] == ""


def test_acv_fields():
    record = {
        "id_acv": "acv-206",
        "lib_convention_acv": "Tulle",
        "date_signature": "2023-12-12",
        "entree_de_ville": "1",
    }
    assert acv_fields(record) == {
        "acv_id": "acv-206",
        "acv_convention": "Tulle",
        "acv_signed_on": datetime.date(2023, 12, 12),
        "acv_entree_de_ville": True,
    }
    assert acv_fields({**record, "date_signature": ""})["acv_signed_on"] is None


def test_code_resolver():
    resolver = CodeResolver(current={"01033", "2A004"}, old={"01091": "01033"})
    assert resolver.resolve("2A004") == "2A004"
    assert resolver.resolve("01091") == "01033"
    assert resolver.resolve("99999") is None


def test_old_code_rows_skip_current_codes_and_report_unknown_targets():
    warnings: list[str] = []
    records = [
        {"ancien_code": "01091", "code_insee_actuel": "01033"},
        {"ancien_code": "01033", "code_insee_actuel": "01033"},  # a current code: skipped
        {"ancien_code": "01092", "code_insee_actuel": "99999"},  # target unknown: reported
    ]
    assert old_code_rows(records, {"01033"}, warnings) == [("01091", "01033")]
    assert len(warnings) == 1
    assert "99999" in warnings[0]


def test_territoire_industrie_membership():
    communes = [
        {"code_insee": "A1", "siren_epci": "E1", "siren_ept": ""},
        {"code_insee": "A2", "siren_epci": "E1", "siren_ept": ""},
        {"code_insee": "P1", "siren_epci": "MGP", "siren_ept": "T1"},
        {"code_insee": "C1", "siren_epci": "E2", "siren_ept": ""},
        {"code_insee": "C2", "siren_epci": "E2", "siren_ept": ""},
    ]
    groupements = [
        {"id_ti": "ti-1", "siren": "E1", "nature": "EPCI", "code_insee_si_commune": "", "lib_groupement": "CC 1"},
        {"id_ti": "ti-2", "siren": "T1", "nature": "EPCI", "code_insee_si_commune": "", "lib_groupement": "EPT 1"},
        {"id_ti": "ti-3", "siren": "S1", "nature": "COM", "code_insee_si_commune": "OLD", "lib_groupement": "C"},
        {"id_ti": "ti-3", "siren": "X", "nature": "EPCI", "code_insee_si_commune": "", "lib_groupement": "Gone"},
    ]
    resolver = CodeResolver(current={"A1", "A2", "P1", "C1", "C2"}, old={"OLD": "C1"})
    warnings: list[str] = []
    membership = territoire_industrie_membership(groupements, communes, resolver, warnings)
    assert membership == {"A1": "ti-1", "A2": "ti-1", "P1": "ti-2", "C1": "ti-3"}
    assert len(warnings) == 1
    assert "Gone" in warnings[0]


def test_programme_rows_cover_every_programme_code():
    rows = programme_rows()
    assert [row[0] for row in rows] == list(ProgrammeCode.values)
    assert [row[-1] for row in rows] == list(range(1, 8))
