"""The glossary page and the <abbr> titles read one list (issue 14, « Plain French »)."""

import pytest
from django.template import Context, Template

from partnership.glossary import BY_ACRONYM, TERMS

pytestmark = pytest.mark.django_db

SHOWN_TO_THE_PUBLIC = ("QPV", "FRR", "PVD", "ACV", "EPCI", "COG", "SIREN", "VTE", "VTA", "ANCT", "TI")


def test_every_acronym_shown_to_the_public_is_in_the_glossary():
    for acronym in SHOWN_TO_THE_PUBLIC:
        assert BY_ACRONYM[acronym].expansion and BY_ACRONYM[acronym].meaning
    assert len({term.acronym for term in TERMS}) == len(TERMS)


def test_glossary_page(client):
    html = client.get("/glossaire/").content.decode()
    assert "<h1>Glossaire</h1>" in html
    for acronym in SHOWN_TO_THE_PUBLIC:
        term = BY_ACRONYM[acronym]
        assert (
            f'<dt class="fr-h6 fr-mb-1v" id="{acronym.lower()}"><abbr title="{term.expansion}">{acronym}</abbr>' in html
        )


def test_abbr_filter():
    html = Template('{% load fr %}{{ "QPV"|abbr }}').render(Context())
    assert html == '<abbr title="quartier prioritaire de la politique de la ville">QPV</abbr>'


def test_search_filters_link_to_the_glossary(client):
    html = client.get("/offres/").content.decode()
    qpv = '<abbr title="quartier prioritaire de la politique de la ville">QPV</abbr>'
    assert f'<a href="/glossaire/">Que veulent dire VTE, VTA, {qpv}… ? Le glossaire</a>' in html


def test_filters_name_every_programme_in_full_and_cards_expand_their_tags(client):
    from territories import programmes
    from tests.offers.factories import OfferFactory

    OfferFactory(title="Chef de projet", commune="19272")  # Tulle: ACV, Territoire d’industrie, FRR…
    html = client.get("/offres/").content.decode()
    for programme in programmes.programmes():
        assert f'<label class="fr-label" for="programme-{programme.code}">{programme.name} <span' in html
    results = html.split('id="resultats"')[1]
    assert '<abbr title="France Ruralités Revitalisation">FRR</abbr>' in results
    assert '<p class="fr-tag fr-tag--sm">Action cœur de ville</p>' in results  # no acronym, no <abbr>


def test_abbrs_filter_spells_out_the_acronyms_of_a_text_from_data_and_escapes_it():
    html = Template("{% load fr %}{{ text|abbrs }}").render(Context({"text": "FRR socle <b>& EPCI-ish QPVs"}))
    assert html == ('<abbr title="France Ruralités Revitalisation">FRR</abbr> socle &lt;b&gt;&amp; EPCI-ish QPVs')
