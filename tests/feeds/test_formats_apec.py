"""The Apec XML offer feed: parsing (with the XML guards) and mapping."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from feeds.formats import apec
from feeds.records import FeedError, Limits, RecordError
from tests.feeds.formats_support import context, load_places, sample_records

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
REFUSED = "Document XML refusé : déclaration DTD/entités interdite"


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    return load_places(django_db_blocker)


@pytest.fixture(scope="module")
def records():
    return sample_records("apec", "apec_offres.xml")


def parse(document: bytes, limits: Limits | None = None):
    return list(apec.parse(io.BytesIO(document), limits or Limits()))


def test_parse_flattens_each_offer(records):
    assert list(records) == ["177777865W", "177812004W", "178000001W", "178000002W"]
    fields = records["177777865W"].fields
    assert fields["Intitule"] == "Ingénieur d'études en génie électrique F/H"
    assert fields["Type_contrat"] == "CDD - Alternance - Contrat d'apprentissage"
    assert (fields["COG_lieu"], fields["Libelle_lieu"]) == ("76540", "ROUEN")
    assert "Partenaire" not in fields  # the export header is not an offer
    assert "<Intitule>Ingénieur d&apos;études" not in records["177777865W"].raw_text()
    assert "<COG_lieu>76540</COG_lieu>" in records["177777865W"].raw_text()


def test_alternance_offer(records, places):
    offer = apec.to_offer(records["177777865W"], context(places))
    assert offer.title == "Ingénieur d'études en génie électrique F/H"
    assert offer.place.code == "76540" and offer.place.name == "Rouen"
    assert (offer.contract, offer.duration_months) == ("alternance", 24)
    assert (offer.salary_min, offer.salary_max, offer.salary_text) == (None, None, "A négocier")
    assert offer.experience == "debutant"
    assert offer.employer_name == "Ikos" and offer.employer_kind == "entreprise"
    assert offer.published_at == dt.datetime(2025, 12, 11, 10, 41, 41, tzinfo=PARIS)
    assert offer.source_url.startswith(
        "https://www.apec.fr/candidat/recherche-emploi.html/emploi/detail-offre/177777865W"
    )
    assert offer.apply_url == offer.source_url
    assert "script" not in offer.description and "alert" not in offer.description and "onclick" not in offer.description
    assert offer.description.startswith("<p><b>Contexte :</b></p><br><p>Au sein de l’équipe IKOS Raccordement")
    assert offer.description_text.startswith(
        "Contexte :\n\nAu sein de l’équipe IKOS Raccordement, tu contribueras au pilotage"
    )
    assert "alert" not in offer.description_text


def test_entities_in_cdata_are_decoded_and_markup_characters_kept(records, places):
    offer = apec.to_offer(records["177812004W"], context(places))
    assert offer.place.code == "75056"  # COG 75101, Paris 1er arrondissement
    assert (offer.contract, offer.duration_months) == ("cdi", None)
    assert (offer.salary_min, offer.salary_max) == (35000, 42000)  # « 35 - 42 k€ brut annuel »
    assert offer.remote == "partiel"
    assert offer.experience == "3-5-ans"  # « Minimum 3 ans »
    assert "&Eacute;dition" not in offer.description and "Édition Logicielle" in offer.description
    assert "(ETI &amp; belles PME)" in offer.description
    assert "<strong>Bac+5</strong> &lt;ou&gt; équivalent." in offer.description
    assert offer.description_text.endswith("Niveau Bac+5 <ou> équivalent.")
    assert "c'est ton carburant" in offer.description_text


def test_escaped_html_expiry_and_vte(records, places):
    offer = apec.to_offer(records["178000001W"], context(places, default_kind="chef-de-projet"))
    assert offer.kind == "vte"  # « Volontariat territorial en entreprise - … »
    assert offer.employer_name == "Forges & Ateliers de Corrèze SAS"
    assert offer.place.code == "19272"
    assert (offer.contract, offer.duration_months) == ("cdd", 18)
    assert (offer.salary_min, offer.salary_max) == (32000, None)  # « A partir de 32 k€ brut annuel »
    assert offer.education_level == "bac+5"
    assert offer.published_at == dt.datetime(2024, 3, 5, 9, 15, tzinfo=PARIS)
    assert offer.expires_at == dt.datetime(2024, 5, 1, tzinfo=PARIS)  # the whole of 30/04/2024
    # Markup escaped in the document (not CDATA) is markup; its <div>s become paragraphs.
    assert offer.description == (
        "<p>PME familiale de mécanique de précision (Forges &amp; Ateliers), nous recrutons un VTE.</p>"
        "<p>Poste basé à Tulle.</p><p>Démarrage rapide.</p>"
    )
    assert offer.description_text == (
        "PME familiale de mécanique de précision (Forges & Ateliers), nous recrutons un VTE.\n\n"
        "Poste basé à Tulle.\n\nDémarrage rapide."
    )


def test_unknown_place_is_rejected_with_what_was_received(records, places):
    with pytest.raises(RecordError) as raised:
        apec.to_offer(records["178000002W"], context(places))
    assert (
        str(raised.value)
        == "Lieu trop vague : « Anecy » sans département ni code postal ; code INSEE « 99999 » inconnu"
    )


OFFER = (
    "<Offre_emploi><Reference_apec>{ref}</Reference_apec><Date_parution>{date}</Date_parution>"
    "<Date_expiration>{expiry}</Date_expiration><Intitule>{title}</Intitule>"
    "<Contrat><Type_contrat>CDI</Type_contrat></Contrat><Texte_offre>{text}</Texte_offre>"
    "<Nom_entreprise>Exemple</Nom_entreprise><Lieu><COG_lieu>74010</COG_lieu></Lieu></Offre_emploi>"
)


def document(*offers: str, root: str = "Offres") -> bytes:
    return f"<?xml version='1.0' encoding='UTF-8'?><{root}>{''.join(offers)}</{root}>".encode()


def offer(ref="A1", date="05/03/2024 09:00:00", expiry="", title="Titre", text="&lt;p&gt;Texte&lt;/p&gt;"):
    return OFFER.format(ref=ref, date=date, expiry=expiry, title=title, text=text)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": ""}, "Intitulé manquant"),
        ({"text": ""}, "Description manquante"),
        ({"text": "&lt;script&gt;x&lt;/script&gt;"}, "Description manquante"),
        (
            {"expiry": "01/03/2024"},
            "Date limite (2 mars 2024 à 00:00) antérieure à la publication (5 mars 2024 à 09:00)",
        ),
    ],
)
def test_record_errors(places, fields, reason):
    (record,) = parse(document(offer(**fields)))
    with pytest.raises(RecordError) as raised:
        apec.to_offer(record, context(places))
    assert str(raised.value) == reason


def test_missing_id_and_duplicates_are_yielded():
    records = parse(document(offer(ref=""), offer(ref="B"), offer(ref="B", title="Autre")))
    assert [record.external_id for record in records] == ["", "B", "B"]
    assert records[1].fingerprint != records[2].fingerprint


def test_fingerprint_changes_with_any_value():
    (one,) = parse(document(offer()))
    (same,) = parse(document(offer()).replace(b"><", b">\n  <"))
    (other,) = parse(document(offer(text="&lt;p&gt;Texte.&lt;/p&gt;")))
    assert one.fingerprint == same.fingerprint
    assert one.fingerprint != other.fingerprint


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Offres [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Offres><Offre_emploi><Reference_apec>1</Reference_apec><Intitule>&xxe;</Intitule></Offre_emploi></Offres>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Offres><Offre_emploi><Intitule>&lol3;</Intitule></Offre_emploi></Offres>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE Offres SYSTEM "http://evil.example/offres.dtd"><Offres/>"""


@pytest.mark.parametrize("payload", [XXE, BILLION_LAUGHS, EXTERNAL_DTD])
def test_dtd_and_entities_are_refused(payload):
    with pytest.raises(FeedError) as raised:
        parse(payload)
    assert str(raised.value) == REFUSED


def test_malformed_xml_names_line_and_column():
    with pytest.raises(FeedError) as raised:
        parse(b"<Offres>\n<Offre_emploi><Intitule>x</Offre_emploi></Offres>")
    assert str(raised.value) == "XML mal formé (ligne 2, colonne 28) : mismatched tag"


@pytest.mark.parametrize("content", [b"", b"pas du XML"])
def test_empty_or_not_xml(content):
    with pytest.raises(FeedError, match="^XML mal formé"):
        parse(content)


def test_wrong_root():
    with pytest.raises(FeedError) as raised:
        parse(b"<source><job/></source>")
    assert str(raised.value) == "Élément racine inattendu : <source> (attendu : <Export_offres> ou <Offres>)"


def test_both_roots_are_accepted():
    assert len(parse(document(offer(), root="Export_offres"))) == 1
    assert len(parse(document(offer(), root="Offres"))) == 1


def test_too_many_records():
    assert len(parse(document(offer(), offer()), Limits(max_records=2))) == 2
    with pytest.raises(FeedError, match=r"^Trop d'offres : plus de 2 dans le document$"):
        parse(document(offer(), offer(), offer()), Limits(max_records=2))


def test_records_come_as_the_document_streams():
    """Records are yielded chunk by chunk (memory stays flat): the first arrives before the end."""
    body = document(*(offer(ref=str(n), text="x" * 1000) for n in range(200)))
    stream = io.BytesIO(body)
    records = apec.parse(stream, Limits())
    first = next(records)
    assert first.external_id == "0" and stream.tell() < len(body)
