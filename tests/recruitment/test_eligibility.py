"""Eligibility on real communes of the territories data, with the rules in force (the migration's row)."""

from __future__ import annotations

import datetime as dt

import pytest

from partnership.recruitment import eligibility
from partnership.recruitment.enums import ChefDeProjetProgramme
from partnership.recruitment.models import EligibilityRules
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

EGLETONS = "19073"  # Petites villes de demain; bourg rural (density 5); FRR socle
TULLE = "19272"  # Action cœur de ville; petite ville (density 4) but FRR socle
AFFIEUX = "19001"  # rural (density 7), FRR+
LYON = "69123"  # grand centre urbain, not FRR, neither PVD nor ACV
CC_EGLETONS = "241900133"  # CC Ventadour - Égletons - Monédières: counts Égletons (PVD)
METROPOLE_DE_LYON = "200046977"


def commune(code: str):
    return OrganisationFactory(commune=code)


def epci(siren: str):
    return OrganisationFactory(intercommunality=True, epci=siren)


def test_the_rules_in_force_come_from_the_data_not_the_code():
    rules = EligibilityRules.objects.in_force(dt.date(2026, 12, 3))
    assert rules is not None
    assert (rules.vta_min_duration_months, rules.vta_max_duration_months) == (12, 18)
    assert rules.vta_min_working_time_percent == 75
    assert rules.vta_density_levels == [5, 6, 7]
    assert EligibilityRules.objects.in_force(dt.date(2024, 12, 31)) is None


def test_egletons_may_recruit_a_pvd_chef_de_projet():
    verdict = eligibility.chef_de_projet(organisation=commune(EGLETONS), programme=ChefDeProjetProgramme.PVD)
    assert verdict.eligible
    assert verdict.reasons == ("Égletons fait partie du programme Petites villes de demain.",)


def test_tulle_may_recruit_an_acv_chef_de_projet_but_not_a_pvd_one():
    tulle = commune(TULLE)
    assert eligibility.chef_de_projet(organisation=tulle, programme=ChefDeProjetProgramme.ACV).eligible
    pvd = eligibility.chef_de_projet(organisation=tulle, programme=ChefDeProjetProgramme.PVD)
    assert not pvd.eligible
    assert pvd.reasons[0].startswith("Tulle ne fait pas partie du programme Petites villes de demain")


def test_an_intercommunality_counting_a_pvd_commune_may_recruit_for_it():
    verdict = eligibility.chef_de_projet(organisation=epci(CC_EGLETONS), programme=ChefDeProjetProgramme.PVD)
    assert verdict.eligible
    assert "Égletons" in verdict.reasons[0]
    assert "du programme Petites villes de demain" in verdict.reasons[0]


def test_lyon_is_eligible_for_nothing():
    lyon = commune(LYON)
    for programme in (ChefDeProjetProgramme.PVD, ChefDeProjetProgramme.ACV):
        assert not eligibility.chef_de_projet(organisation=lyon, programme=programme).eligible
    verdict = eligibility.vta(organisation=lyon, duration_months=12, working_time_percent=100)
    assert not verdict.eligible
    assert verdict.reasons[0] == (
        "Lyon n’est ni une commune rurale (grille de densité de l’Insee : grands centres urbains) ni classée "
        "France Ruralités Revitalisation : le VTA est réservé aux employeurs ruraux."
    )


def test_the_metropole_de_lyon_is_no_rural_intercommunality():
    verdict = eligibility.vta(organisation=epci(METROPOLE_DE_LYON), duration_months=12, working_time_percent=100)
    assert not verdict.eligible
    assert "n’est pas une intercommunalité rurale" in verdict.reasons[0]


def test_a_rural_frr_commune_may_offer_a_vta_of_12_to_18_months_at_75_percent_or_more():
    affieux = commune(AFFIEUX)
    verdict = eligibility.vta(organisation=affieux, duration_months=12, working_time_percent=75)
    assert verdict.eligible
    assert (
        verdict.reasons[0]
        == "Affieux est une commune rurale (grille de densité de l’Insee : rural à habitat très dispersé)."
    )
    too_long = eligibility.vta(organisation=affieux, duration_months=24, working_time_percent=100)
    assert not too_long.eligible
    assert "Un VTA dure de 12 à 18 mois : l’offre indique 24 mois." in too_long.reasons
    too_short = eligibility.vta(organisation=affieux, duration_months=11, working_time_percent=100)
    assert not too_short.eligible
    part_time = eligibility.vta(organisation=affieux, duration_months=18, working_time_percent=74)
    assert not part_time.eligible
    assert "Un VTA est à 75\u00a0% d’un temps plein au moins : l’offre indique 74\u00a0%." in part_time.reasons


def test_an_frr_commune_that_is_not_rural_by_density_may_offer_a_vta():
    verdict = eligibility.vta(organisation=commune(TULLE), duration_months=12, working_time_percent=100)
    assert verdict.eligible
    assert verdict.reasons[0] == "Tulle est classée France Ruralités Revitalisation (FRR socle)."


def test_an_intercommunality_of_rural_communes_may_offer_a_vta():
    verdict = eligibility.vta(organisation=epci(CC_EGLETONS), duration_months=12, working_time_percent=100)
    assert verdict.eligible
    assert "est une intercommunalité rurale" in verdict.reasons[0]


def test_staff_change_the_rules_as_data():
    rules = EligibilityRules.objects.in_force()
    rules.vta_max_duration_months = 24
    rules.vta_frr_levels = []
    rules.save()
    affieux = commune(AFFIEUX)
    assert eligibility.vta(organisation=affieux, duration_months=24, working_time_percent=100).eligible
    # Without FRR in the rules, Tulle (density 4) is no rural employer any more.
    assert not eligibility.vta(organisation=commune(TULLE), duration_months=12, working_time_percent=100).eligible
    rules.pvd_until = dt.date(2026, 1, 31)
    rules.save()
    ended = eligibility.chef_de_projet(
        organisation=commune(EGLETONS), programme=ChefDeProjetProgramme.PVD, on=dt.date(2026, 12, 3)
    )
    assert not ended.eligible
    assert ended.reasons == ("Le programme Petites villes de demain a pris fin le 31 janvier 2026.",)


def test_without_rules_in_force_nothing_is_eligible():
    EligibilityRules.objects.all().delete()
    verdict = eligibility.vta(organisation=commune(AFFIEUX), duration_months=12, working_time_percent=100)
    assert verdict == eligibility.Verdict(False, (eligibility.NO_RULES,))


def test_villages_d_avenir_are_left_to_staff():
    verdict = eligibility.chef_de_projet(organisation=commune(AFFIEUX), programme=ChefDeProjetProgramme.VILLAGES_AVENIR)
    assert verdict.eligible and verdict.to_check
