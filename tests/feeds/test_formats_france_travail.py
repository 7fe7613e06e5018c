"""France Travail « Offres d'emploi v2 » JSON: parsing the search response and mapping its offers."""

import dataclasses
import datetime as dt
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds.formats import france_travail
from feeds.records import FeedError, Limits, RecordError
from tests.feeds.formats_support import context, load_places, sample_records

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    return load_places(django_db_blocker)


@pytest.fixture(scope="module")
def records():
    return sample_records("france-travail", "france_travail_search.json")


def parse(document: bytes, limits: Limits | None = None):
    return list(france_travail.parse(io.BytesIO(document), limits or Limits()))


def test_parse_reads_every_result_in_order(records):
    assert list(records) == ["4369834", "4162319", "180HSFM", "179PPHH", "185XKQD", "PARTNER-77", "PARTNER-78"]
    record = records["4369834"]
    assert record.fields["intitule"] == "Technicien Informatique H/F"
    # The raw record is the item as compact JSON; the fingerprint, its text in the document.
    assert json.loads(record.raw_text()) == record.fields
    assert record.fingerprint.startswith('{\n      "id": "4369834"')
    assert json.loads(record.fingerprint) == record.fields


def test_full_offer(records, places):
    offer = france_travail.to_offer(records["4369834"], context(places))
    assert offer.title == "Technicien Informatique H/F"
    assert offer.place.code == "51454" and offer.place.name == "Reims" and offer.place.departement_id == "51"
    assert offer.employer_name == "L'offre RH"
    assert offer.employer_kind == "entreprise"
    assert (offer.contract, offer.duration_months, offer.working_time_percent) == ("cdd", 6, 100)
    # « Mensuel de 1600.00 Euros à 1800.00 Euros sur 12 mois »
    assert (offer.salary_min, offer.salary_max) == (19200, 21600)
    assert offer.salary_text == "Mensuel de 1600.00 Euros à 1800.00 Euros sur 12 mois"
    assert (offer.education_level, offer.experience) == ("bac+2", "debutant")
    assert offer.published_at == dt.datetime(2021, 10, 28, 14, 1, 33, tzinfo=dt.UTC)
    assert offer.expires_at is None
    assert offer.source_url == "https://candidat.francetravail.fr/offres/recherche/detail/4369834"
    assert offer.apply_url == offer.source_url  # no urlPostulation
    assert offer.apply_email == "recrutement@offre-rh.example"
    # Plain text with « & » and « <PC> »: escaped, lines kept, dashes make a list.
    assert offer.description == (
        "<p>Notre client : filiale d'un grand groupe, installation &amp; maintenance des matériels informatiques."
        "<br>Vos missions :</p><ul><li>Installer les postes &lt;PC&gt; et les terminaux</li>"
        "<li>Assurer la maintenance de niveau 1 &amp; 2</li></ul><p>Profil : Bac+2 en informatique, permis B.</p>"
    )
    assert offer.description_text == (
        "Notre client : filiale d'un grand groupe, installation & maintenance des matériels informatiques.\n"
        "Vos missions :\n\n- Installer les postes <PC> et les terminaux\n- Assurer la maintenance de niveau 1 & 2"
        "\n\nProfil : Bac+2 en informatique, permis B."
    )


def test_personal_contact_details_stay_out(records, places):
    offer = france_travail.to_offer(records["4369834"], context(places))
    values = " ".join(str(value) for value in dataclasses.astuple(offer))
    assert "MARTIN" not in values and "03 26" not in values and "Vesle" not in values


def test_short_contract_label_style_and_kind_from_title(records, places):
    offer = france_travail.to_offer(records["179PPHH"], context(places, default_kind="vta"))
    assert offer.kind == "vte"  # « VTE - Gestionnaire de stock »
    assert (offer.contract, offer.duration_months) == ("cdd", 12)  # « CDD - 12 Mois »
    assert (offer.salary_min, offer.salary_max) == (35000, 40000)
    assert (
        offer.salary_text
        == "Annuel de 35000.00 Euros à 40000.00 Euros sur 12 mois – Primes collective et/ou individuelle"
    )
    assert offer.working_time_percent == 80  # « Temps partiel », « 28H Horaires normaux »
    assert offer.experience == "1-2-ans"
    assert offer.place.code == "34240" and offer.place.name == "Saint-Aunès"
    assert offer.apply_url == "https://www.lejobadequat.com/?job=251887&origine=POLEEMPLOI-API"
    assert offer.apply_email == ""  # the « courriel » is a sentence, not an address


def test_interim_hourly_salary_is_text_only(records, places):
    offer = france_travail.to_offer(records["180HSFM"], context(places))
    assert (offer.contract, offer.duration_months) == ("autre", 2)  # « Intérim - 2 Mois »
    assert (offer.salary_min, offer.salary_max) == (None, None)
    assert offer.salary_text == "Horaire de 12.06 Euros sur 12.0 mois"
    assert offer.education_level == ""  # « Bac ou équivalent »: below bac+2
    assert offer.place.code == "34172"


def test_chef_de_projet_with_postcode_and_label_only(records, places):
    offer = france_travail.to_offer(records["185XKQD"], context(places))
    assert offer.kind == "chef-de-projet"
    assert offer.employer_kind == "commune"  # « Commune d'Annecy »
    assert offer.place.code == "74010"  # « 74 - ANNECY », 74000
    assert (offer.contract, offer.duration_months) == ("cdd", 36)  # « CDD - 3 Ans »
    assert (offer.salary_min, offer.salary_max) == (36400, 36400)  # 2800 € × 13 months
    assert offer.education_level == "bac+5"  # the required training, not the first listed
    assert offer.experience == "3-5-ans"
    assert offer.description_text == (
        "La commune d'Annecy recrute son chef de projet « Petites villes de demain ».\n\n"
        "Missions :\n\n- Piloter la convention d'ORT\n- Animer le comité de projet"
    )


def test_partner_board_record(records, places):
    offer = france_travail.to_offer(records["PARTNER-77"], context(places))
    assert offer.employer_name == "Employeur non communiqué"
    assert offer.place.code == "74010"  # « Annecy (74) »
    assert (offer.contract, offer.duration_months) == ("alternance", 24)
    assert (offer.salary_min, offer.salary_max, offer.salary_text) == (None, None, "")
    assert offer.source_url == offer.apply_url == "https://www.hellowork.com/fr-fr/emplois/77.html"


@pytest.mark.parametrize(
    ("identifier", "reason"),
    [
        ("PARTNER-78", "Description manquante"),
        ("4162319", "Lieu trop vague : seulement un département (« 49 - Maine et Loire »)"),
    ],
)
def test_rejected_records(records, places, identifier, reason):
    with pytest.raises(RecordError) as raised:
        france_travail.to_offer(records[identifier], context(places))
    assert str(raised.value) == reason


def test_missing_title_and_missing_id(places):
    record = france_travail.record_from_item({"description": "Texte", "lieuTravail": {"commune": "74010"}})
    assert record.external_id == ""
    with pytest.raises(RecordError, match="^Intitulé manquant$"):
        france_travail.to_offer(record, context(places))


def test_record_from_item_is_what_parse_makes():
    item = {"id": 12, "intitule": "Été", "lieuTravail": {"libelle": "74 - Annecy"}}
    record = france_travail.record_from_item(item)
    assert record.external_id == "12"
    assert record.raw_text() == '{"id":12,"intitule":"Été","lieuTravail":{"libelle":"74 - Annecy"}}'
    assert record.fingerprint == repr(item)  # the live API's pages
    changed = france_travail.record_from_item({**item, "intitule": "Ete"})
    assert changed.fingerprint != record.fingerprint
    # A document: the element's text, so that any change of it, even of spacing, is a change.
    document = '{"total": 1, "resultats": [ {"id": 12, "intitule": "Été"} ,{"id":13}], "filtres": []}'
    assert [r.fingerprint for r in parse(document.encode())] == ['{"id": 12, "intitule": "Été"}', '{"id":13}']


def test_malformed_json_names_the_position():
    with pytest.raises(FeedError) as raised:
        parse(b'{"resultats": [{"id": "1",}]}')
    assert str(raised.value).startswith("JSON mal formé (ligne 1, colonne 27, position 26)")


@pytest.mark.parametrize("document", [b'{"filtresPossibles": []}', b"[]", b'{"resultats": {}}'])
def test_missing_results(document):
    with pytest.raises(FeedError, match="^Réponse France Travail sans liste « resultats »$"):
        parse(document)


def test_too_many_records():
    document = json.dumps({"resultats": [{"id": str(n)} for n in range(3)]}).encode()
    assert len(parse(document, Limits(max_records=3))) == 3
    with pytest.raises(FeedError, match=r"^Trop d'offres : plus de 2 dans le document$"):
        parse(document, Limits(max_records=2))


@pytest.mark.parametrize("block", [3, 4, 5, 1 << 20])
def test_not_utf8_names_the_byte(monkeypatch, block):
    monkeypatch.setattr(france_travail, "CHUNK_CHARS", block)
    document = '{"resultats": [{"intitule": "Été"}]}'.encode("latin-1")
    with pytest.raises(FeedError, match=r"^Document JSON illisible : encodage invalide \(octet 29\)$"):
        parse(document)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_other_unicode_encodings_are_read_as_json_loads_reads_them(monkeypatch, encoding):
    monkeypatch.setattr(france_travail, "CHUNK_CHARS", 5)
    document = '{"resultats": [{"id": "1", "intitule": "Été"}]}'.encode(encoding)
    (record,) = parse(document)
    assert record.fields == json.loads(document)["resultats"][0]


def test_an_element_that_is_not_an_object_is_rejected_alone(places):
    first, second = parse(b'{"resultats": ["texte", {"id": "2"}]}')
    assert second.external_id == "2"
    with pytest.raises(RecordError, match="^Offre illisible$"):
        france_travail.to_offer(first, context(places))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


def reference(text: str):
    """What json.loads makes of the document: its results, or the error and where it is."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return (error.msg, error.pos, error.lineno, error.colno)
    if not isinstance(document, dict) or not isinstance(document.get("resultats"), list):
        return "no results"
    return document["resultats"]


def walked(text: str, block: int, keep: int):
    """What the walker makes of the document given by blocks of `block` characters."""
    blocks = (text[i : i + block] for i in range(0, len(text), block))
    try:
        pairs = list(france_travail.results_of(blocks, keep=keep))
    except france_travail.MalformedJSON as error:
        return (error.msg, error.pos, error.lineno, error.colno)
    except FeedError:
        return "no results"
    for item, item_text in pairs:
        assert json.loads(item_text) == item
    return [item for item, _text in pairs]


@settings(max_examples=300, deadline=None)
@given(
    document=st.dictionaries(st.sampled_from(["resultats", "total", "filtres"]), JSON_VALUES, max_size=3),
    results=st.none() | st.lists(JSON_VALUES, max_size=4),
    indent=st.sampled_from([None, 0, 2]),
    cut=st.integers(min_value=0, max_value=400),
    junk=st.sampled_from(["", ",", "]", "}", " x", '"', "{", "\n1"]),
    block=st.sampled_from([1, 2, 7, 64, 100_000]),
    keep=st.sampled_from([1, 5, 1 << 20]),
)
def test_results_are_read_as_json_loads_reads_them(document, results, indent, cut, junk, block, keep):
    # Same results, or the same error at the same place, whatever the blocks the text comes in.
    if results is not None:
        document = {**document, "resultats": results}
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    assert walked(text, block, keep) == reference(text)
    for damaged in (text[:cut] + junk + text[cut:], text[:cut] + junk):  # a stray character, or cut short
        assert walked(damaged, block, keep) == reference(damaged)
