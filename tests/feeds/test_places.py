"""Place resolution: from INSEE codes, postcodes and names, labels; never a guess."""

import pytest

from feeds.places import CommuneData, CommunePlaces, place_key
from feeds.records import RecordError
from tests.feeds.formats_support import load_places

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    return load_places(django_db_blocker)


def test_load_builds_places_from_the_communes(places):
    annecy = places.resolve(insee="74010")
    assert (annecy.code, annecy.name, annecy.departement_id, annecy.region_id) == ("74010", "Annecy", "74", "84")
    assert annecy.latitude == pytest.approx(45.9, abs=0.1) and annecy.longitude == pytest.approx(6.1, abs=0.1)
    assert isinstance(annecy.programmes, tuple)
    assert len(places.places) > 34_000


@pytest.mark.parametrize(
    ("insee", "code"),
    [
        ("74010", "74010"),
        (" 2a004 ", "2A004"),  # Corsica, lower case
        ("20004", "2A004"),  # Corsica before 1976
        ("75112", "75056"),  # Paris 12e
        ("75101", "75056"),
        ("69383", "69123"),  # Lyon 3e
        ("13216", "13055"),  # Marseille 16e
        ("74011", "74010"),  # merged into Annecy
    ],
)
def test_insee_codes(places, insee, code):
    assert places.resolve(insee=insee).code == code


@pytest.mark.parametrize(
    ("postcode", "name", "code"),
    [
        ("74000", "Annecy", "74010"),
        ("74000", "ANNECY", "74010"),
        ("42000", "St Etienne", "42218"),
        ("42000", "SAINT-ÉTIENNE", "42218"),
        ("75012", "Paris 12e Arrondissement", "75056"),
        ("75012", "PARIS 12", "75056"),
        ("69003", "Lyon 3e", "69123"),
        ("13001", "Marseille 1er", "13055"),
        ("74011", "Annecy Cedex", "74010"),  # a CEDEX postcode: the name in its département
        ("12031", "RODEZ CEDEX 9", "12202"),
        ("20000", "Ajaccio", "2A004"),
        ("97400", "Saint-Denis", "97411"),
    ],
)
def test_postcode_and_name(places, postcode, name, code):
    assert places.resolve(postcode=postcode, name=name).code == code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("74 - Annecy", "74010"),
        ("74 - ANNECY", "74010"),
        ("Annecy (74)", "74010"),
        ("Annecy - 74", "74010"),
        ("Annecy (74000)", "74010"),
        ("74000 Annecy", "74010"),
        ("75 - PARIS 09", "75056"),
        ("75 - Paris 1er Arrondissement", "75056"),
        ("2A - AJACCIO", "2A004"),
        ("974 - Saint-Denis", "97411"),
        ("93 - ST DENIS", "93066"),
        ("Saint-Denis (11)", "11339"),
    ],
)
def test_labels(places, label, code):
    assert places.resolve(label=label).code == code


def test_clues_are_tried_in_order(places):
    # An unknown INSEE code, then the postcode and name, then the label.
    assert places.resolve(insee="99999", postcode="74000", name="Annecy").code == "74010"
    assert places.resolve(insee="99999", label="Annecy (74)").code == "74010"
    assert places.resolve(postcode="74000", name="Anecy", label="74 - Annecy").code == "74010"
    # A known INSEE code wins over the rest.
    assert places.resolve(insee="19272", label="74 - Annecy").code == "19272"


@pytest.mark.parametrize(
    ("clues", "reason"),
    [
        ({}, "Lieu manquant"),
        ({"insee": "99999"}, "Lieu introuvable : code INSEE « 99999 » inconnu"),
        (
            {"label": "74 - Anecy"},
            "Lieu introuvable : « 74 - Anecy » (aucune commune de ce nom en Haute-Savoie)",
        ),
        (
            {"postcode": "74000", "name": "Anecy"},
            "Lieu introuvable : « 74000 Anecy » (aucune commune de ce nom avec le code postal 74000)",
        ),
        ({"postcode": "00000"}, "Lieu introuvable : « 00000 » (aucune commune avec le code postal 00000)"),
        ({"label": "Saint-Denis"}, "Lieu trop vague : « Saint-Denis » sans département ni code postal"),
        ({"label": "Annecy"}, "Lieu trop vague : « Annecy » sans département ni code postal"),
        ({"label": "49 - Maine et Loire"}, "Lieu trop vague : seulement un département (« 49 - Maine et Loire »)"),
        ({"label": "74"}, "Lieu trop vague : seulement un département (« 74 »)"),
        ({"label": "Haute-Savoie"}, "Lieu trop vague : seulement un département (« Haute-Savoie »)"),
        ({"label": "Auvergne-Rhône-Alpes"}, "Lieu trop vague : seulement une région (« Auvergne-Rhône-Alpes »)"),
        ({"label": "France"}, "Lieu trop vague : « France »"),
        ({"label": "Annecy (00)"}, "Lieu introuvable : « Annecy (00) » (département « 00 » inconnu)"),
        (
            {"insee": "99999", "label": "74 - Anecy"},
            "Lieu introuvable : « 74 - Anecy » (aucune commune de ce nom en Haute-Savoie) ; "
            "code INSEE « 99999 » inconnu",
        ),
    ],
)
def test_reasons(places, clues, reason):
    with pytest.raises(RecordError) as raised:
        places.resolve(**clues)
    assert str(raised.value) == reason


def test_departement_code_of_a_name(places):
    assert places.departement_code("Haute-Savoie") == "74"
    assert places.departement_code("corse du sud") == "2A"
    assert places.departement_code("Savoie du Nord") is None


# In memory: what the resolver does with communes of the same name or postcode.

COMMUNES = [
    CommuneData("01001", "Saint-Martin", "01", "84", 46.0, 5.0, ("acv",), ("01100",)),
    CommuneData("01002", "Saint-Martin", "01", "84", 46.1, 5.1, (), ("01100", "01200")),
    CommuneData("02001", "Saint-Martin", "02", "32", 49.0, 3.0, (), ("02100",)),
    CommuneData("02002", "L'Haÿ", "02", "32", 49.1, 3.1, (), ("02100",)),
]


def test_in_memory_ambiguity_is_never_resolved():
    places = CommunePlaces(COMMUNES, departements={"01": "Ain", "02": "Aisne"}, old_codes={"01999": "01002"})
    with pytest.raises(RecordError) as raised:
        places.resolve(label="Saint-Martin (01)")
    assert str(raised.value) == (
        "Lieu ambigu : « Saint-Martin (01) » (2 communes possibles : Saint-Martin (01001), Saint-Martin (01002))"
    )
    with pytest.raises(RecordError, match="^Lieu ambigu : « 01100 Saint-Martin »"):
        places.resolve(postcode="01100", name="Saint-Martin")
    with pytest.raises(RecordError, match="^Lieu ambigu : « 02100 »"):
        places.resolve(postcode="02100")
    assert places.resolve(postcode="01200", name="St-Martin").code == "01002"
    assert places.resolve(label="Saint-Martin (02)").code == "02001"
    assert places.resolve(label="L HAY - 02").code == "02002"
    assert places.resolve(insee="01999").code == "01002"
    place = places.resolve(insee="01001")
    assert (place.name, place.region_id, place.latitude, place.longitude, place.programmes) == (
        "Saint-Martin",
        "84",
        46.0,
        5.0,
        ("acv",),
    )


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("ST ETIENNE CEDEX 1", "saint etienne"),
        ("Paris 12e Arrondissement", "paris"),
        ("PARIS 09", "paris"),
        ("Lyon 3e", "lyon"),
        ("Marseille 1er", "marseille"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Parisot", "parisot"),
    ],
)
def test_place_key(name, key):
    assert place_key(name) == key
