"""The common XML job feed (`<source><job>`): parsing and mapping."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from feeds.formats import xml_jobs
from feeds.records import FeedError, Limits, RecordError
from tests.feeds.formats_support import context, load_places, sample_records

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    return load_places(django_db_blocker)


@pytest.fixture(scope="module")
def records():
    return sample_records("xml-jobs", "xml_jobs.xml")


def parse(document: bytes, limits: Limits | None = None):
    return list(xml_jobs.parse(io.BytesIO(document), limits or Limits()))


def test_parse(records):
    assert list(records) == ["JOB-1001", "JOB-1002", "JOB-1003", "JOB-1004"]
    assert records["JOB-1001"].fields["company"] == "Forges & Ateliers du Centre"
    assert "publisher" not in records["JOB-1001"].fields


def test_cdata_html_with_entities(records, places):
    offer = xml_jobs.to_offer(records["JOB-1001"], context(places, default_kind="vta"))
    assert offer.kind == "vte"  # « (VTE) » in the title
    assert offer.title == "Chargé de mission industrie (VTE) H/F"
    assert offer.place.code == "19272"  # Tulle, 19000
    assert offer.published_at == dt.datetime(2024, 3, 5, 10, tzinfo=dt.UTC)  # RFC 2822
    assert offer.expires_at == dt.datetime(2024, 5, 1, tzinfo=PARIS)
    assert (offer.contract, offer.duration_months, offer.working_time_percent) == ("cdd", 18, 100)
    assert (offer.salary_min, offer.salary_max) == (32000, 36000)  # « 32 000 € - 36 000 € par an »
    assert (offer.education_level, offer.experience) == ("bac+5", "debutant")
    assert offer.apply_url == offer.source_url == "https://emplois.example.fr/offres/1001?utm_source=indeed&ref=flux"
    assert offer.description == (
        "<p>Vous accompagnez la modernisation d’un site industriel&nbsp;: <strong>R&amp;D</strong> &amp; production."
        "</p><ul><li>Pilotage de projets</li><li>Relations avec les partenaires – publics &amp; privés</li></ul>"
    )
    assert offer.description_text == (
        "Vous accompagnez la modernisation d’un site industriel : R&D & production.\n\n"
        "- Pilotage de projets\n- Relations avec les partenaires – publics & privés"
    )


def test_escaped_html_cedex_and_chef_de_projet(records, places):
    offer = xml_jobs.to_offer(records["JOB-1002"], context(places))
    assert offer.kind == "chef-de-projet"
    assert offer.title == "Chef de projet Action cœur de ville"  # numeric entity &#339;
    assert offer.employer_kind == "commune"
    assert offer.place.code == "12202"  # « RODEZ CEDEX 9 », 12031
    assert offer.published_at == dt.datetime(2024, 3, 4, 8, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert (offer.contract, offer.duration_months) == ("contrat-de-projet", 36)
    assert (offer.salary_min, offer.salary_max) == (30000, None)  # « à partir de 2 500 € brut mensuel »
    assert offer.description == (
        "<p>Le poste</p><p>Pilotage du programme Action cœur de ville.</p><p>Contrat de projet de 3 ans.</p>"
    )
    assert offer.experience == "3-5-ans"


def test_city_and_departement_name(records, places):
    offer = xml_jobs.to_offer(records["JOB-1003"], context(places))
    assert offer.place.code == "19194" and offer.place.name == "Saint-Clément"  # « Saint Clément », Corrèze
    assert offer.employer_kind == "epci"
    assert (offer.contract, offer.working_time_percent) == ("autre", None)


def test_abroad_is_rejected(records, places):
    with pytest.raises(RecordError, match="^Lieu hors de France : « Suisse »$"):
        xml_jobs.to_offer(records["JOB-1004"], context(places))


def job(**fields: str) -> str:
    values = {"referencenumber": "J1", "title": "Titre", "company": "Exemple", "description": "Texte", **fields}
    return "<job>" + "".join(f"<{tag}>{value}</{tag}>" for tag, value in values.items()) + "</job>"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"company": ""}, "Employeur manquant"),
        ({"city": "Saint-Denis"}, "Lieu trop vague : « Saint-Denis » sans département ni code postal"),
        (
            {"city": "Anecy", "postalcode": "74000"},
            "Lieu introuvable : « 74000 Anecy » (aucune commune de ce nom avec le code postal 74000)",
        ),
        (
            {"city": "Anecy", "state": "74"},
            "Lieu introuvable : « Anecy (74) » (aucune commune de ce nom en Haute-Savoie)",
        ),
        (
            {"city": "Saint-Denis", "state": "Île-de-France"},
            "Lieu trop vague : « Saint-Denis » sans département ni code postal",
        ),
        ({"city": "Annecy", "country": "Belgique"}, "Lieu hors de France : « Belgique »"),
    ],
)
def test_record_errors(places, fields, reason):
    (record,) = parse(f"<source>{job(**fields)}</source>".encode())
    with pytest.raises(RecordError) as raised:
        xml_jobs.to_offer(record, context(places))
    assert str(raised.value) == reason


def test_iso_date_and_state_code(places):
    (record,) = parse(f"<source>{job(city='Annecy', state='74', date='2024-03-05')}</source>".encode())
    offer = xml_jobs.to_offer(record, context(places))
    assert offer.place.code == "74010"
    assert offer.published_at == dt.datetime(2024, 3, 5, tzinfo=PARIS)


def test_dtd_is_refused_and_root_checked():
    with pytest.raises(FeedError, match="^Document XML refusé : déclaration DTD/entités interdite$"):
        parse(b'<!DOCTYPE source [<!ENTITY e SYSTEM "file:///etc/hostname">]><source><job>&e;</job></source>')
    with pytest.raises(FeedError, match="^Élément racine inattendu : <Offres> \\(attendu : <source>\\)$"):
        parse(b"<Offres/>")
