"""The mapping helpers the feed formats share."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds import mapping
from feeds.records import RecordError
from offers.html import clean_html, text_of_clean_html
from partnership.text import strip_unsafe_characters

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Annuel de 35000.00 Euros à 40000.00 Euros sur 12 mois", (35000, 40000)),
        ("Annuel de 38000.0 Euros à 45000.0 Euros sur 12.0 mois", (38000, 45000)),
        ("Mensuel de 2200.00 Euros sur 12 mois", (26400, 26400)),
        ("Mensuel de 2200.00 Euros sur 13 mois", (28600, 28600)),
        ("Mensuel de 1600,00 Euros à 1800,00 Euros", (19200, 21600)),
        ("Annuel de 26400,00 Euros sur 12 mois", (26400, 26400)),
        ("35 - 40 k€ brut annuel", (35000, 40000)),
        ("18 - 22 k€ brut annuel", (18000, 22000)),
        ("A partir de 21 k€ brut annuel", (21000, None)),
        ("Jusqu'à 45 000 € par an", (None, 45000)),
        ("32 000 € - 36 000 € par an", (32000, 36000)),
        ("2 500 € brut mensuel", (30000, 30000)),
        ("Horaire de 12.06 Euros sur 12.0 mois", (None, None)),
        ("A négocier", (None, None)),
        ("Selon profil", (None, None)),
        ("35000 - 40000", (None, None)),  # neither yearly nor monthly
        ("Annuel de 40000 Euros à 35000 Euros", (None, None)),  # not clearly given
        ("Mensuel de 12 Euros", (None, None)),  # out of bounds
        ("", (None, None)),
    ],
)
def test_salary_range(text, expected):
    assert mapping.salary_range(text) == expected


def test_salary_text_is_cut_to_the_column():
    text = mapping.salary_text("x" * 300, "commentaire")
    assert len(text) == 200 and text.endswith("…")
    assert mapping.salary_text("Mensuel de 2200 Euros", "", "  Primes  ") == "Mensuel de 2200 Euros – Primes"


@pytest.mark.parametrize(
    ("label", "code", "contract", "months"),
    [
        ("Contrat à durée déterminée - 12 Mois", "CDD", "cdd", 12),
        ("CDD - 12 Mois", "CDD", "cdd", 12),
        ("Contrat à durée indéterminée", "CDI", "cdi", None),
        ("CDI", "", "cdi", None),
        ("Intérim - 2 Mois", "MIS", "autre", 2),
        ("Travail saisonnier - 15 Jour(s)", "SAI", "cdd", 1),
        ("CDD - 2 Ans", "", "cdd", 24),
        ("CDD - Alternance - Contrat d'apprentissage", "", "alternance", None),
        ("CDD - Alternance - Contrat de professionnalisation", "", "alternance", None),
        ("Contrat de projet 36 mois", "", "contrat-de-projet", 36),
        ("Profession libérale", "LIB", "autre", None),
        ("CDD - 15 Ans", "", "cdd", None),  # beyond the 120 months an offer may state
        ("", "", "autre", None),
    ],
)
def test_contracts(label, code, contract, months):
    assert mapping.contract_from_label(label, code) == contract
    assert mapping.duration_months(label) == months


def test_no_duration_for_a_permanent_contract():
    assert mapping.contract_duration("cdi", 24) is None
    assert mapping.contract_duration("alternance", 24) == 24


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T14:52:11.000Z", dt.datetime(2024, 3, 5, 14, 52, 11, tzinfo=dt.UTC)),
        ("2024-03-05T14:52:11", dt.datetime(2024, 3, 5, 14, 52, 11, tzinfo=PARIS)),
        ("2024-03-05", dt.datetime(2024, 3, 5, tzinfo=PARIS)),
        ("17/12/2025 17:50:32", dt.datetime(2025, 12, 17, 17, 50, 32, tzinfo=PARIS)),
        ("17/12/2025", dt.datetime(2025, 12, 17, tzinfo=PARIS)),
        ("Tue, 05 Mar 2024 10:00:00 GMT", dt.datetime(2024, 3, 5, 10, tzinfo=dt.UTC)),
        ("Tue, 05 Mar 2024 10:00:00 +0100", dt.datetime(2024, 3, 5, 9, tzinfo=dt.UTC)),
        ("31/02/2024", None),
        ("demain", None),
        ("", None),
        (None, None),
    ],
)
def test_dates(value, expected):
    assert mapping.parse_datetime(value) == expected


def test_summer_time_in_paris():
    assert mapping.parse_datetime("01/07/2024 12:00:00").utcoffset() == dt.timedelta(hours=2)


def test_closing_date_is_the_whole_day():
    assert mapping.end_of_day("30/04/2024") == dt.datetime(2024, 5, 1, tzinfo=PARIS)
    assert mapping.end_of_day("2024-04-30T18:00:00+02:00") == dt.datetime(
        2024, 4, 30, 18, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )


def test_expiry_must_follow_publication():
    published = dt.datetime(2024, 3, 5, 9, tzinfo=PARIS)
    mapping.check_dates(published, published + dt.timedelta(seconds=1))
    with pytest.raises(RecordError, match=r"^Date limite \(5 mars 2024 à 09:00\) antérieure à la publication"):
        mapping.check_dates(published, published)


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("Bac+5 et plus ou équivalents", "bac+5"),
        ("Bac+3, Bac+4 ou équivalents", "bac+3"),
        ("Bac+2 ou équivalents", "bac+2"),
        ("Bac + 4", "bac+4"),
        ("bac+5", "bac+5"),
        ("Bac+8", "bac+5"),
        ("Master", "bac+5"),
        ("Licence professionnelle", "bac+3"),
        ("BTS", "bac+2"),
        ("Bac ou équivalent", ""),
        ("CAP, BEP et équivalents", ""),
        ("", ""),
    ],
)
def test_education_level(label, level):
    assert mapping.education_level(label) == level


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("Débutant accepté", "debutant"),
        ("Aucune expérience exigée", "debutant"),
        ("Tous niveaux d'expérience acceptés", "debutant"),
        ("Expérience exigée de 2 An(s)", "1-2-ans"),
        ("6 Mois", "1-2-ans"),
        ("Minimum 3 ans", "3-5-ans"),
        ("Minimum 10 ans", "plus-5-ans"),
        ("3-5-ans", "3-5-ans"),
        ("Expérience souhaitée", ""),
    ],
)
def test_experience(label, level):
    assert mapping.experience(label) == level


@pytest.mark.parametrize(
    ("label", "percent"),
    [
        ("Temps plein", 100),
        ("Temps partiel 28H Horaires normaux", 80),
        ("Temps partiel 17H30", 50),
        ("80 %", 80),
        ("part-time", None),
        ("", None),
    ],
)
def test_working_time(label, percent):
    assert mapping.working_time_percent(label) == percent


@pytest.mark.parametrize(
    ("label", "remote"),
    [
        ("Télétravail partiel possible", "partiel"),
        ("Télétravail ponctuel autorisé", "partiel"),
        ("Télétravail total possible", "total"),
        ("Pas de télétravail autorisé", "aucun"),
        ("", "aucun"),
    ],
)
def test_remote(label, remote):
    assert mapping.remote_from_label(label) == remote


@pytest.mark.parametrize(
    ("title", "text", "default", "kind"),
    [
        ("VTE - Chargé d'affaires", "", "vta", "vte"),
        ("Chargé d'affaires", "Poste en Volontariat Territorial en Entreprise.", "vta", "vte"),
        ("VTA chargé de mission", "", "vte", "vta"),
        ("Chargé de mission", "Un volontariat territorial en administration de 18 mois.", "vte", "vta"),
        ("Chef de projet Petites villes de demain", "", "vte", "chef-de-projet"),
        ("Cheffe de projet", "Programme Action cœur de ville de la commune.", "vta", "chef-de-projet"),
        ("VTA - Chef de projet Petites villes de demain", "", "vte", "vta"),  # named first
        ("Chef de projet informatique", "", "vta", "vta"),  # no programme: the feed's default
        ("Chargé de mission", "VTE ou VTA selon le profil.", "chef-de-projet", "chef-de-projet"),  # both named
        ("Développeur", "Invente un nouveau service", "vta", "vta"),  # « invente » is not « VTE »
    ],
)
def test_offer_kind(title, text, default, kind):
    assert mapping.offer_kind(title, text, default) == kind


@pytest.mark.parametrize(
    ("name", "kind", "employer"),
    [
        ("Commune de Tulle", "vta", "commune"),
        ("Mairie de Rodez", "vta", "commune"),
        ("Ville de Limoges", "chef-de-projet", "commune"),
        ("Communauté de communes du Pays de Tulle", "vta", "epci"),
        ("Communauté d'agglomération du Grand Annecy", "vta", "epci"),
        ("Communauté urbaine de Dunkerque", "vta", "epci"),
        ("Métropole de Lyon", "vta", "epci"),
        ("Pays de Brocéliande", "vta", "epci"),
        ("PETR du Pays de Figeac", "vta", "epci"),
        ("Conseil départemental de la Corrèze", "vta", "public"),
        ("Forges du Centre", "vte", "entreprise"),
        ("Exemple SAS", "vta", "entreprise"),
        ("Association des amis", "vta", "autre"),
    ],
)
def test_employer_kind(name, kind, employer):
    assert mapping.employer_kind(name, kind) == employer


def test_employer_kind_hints():
    assert mapping.employer_kind("Exemple", "vta", "epci") == "epci"
    assert mapping.employer_kind("Exemple", "vta", "Cadre du secteur privé") == "entreprise"
    assert mapping.employer_kind("Exemple", "vta", "Cadre de la fonction publique") == "public"


def test_addresses():
    assert mapping.web_address(" https://x.fr/a?b=1 ") == "https://x.fr/a?b=1"
    assert mapping.web_address("javascript:alert(1)") == ""
    assert mapping.web_address("https://x.fr/" + "a" * 500) == ""
    assert mapping.email_address("mailto:rh@tulle.fr") == "rh@tulle.fr"
    assert mapping.email_address("Pour postuler : rh@tulle.fr") == ""
    assert mapping.email_address("06 12 34 56 78") == ""


def test_required_values_and_lengths():
    assert mapping.required_title("  Chargé   de\nmission  ") == "Chargé de mission"
    assert len(mapping.required_title("t" * 300)) == 200
    with pytest.raises(RecordError, match="^Intitulé manquant$"):
        mapping.required_title(" ")
    with pytest.raises(RecordError, match="^Employeur manquant$"):
        mapping.required_employer(None)


def test_description_from_text():
    description, text = mapping.description_from_text("Intro & suite\nligne 2\n\n- un\n• deux <b>\n\nFin")
    assert description == ("<p>Intro &amp; suite<br>ligne 2</p><ul><li>un</li><li>deux &lt;b&gt;</li></ul><p>Fin</p>")
    assert text == "Intro & suite\nligne 2\n\n- un\n- deux <b>\n\nFin"


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=8),
            st.sampled_from(["\n", "\n\n", "- ", "• ", "\r\n", "&amp;", "<b>", "\xa0", " \n ", "\x00", "\x0c"]),
        ),
        max_size=20,
    ).map("".join)
)
def test_text_descriptions_are_sanitised_and_their_text_is_theirs(value):
    description, text = mapping.description_from_text(value)
    assert clean_html(description) == description
    assert text_of_clean_html(description) == text


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=6),
            st.sampled_from(
                ["<p>", "</p>", "<li>", "<a href='https://x.fr/?a=1&amp;b=2'>", "</a>", "&eacute;", "&nbsp;", "&amp;"]
                + ["&lt;", "&#233;", "&#x27;", "&#60;", "&lt;script&gt;", "&bogus;", "&Eacute;", "&#0;", "<br/>"]
            ),
        ),
        max_size=20,
    ).map("".join)
)
def test_entities_decoded_before_sanitising_change_nothing(value):
    """Decoding named and numeric references first (html5ever decodes them slowly) gives exactly
    what the sanitiser makes of the original, without its control characters."""
    if "<" not in value and "&lt;" in value:
        return  # markup escaped once more: unescaped on purpose
    description, text = mapping.description_from_html(value)
    assert description == strip_unsafe_characters(clean_html(value))
    assert text == text_of_clean_html(description)


def test_description_from_html_blocks_and_double_escaping():
    assert mapping.description_from_html("<div>Bloc</div><DIV class='x'>suivant</DIV>") == (
        "<p>Bloc</p><p>suivant</p>",
        "Bloc\n\nsuivant",
    )
    assert mapping.description_from_html("&lt;p&gt;R&amp;amp;D&lt;/p&gt;") == ("<p>R&amp;D</p>", "R&D")
    assert mapping.description_from_html("<script>alert(1)</script>") == ("", "")


def test_descriptions_come_without_control_or_bidi_characters():
    html, text = mapping.description_from_html("<p>Poste\x01 à\x1b Tulle \u202egnp.exe\u2066 ok\x7f</p>")
    assert (html, text) == ("<p>Poste à Tulle gnp.exe ok</p>", "Poste à Tulle gnp.exe ok")
    html, text = mapping.description_from_text("Poste\x00 à\x07 Tulle\u202e")
    assert text == "Poste à Tulle"
