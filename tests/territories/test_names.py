"""The name type (INSEE TNCC) of every département and région, and the phrases « de la Corrèze » it makes."""

import pytest

from partnership.formatting import of_place
from territories.enums import NameType
from territories.importer import DataError, departement_row, region_row
from territories.models import Departement, Region


def codes(text):
    """« 01:5 02:5 » → {"01": "5", "02": "5"}."""
    return dict(pair.split(":") for pair in text.split())


# INSEE's TNCC of the 101 départements and 18 régions (COG files v_departement / v_region; the same
# values in 2025 and 2026: territories/data/README.md says where they were checked).
INSEE_DEPARTEMENT_TNCC = codes(
    "01:5 02:5 03:5 04:4 05:4 06:4 07:5 08:4 09:5 10:5 11:5 12:5 13:4 14:2 15:2 16:3 17:3 18:2 19:3 "
    "21:3 22:4 23:3 24:3 25:2 26:3 27:5 28:1 29:2 2A:3 2B:3 30:2 31:3 32:2 33:3 34:5 35:1 36:5 37:1 "
    "38:5 39:2 40:4 41:2 42:3 43:3 44:3 45:2 46:2 47:2 48:3 49:0 50:3 51:3 52:3 53:3 54:0 55:3 56:2 "
    "57:3 58:3 59:2 60:5 61:5 62:2 63:2 64:4 65:4 66:4 67:2 68:2 69:2 70:3 71:0 72:3 73:3 74:3 75:0 "
    "76:3 77:0 78:4 79:4 80:3 81:2 82:2 83:2 84:2 85:3 86:3 87:3 88:4 89:5 90:2 91:5 92:4 93:3 94:2 "
    "95:2 971:3 972:3 973:3 974:0 976:0"
)
INSEE_REGION_TNCC = codes("01:3 02:3 03:3 04:0 06:0 11:1 24:2 27:0 28:0 32:4 44:2 52:4 53:0 75:3 76:1 84:1 93:0 94:0")

DEPARTEMENT_PHRASES = {
    "01": "de l’Ain",
    "02": "de l’Aisne",
    "03": "de l’Allier",
    "13": "des Bouches-du-Rhône",
    "14": "du Calvados",
    "15": "du Cantal",
    "19": "de la Corrèze",
    "22": "des Côtes-d’Armor",
    "91": "de l’Essonne",
    "40": "des Landes",
    "75": "de Paris",
    "92": "des Hauts-de-Seine",
    "95": "du Val-d’Oise",
    "78": "des Yvelines",
    "971": "de la Guadeloupe",
    "974": "de La Réunion",
    "976": "de Mayotte",
    "28": "d’Eure-et-Loir",
    "34": "de l’Hérault",
    "49": "de Maine-et-Loire",
}
REGION_PHRASES = {
    "11": "d’Île-de-France",
    "44": "du Grand Est",
    "32": "des Hauts-de-France",
    "52": "des Pays de la Loire",
    "24": "du Centre-Val de Loire",
    "94": "de Corse",
    "04": "de La Réunion",
    "75": "de la Nouvelle-Aquitaine",
    "76": "d’Occitanie",
}
VOWELS = "AEIOUYÉÈÊÎÔH"  # H: the mute H of Hérault takes « l’ »


@pytest.mark.django_db
def test_every_departement_and_region_has_insee_s_name_type():
    departements = {d.code: d for d in Departement.objects.exclude(zone="com")}
    regions = {r.code: r for r in Region.objects.exclude(zone="com")}
    assert len(departements) == 101 and len(regions) == 18
    assert {code: str(d.tncc) for code, d in departements.items()} == INSEE_DEPARTEMENT_TNCC
    assert {code: str(r.tncc) for code, r in regions.items()} == INSEE_REGION_TNCC


@pytest.mark.django_db
def test_every_row_has_a_valid_name_type_that_fits_its_first_letter():
    rows = [*Departement.objects.all(), *Region.objects.all()]
    assert len(rows) == 109 + 26  # the collectivités d'outre-mer too
    for row in rows:
        assert row.tncc in NameType.values, row
        if row.tncc in (NameType.VOWEL, NameType.L):
            assert row.name[0] in VOWELS, row
        if row.tncc == NameType.CONSONANT:
            assert row.name[0] not in VOWELS.replace("H", ""), row


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "phrase"), DEPARTEMENT_PHRASES.items())
def test_departement_phrases(code, phrase):
    departement = Departement.objects.get(pk=code)
    assert of_place(departement.name, departement.tncc) == phrase


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "phrase"), REGION_PHRASES.items())
def test_region_phrases(code, phrase):
    region = Region.objects.get(pk=code)
    assert of_place(region.name, region.tncc) == phrase


def test_the_importer_refuses_a_missing_or_unknown_name_type():
    record = {"code": "19", "nom": "Corrèze", "region": "75", "zone": "metro", "tncc": "3"}
    assert departement_row(record)[-1] == 3
    assert region_row({"code": "75", "nom": "Nouvelle-Aquitaine", "zone": "metro", "tncc": "3"})[-1] == 3
    for bad in ("", "9", "la"):
        with pytest.raises(DataError, match="TNCC"):
            departement_row(record | {"tncc": bad})
