"""CSV files: header, delimiters, encodings, bad lines, and the mapping of each column."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from feeds import formats
from feeds.formats import csv_format
from feeds.records import FeedError, Limits, RecordError
from tests.feeds.formats_support import context, load_places, sample_records

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
HEADER = "reference;titre;description;employeur;contrat;code_insee;commune"


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    return load_places(django_db_blocker)


def parse(content: str | bytes, limits: Limits | None = None):
    data = content.encode() if isinstance(content, str) else content
    return list(csv_format.parse(io.BytesIO(data), limits or Limits()))


def test_registry_maps_csv_to_this_module():
    assert formats.get("csv") is csv_format
    assert formats.NAMES == ("france-travail", "apec", "xml-jobs", "csv")


def test_semicolon_file_with_every_column(places):
    records = sample_records("csv", "offres.csv")
    assert list(records) == ["VTA-2024-001", "VTE-2024-002", "CDP-2024-003", "BAD-004"]
    first = records["VTA-2024-001"]
    assert first.raw_text().startswith("VTA-2024-001;Chargé(e) de mission")
    assert first.raw_text().endswith("31/03/2024;ignorée\n")
    assert "colonne_inconnue" not in first.fields
    offer = csv_format.to_offer(first, context(places))
    assert (offer.kind, offer.employer_kind, offer.place.code) == ("vta", "commune", "19272")
    assert (offer.employer_siret, offer.employer_siren) == ("21190272700011", "211902727")
    assert (offer.contract, offer.duration_months, offer.working_time_percent) == ("cdd", 18, 100)
    assert offer.start_date == dt.date(2024, 4, 1)
    assert (offer.salary_min, offer.salary_max) == (24000, 26000)
    assert offer.salary_text == "Grille de la fonction publique territoriale"
    assert (offer.education_level, offer.experience, offer.remote) == ("bac+3", "debutant", "partiel")
    assert (offer.apply_url, offer.apply_email) == ("", "recrutement@tulle.example")
    assert offer.source_url == "https://www.tulle.example/emploi/vta-1"
    assert offer.published_at == dt.datetime(2024, 3, 5, tzinfo=PARIS)
    assert offer.expires_at == dt.datetime(2024, 4, 1, tzinfo=PARIS)
    assert offer.description == (
        "<p>La commune recrute un VTA.</p><ul><li>Suivre les projets &amp; les financements</li>"
        "<li>Préparer les dossiers &lt;urgent&gt;</li></ul><p>Poste basé en mairie.</p>"
    )
    assert offer.description_text == (
        "La commune recrute un VTA.\n\n- Suivre les projets & les financements\n- Préparer les dossiers <urgent>"
        "\n\nPoste basé en mairie."
    )


def test_html_description_postcode_and_labels(places):
    records = sample_records("csv", "offres.csv")
    offer = csv_format.to_offer(records["VTE-2024-002"], context(places))
    assert offer.description == "<p>PME de <strong>mécanique</strong> &amp; usinage.</p>"
    assert (offer.place.code, offer.contract, offer.working_time_percent) == ("87085", "cdi", 80)
    assert (offer.salary_min, offer.salary_max) == (35000, 40000)  # from « 35 à 40 k€ brut annuel »
    assert (offer.education_level, offer.experience, offer.remote) == ("bac+5", "3-5-ans", "aucun")
    assert offer.published_at == dt.datetime(2024, 3, 5, 10, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    third = csv_format.to_offer(records["CDP-2024-003"], context(places))
    assert (third.kind, third.contract, third.duration_months, third.place.code) == (
        "chef-de-projet",
        "contrat-de-projet",
        36,
        "12202",
    )
    assert third.published_at == dt.datetime(2024, 3, 10, 12, tzinfo=dt.UTC)  # the run's start


def test_wrong_number_of_fields_rejects_that_line_only(places):
    records = sample_records("csv", "offres.csv")
    with pytest.raises(RecordError, match="^Ligne 9 : 5 champs au lieu de 26$"):
        csv_format.to_offer(records["BAD-004"], context(places))
    assert records["BAD-004"].raw_text() == "BAD-004;Titre seul;trop;de;champs\n"


def test_comma_file_with_bom_and_crlf(places):
    records = sample_records("csv", "offres_bom_virgule.csv")
    assert list(records) == ["CSV-1", "CSV-2"]
    first = csv_format.to_offer(records["CSV-1"], context(places))
    assert (first.title, first.place.code, first.employer_kind) == ("Chargée de projet, territoire", "74010", "epci")
    second = csv_format.to_offer(records["CSV-2"], context(places))
    assert (second.place.code, second.employer_kind, second.contract) == (
        "42218",
        "commune",
        "cdi",
    )  # « St Etienne (42) »


def test_not_utf8_names_the_line():
    content = f"{HEADER}\nA;Titre;Texte;Employeur;cdi;74010;\nB;Été;Texte;Employeur;cdi;74010;\n".encode("latin-1")
    with pytest.raises(FeedError) as raised:
        parse(content)
    assert str(raised.value) == "Fichier non UTF-8 : caractère invalide ligne 3 (enregistrez le fichier en UTF-8)"


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("reference;titre;commune", "description, employeur, contrat"),
        ("reference,titre,description,employeur,contrat", "code_insee ou commune"),
    ],
)
def test_missing_columns(header, missing):
    with pytest.raises(FeedError) as raised:
        parse(f"{header}\nx\n")
    assert str(raised.value) == f"En-tête CSV incomplet : colonnes manquantes : {missing}"


def test_empty_file():
    with pytest.raises(FeedError, match="^Fichier CSV vide"):
        parse("\n\n")


def test_blank_lines_are_skipped_and_limits_counted():
    content = f"{HEADER}\nA;T;D;E;cdi;74010;\n\nB;T;D;E;cdi;74010;\n"
    assert [record.external_id for record in parse(content)] == ["A", "B"]
    with pytest.raises(FeedError, match=r"^Trop d'offres : plus de 1 dans le fichier$"):
        parse(content, Limits(max_records=1))


def row(**values: str) -> str:
    columns = {"reference": "R1", "titre": "Titre", "description": "Texte", "employeur": "Exemple SAS"}
    columns |= {"contrat": "cdi", "code_insee": "74010", **values}
    return ";".join(columns) + "\n" + ";".join(columns.values()) + "\n"


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"titre": ""}, "Intitulé manquant"),
        ({"description": ""}, "Description manquante"),
        ({"employeur": ""}, "Employeur manquant"),
        ({"contrat": ""}, "Contrat manquant"),
        ({"contrat": "stage"}, "Contrat inconnu : « stage »"),
        ({"type_offre": "cdi"}, "Type d'offre inconnu : « cdi »"),
        ({"type_employeur": "asso"}, "Type d'employeur inconnu : « asso »"),
        ({"duree_mois": "200"}, "Durée invalide : 200 mois (de 1 à 120)"),
        ({"duree_mois": "douze"}, "Durée invalide : « douze »"),
        ({"temps_travail": "beaucoup"}, "Temps de travail invalide : « beaucoup »"),
        ({"salaire_min": "40000", "salaire_max": "30000"}, "Salaire minimum (40000 €) supérieur au maximum (30000 €)"),
        ({"niveau_etudes": "CAP"}, "Niveau d'études invalide : « CAP »"),
        ({"siret": "123"}, "SIRET invalide : « 123 » (14 chiffres, ou 9 pour un SIREN)"),
        ({"url_candidature": "javascript:alert(1)"}, "Adresse de candidature invalide : « javascript:alert(1) »"),
        ({"email_candidature": "écrire à la mairie"}, "Courriel de candidature invalide : « écrire à la mairie »"),
        ({"date_limite": "31/02/2024"}, "Date limite invalide : « 31/02/2024 »"),
        (
            {"date_publication": "05/03/2024", "date_limite": "04/03/2024"},
            "Date limite (5 mars 2024 à 00:00) antérieure à la publication (5 mars 2024 à 00:00)",
        ),
        ({"code_insee": "", "commune": "Annecy"}, "Lieu trop vague : « Annecy » sans département ni code postal"),
        ({"code_insee": "", "commune": "74"}, "Lieu trop vague : seulement un département (« 74 »)"),
    ],
)
def test_values_that_do_not_fit_reject_their_line(places, values, reason):
    (record,) = parse(row(**values))
    with pytest.raises(RecordError) as raised:
        csv_format.to_offer(record, context(places))
    assert str(raised.value) == reason


def test_choice_labels_are_accepted(places):
    (record,) = parse(row(type_offre="Chef de projet", type_employeur="EPCI", contrat="Contrat de projet"))
    offer = csv_format.to_offer(record, context(places))
    assert (offer.kind, offer.employer_kind, offer.contract) == ("chef-de-projet", "epci", "contrat-de-projet")


def test_fingerprint_is_the_values_and_raw_the_row_as_csv():
    (one,) = parse(row())
    (other,) = parse(row(titre="Titre 2"))
    assert one.fingerprint == "R1\x1fTitre\x1fTexte\x1fExemple SAS\x1fcdi\x1f74010"
    assert one.raw_text() == "R1;Titre;Texte;Exemple SAS;cdi;74010\n"
    assert other.fingerprint != one.fingerprint
    # A quoted value over several lines comes back quoted, with its line breaks.
    (quoted,) = parse(
        'reference,titre,description,employeur,contrat,code_insee\nR2,"Titre, suite","Un\n\nDeux",E,cdi,74010\n'
    )
    assert quoted.fields["description"] == "Un\n\nDeux"
    assert quoted.raw_text() == 'R2,"Titre, suite","Un\n\nDeux",E,cdi,74010\n'


@pytest.mark.parametrize("bad_line", [2, 700, 1500, 2001])
def test_not_utf8_far_in_the_file_names_its_line(bad_line):
    # The file is decoded by blocks as it is read: the line must still be the byte's.
    lines = [HEADER] + [f"R{n};Titre {n};Texte;Employeur;cdi;74010;" for n in range(2, 2002)]
    lines[bad_line - 1] = lines[bad_line - 1].replace("Texte", "Été")
    content = "\n".join(lines[: bad_line - 1]).encode() + b"\n" + lines[bad_line - 1].encode("latin-1")
    content += ("\n" + "\n".join(lines[bad_line:]) + "\n").encode()
    with pytest.raises(FeedError) as raised:
        parse(content)
    assert (
        str(raised.value)
        == f"Fichier non UTF-8 : caractère invalide ligne {bad_line} (enregistrez le fichier en UTF-8)"
    )


def test_the_stream_is_left_open_for_its_owner():
    stream = io.BytesIO(row().encode())
    assert len(list(csv_format.parse(stream, Limits()))) == 1
    assert not stream.closed
    stream = io.BytesIO(b"reference;titre\n")
    with pytest.raises(FeedError):
        csv_format.parse(stream, Limits())
    assert not stream.closed


def test_a_huge_value_sets_its_line_aside_not_the_file(places):
    # 200,000 characters in one cell (200,007 once a paragraph): over the csv module's default field
    # limit (131,072), which used to fail the whole file; now the record is read, and set aside alone.
    content = f"{HEADER}\nA;Titre;{'x' * 200_000};Employeur;cdi;74010;\nB;Titre;Texte;Employeur;cdi;74010;\n"
    huge, fine = parse(content)
    with pytest.raises(
        RecordError, match="^Description trop longue : 200\u202f007 caractères pour 50\u202f000 au plus$"
    ):
        csv_format.to_offer(huge, context(places))
    assert csv_format.to_offer(fine, context(places)).description == "<p>Texte</p>"
