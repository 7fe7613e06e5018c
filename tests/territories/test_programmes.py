"""territories/data/programmes.toml: the one source of the programmes' names, short labels and summaries."""

import pytest

from territories import programmes
from territories.enums import ProgrammeCode
from territories.importer import programme_rows
from territories.models import Programme
from tests.offers.factories import OfferFactory

# The labels as they must read, whatever reads them.
NAMES = {
    "qpv": ("Quartiers prioritaires de la politique de la ville", "QPV"),
    "ti": ("Territoires d’industrie", "Territoire d’industrie"),
    "pvd": ("Petites villes de demain", "Petites villes de demain"),
    "acv": ("Action cœur de ville", "Action cœur de ville"),
    "frr": ("France Ruralités Revitalisation", "FRR"),
    "rural": ("Communes rurales", "Commune rurale"),
    "montagne": ("Communes d’un massif", "Massif"),
}
VALID = """
[[programme]]
code = "pvd"
slug = "petites-villes-de-demain"
name = "Petites villes de demain"
short_name = "Petites villes de demain"
summary = "Une petite ville aidée."
description = "Texte."
source = "ANCT."
"""


def test_the_file_holds_every_programme_code_once_in_the_portal_s_order():
    assert [p.code for p in programmes.programmes()] == list(NAMES)
    assert sorted(NAMES) == sorted(ProgrammeCode.values)


def test_choices_labels_short_labels_and_summaries_come_from_the_file():
    assert {code: (ProgrammeCode(code).label, programmes.short_names()[code]) for code in NAMES} == NAMES
    for code, summary in programmes.summaries().items():
        assert summary and "\n" not in summary and len(summary) <= programmes.SUMMARY_MAX_LENGTH, code
        assert "'" not in summary, code  # the typographic apostrophe
    assert programmes.summaries()["frr"] == (
        "Une commune rurale où les entreprises qui s’installent peuvent payer moins d’impôts et de cotisations."
    )


@pytest.mark.django_db
def test_the_importer_writes_the_file_into_the_programme_table():
    rows = {p.code: p for p in Programme.objects.all()}
    assert {code: (p.name, p.short_name) for code, p in rows.items()} == NAMES
    assert [p.code for p in Programme.objects.order_by("position")] == list(NAMES)
    assert rows["pvd"].summary == (
        "Une petite ville de moins de 20\u202f000 habitants aidée pour redonner vie à son centre."
    )
    assert rows["rural"].description.startswith("Une commune est rurale au sens de l’INSEE quand la grille")
    assert rows["qpv"].source.startswith("ANCT, contours des quartiers prioritaires 2024")
    assert len(programme_rows()) == 7


@pytest.mark.django_db
def test_search_filters_and_result_tags_use_the_short_labels_and_summaries(client):
    OfferFactory(commune="19272", title="À Tulle")  # Tulle: ti, acv, frr, montagne
    html = client.get("/offres/").content.decode()
    label = html[html.index('for="programme-ti"') :]
    label = label[: label.index("</label>")]
    # The filters name every programme in full (issue 14); the result tags keep the short labels.
    assert label.startswith('for="programme-ti">Territoires d’industrie <span')
    assert (
        '<span class="fr-hint-text">Un territoire où l’État et la région aident l’industrie à se développer et à '
        "recruter.</span>"
    ) in label
    assert '<p class="fr-tag fr-tag--sm">Territoire d’industrie</p>' in html
    assert '<p class="fr-tag fr-tag--sm">Massif</p>' in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: text.replace('summary = "Une petite ville aidée."\n', ""), "champs manquants"),
        (lambda text: text.replace('"Une petite ville aidée."', '"""Une\nville."""'), "une ligne"),
        (lambda text: text.replace('"Une petite ville aidée."', '"' + "x" * 121 + '"'), "une ligne"),
        (lambda text: text + "colour = 1\n", "inconnus"),
        (lambda text: text + text, "code en double"),
    ],
)
def test_a_file_that_does_not_hold_what_the_portal_needs_is_refused(change, message):
    assert programmes.parse(VALID)[0].summary == "Une petite ville aidée."
    with pytest.raises(programmes.ProgrammeFileError, match=message):
        programmes.parse(change(VALID))
