"""The demo-offer generator, without the database: hand-made communes, pure functions."""

import datetime as dt
import html
import re
from collections import Counter

import pytest
from django.utils import timezone

from offers.demo import (
    DemoCommune,
    Pools,
    at_place,
    fake_siren,
    fake_siret,
    generate_offer,
    generate_offers,
    of_place,
    render_html,
    render_text,
)
from offers.enums import Contract, EducationLevel, EmployerKind, OfferKind, OfferStatus, Remote
from partnership.accounts.validators import luhn_check_digit
from partnership.accounts.validators import luhn_is_valid as is_luhn_valid

NOW = timezone.make_aware(dt.datetime(2026, 6, 1))


def commune(code, name, programmes, population, epci=("200000001", "CC du Pays de Test")):
    return DemoCommune(
        code=code,
        name=name,
        departement_id=code[:2],
        departement_name=f"Département {code[:2]}",
        region_id="75",
        latitude=45.0,
        longitude=1.5,
        programmes=tuple(programmes),
        population=population,
        epci_siren=epci[0] if epci else None,
        epci_name=epci[1] if epci else None,
        territoire_industrie="Territoire de test" if "ti" in programmes else None,
    )


COMMUNES = [
    commune("19272", "Tulle", ["ti", "acv"], 14_000),
    commune("19031", "Brive-la-Gaillarde", ["qpv"], 46_000),
    commune("23096", "Le Grand-Bourg", ["rural", "frr"], 1_100),
    commune("23176", "Saint-Sulpice-les-Champs", ["rural", "montagne"], 350, epci=None),
    commune("87085", "Limoges", ["qpv"], 130_000),
    commune("87187", "Saint-Yrieix-la-Perche", ["pvd", "ti", "rural"], 6_800),
    commune("87154", "Les Grands-Chézeaux", ["ti"], 3_000),
]
POOLS = Pools.of(COMMUNES)
BY_CODE = {c.code: c for c in COMMUNES}


@pytest.fixture(scope="module")
def offers():
    return list(generate_offers(1500, seed=7, now=NOW, pools=POOLS))


def test_same_seed_gives_the_same_offers_and_another_seed_others():
    first = list(generate_offers(50, seed=3, now=NOW, pools=POOLS))

    assert list(generate_offers(50, seed=3, now=NOW, pools=POOLS)) == first
    other = list(generate_offers(50, seed=4, now=NOW, pools=POOLS))
    assert sum(a != b for a, b in zip(first, other, strict=True)) == 50


def test_an_offer_does_not_depend_on_how_many_are_asked_or_on_the_communes_order():
    pools = Pools.of(list(reversed(COMMUNES)))

    assert (
        generate_offer(40, seed=3, now=NOW, pools=pools) == list(generate_offers(40, seed=3, now=NOW, pools=POOLS))[-1]
    )


def test_every_kind_appears_with_its_external_id(offers):
    kinds = Counter(o.kind for o in offers)

    assert set(kinds) == set(OfferKind.values)
    assert kinds[OfferKind.VTE] > kinds[OfferKind.VTA] > kinds[OfferKind.CHEF_DE_PROJET] > 150
    assert [o.external_id for o in offers[:3]] == ["demo-1", "demo-2", "demo-3"]
    assert {o.source for o in offers} == {"demo"}


def test_offers_copy_their_commune_place_and_programmes(offers):
    for offer in offers:
        place = BY_CODE[offer.commune_id]
        assert (offer.departement_id, offer.region_id) == (place.departement_id, place.region_id)
        assert offer.programmes == list(place.programmes)


def test_vte_go_to_companies_mostly_in_territoires_d_industrie(offers):
    vte = [o for o in offers if o.kind == OfferKind.VTE]

    in_ti = sum("ti" in o.programmes for o in vte) / len(vte)
    assert 0.8 < in_ti < 0.95  # 12 % are placed outside, in communes of 2,000+ inhabitants
    assert {o.commune_id for o in vte if "ti" not in o.programmes} <= {"19031", "87085"}
    for offer in vte:
        assert offer.employer_kind == EmployerKind.ENTREPRISE
        assert offer.contract in {Contract.CDD, Contract.CDI, Contract.ALTERNANCE}
        if offer.contract == Contract.CDD:
            assert offer.duration_months >= 12
        if offer.contract == Contract.CDI:
            assert offer.duration_months is None
        assert offer.education_level in EducationLevel.values
        assert is_luhn_valid(offer.employer_siren) and len(offer.employer_siren) == 9
        assert offer.employer_siret.startswith(offer.employer_siren) and is_luhn_valid(offer.employer_siret)
    assert len({o.employer_name for o in vte}) > 200


def test_vta_follow_the_scheme_rules(offers):
    vta = [o for o in offers if o.kind == OfferKind.VTA]

    for offer in vta:
        assert "rural" in offer.programmes
        assert offer.contract == Contract.CDD
        assert 12 <= offer.duration_months <= 18
        assert offer.working_time_percent >= 75
        assert offer.education_level in EducationLevel.values  # bac+2 at least
        assert offer.title.startswith("VTA – ")
        if offer.employer_kind == EmployerKind.COMMUNE:
            assert offer.employer_name == "Commune " + of_place(BY_CODE[offer.commune_id].name)
        else:
            assert offer.employer_kind == EmployerKind.EPCI
            assert offer.employer_name == BY_CODE[offer.commune_id].epci_name
    kinds = Counter(o.employer_kind for o in vta)
    assert kinds[EmployerKind.COMMUNE] and kinds[EmployerKind.EPCI]
    assert {o.duration_months for o in vta} == set(range(12, 19))
    # A commune without EPCI employs its VTA itself.
    assert {o.employer_kind for o in vta if o.commune_id == "23176"} == {EmployerKind.COMMUNE}


def test_chefs_de_projet_are_in_pvd_or_acv_communes_with_the_matching_title(offers):
    chefs = [o for o in offers if o.kind == OfferKind.CHEF_DE_PROJET]

    for offer in chefs:
        assert {"pvd", "acv"} & set(offer.programmes)
        assert offer.employer_kind in {EmployerKind.COMMUNE, EmployerKind.EPCI}
        assert offer.contract in {Contract.CONTRAT_DE_PROJET, Contract.CDD}
        assert 24 <= offer.duration_months <= 36
        assert offer.salary_min is None or offer.salary_min >= 30_000
        if "Petites villes de demain" in offer.title:
            assert "pvd" in offer.programmes
        if "Action cœur de ville" in offer.title:
            assert "acv" in offer.programmes
    titles = {o.title.removesuffix(" (H/F)") for o in chefs}
    assert {
        "Chef de projet Petites villes de demain",
        "Chef de projet Action cœur de ville",
        "Manager de commerce",
    } <= titles


def test_dates_and_statuses_are_consistent(offers):
    statuses = Counter(o.status for o in offers)

    assert statuses[OfferStatus.PUBLISHED] > 0.85 * len(offers)
    assert 0 < statuses[OfferStatus.EXPIRED] < 0.1 * len(offers)
    assert 0 < statuses[OfferStatus.FILLED] < 0.06 * len(offers)
    for offer in offers:
        assert NOW - dt.timedelta(days=90) <= offer.published_at < NOW
        assert dt.timedelta(days=30) <= offer.expires_at - offer.published_at <= dt.timedelta(days=121)
        assert offer.created_at < offer.published_at <= offer.updated_at
        if offer.status == OfferStatus.PUBLISHED:
            assert offer.expires_at > NOW and offer.closed_at is None
        elif offer.status == OfferStatus.EXPIRED:
            assert offer.closed_at == offer.expires_at <= NOW
        else:
            assert offer.published_at < offer.closed_at <= NOW
        if offer.start_date:
            assert offer.start_date > offer.published_at.date()


def test_other_fields_are_well_formed(offers):
    for offer in offers:
        assert offer.remote in Remote.values
        assert offer.slug and len(offer.slug) <= 80
        assert len(offer.title) <= 200 and len(offer.employer_name) <= 200
        assert bool(offer.apply_url) != bool(offer.apply_email)
        assert offer.apply_url.startswith("https://example.org/") or offer.apply_email.endswith("@example.org")
        if offer.salary_min is not None:
            assert offer.salary_min <= offer.salary_max
            assert "brut annuel" in offer.salary_text
        assert len(offer.content_hash) == 64
    assert len({o.content_hash for o in offers}) == len(offers)
    assert Counter(o.remote for o in offers)[Remote.PARTIAL] > 0.3 * len(offers)


def test_description_html_is_simple_and_its_text_is_the_same_words(offers):
    for offer in offers[:300]:
        assert set(re.findall(r"</?([a-z]+)", offer.description)) <= {"p", "ul", "li"}
        assert "<" not in offer.description_text
        without_tags = html.unescape(re.sub(r"<[^>]+>", " ", offer.description))
        assert without_tags.split() == offer.description_text.split()
    assert len({o.description_text for o in offers}) == len(offers)


def test_rendering_escapes_text():
    from offers.demo import Items, Paragraph

    blocks = [Paragraph("R&D <matériaux>"), Items(("a < b", "c"))]

    assert render_html(blocks) == "<p>R&amp;D &lt;matériaux&gt;</p>\n<ul><li>a &lt; b</li><li>c</li></ul>"
    assert render_text(blocks) == "R&D <matériaux>\n\na < b\nc"


@pytest.mark.parametrize(
    ("name", "of", "at"),
    [
        ("Tulle", "de Tulle", "à Tulle"),
        ("Auxerre", "d’Auxerre", "à Auxerre"),
        ("Évreux", "d’Évreux", "à Évreux"),
        ("Le Mans", "du Mans", "au Mans"),
        ("Les Andelys", "des Andelys", "aux Andelys"),
        ("La Rochelle", "de La Rochelle", "à La Rochelle"),
    ],
)
def test_french_place_phrases(name, of, at):
    assert (of_place(name), at_place(name)) == (of, at)


def test_luhn():
    assert luhn_check_digit("44306184") == "1"  # a real SIREN: 443 061 841
    assert is_luhn_valid("79927398713")
    assert not is_luhn_valid("79927398710")
    assert not is_luhn_valid("abc")


def test_fake_siren_and_siret_pass_the_luhn_check():
    import random

    rng = random.Random(5)
    for _ in range(200):
        siren = fake_siren(rng)
        siret = fake_siret(rng, siren)
        assert len(siren) == 9 and is_luhn_valid(siren)
        assert len(siret) == 14 and siret[:9] == siren and is_luhn_valid(siret)


def test_pools_fall_back_to_every_commune_when_a_programme_has_none():
    pools = Pools.of([commune("87085", "Limoges", ["qpv"], 130_000)])

    offer = generate_offer(1, seed=1, now=NOW, pools=pools)

    assert offer.commune_id == "87085"
    with pytest.raises(ValueError, match="import_territories"):
        Pools.of([])
