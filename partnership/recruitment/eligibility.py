"""Whether an organisation may post a chef-de-projet vacancy or a VTA, and why, in plain French.

Every figure (durations, working time, density levels, FRR classifications, a programme's end date)
comes from the `EligibilityRules` in force, which staff edit in the admin; the places come from the
territories data (a commune's programmes, its density level and FRR classification, an EPCI's communes).

- Chef de projet PVD (or ACV): the organisation's commune is in the programme, or its intercommunality
  counts at least one commune of the programme; and the programme has not ended.
- Chef de projet Villages d’avenir: the portal has no list of these communes yet; staff check at moderation.
- VTA: a rural employer (a commune whose density level is one of the rural levels, or FRR-classified; an
  intercommunality with enough such communes), a duration within the bounds and enough working time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from partnership.accounts.models import Organisation
from partnership.formatting import long_date, percent
from partnership.recruitment.enums import ChefDeProjetProgramme
from partnership.recruitment.models import EligibilityRules
from territories.enums import DensityLevel, FrrLevel
from territories.models import Commune, Epci

NO_RULES = (
    "Aucune règle d’éligibilité n’est en vigueur aujourd’hui : l’équipe du partenariat doit les saisir avant "
    "que l’offre puisse être envoyée."
)
# How many communes a reason names before « … ».
NAMED_COMMUNES = 3


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reasons: tuple[str, ...]
    # Staff must check by hand what the data cannot tell (Villages d’avenir).
    to_check: bool = False


def _rules(rules: EligibilityRules | None, on: dt.date | None) -> EligibilityRules | None:
    return rules if rules is not None else EligibilityRules.objects.in_force(on)


def _territory_name(organisation: Organisation) -> str:
    if organisation.epci_id is not None:
        return organisation.epci.name  # type: ignore[union-attr]
    return organisation.commune.name  # type: ignore[union-attr]


def _names(communes: list[str]) -> str:
    shown = ", ".join(communes[:NAMED_COMMUNES])
    return shown + (" …" if len(communes) > NAMED_COMMUNES else "")


def chef_de_projet(
    *, organisation: Organisation, programme: str, rules: EligibilityRules | None = None, on: dt.date | None = None
) -> Verdict:
    """May `organisation` recruit a chef de projet funded by `programme` (a `ChefDeProjetProgramme`)?"""
    on = on or timezone.localdate()
    rules = _rules(rules, on)
    if rules is None:
        return Verdict(False, (NO_RULES,))
    if programme == ChefDeProjetProgramme.VILLAGES_AVENIR:
        return Verdict(
            True,
            (
                "Les communes du programme Villages d’avenir ne figurent pas encore dans les données du portail : "
                "l’équipe du partenariat vérifiera ce point avant de publier l’offre.",
            ),
            to_check=True,
        )
    if programme not in (ChefDeProjetProgramme.PVD, ChefDeProjetProgramme.ACV):
        return Verdict(False, ("Choisissez le programme qui finance le poste.",))
    label = ChefDeProjetProgramme(programme).label
    until = rules.pvd_until if programme == ChefDeProjetProgramme.PVD else rules.acv_until
    if until is not None and until < on:
        return Verdict(False, (f"Le programme {label} a pris fin le {long_date(until)}.",))
    if organisation.epci_id is not None:
        members = list(
            Commune.objects.filter(epci_id=organisation.epci_id).in_programme(programme).values_list("name", flat=True)
        )
        epci_name = _territory_name(organisation)
        if members:
            count = "une commune" if len(members) == 1 else f"{len(members)} communes"
            return Verdict(True, (f"{epci_name} compte {count} du programme {label} : {_names(members)}.",))
        return Verdict(
            False,
            (
                f"{epci_name} ne compte aucune commune du programme {label} : un chef de projet {label} est "
                "recruté par une commune du programme ou par l’intercommunalité qui en compte une.",
            ),
        )
    commune = organisation.commune
    assert commune is not None
    if programme in commune.programmes:
        return Verdict(True, (f"{commune.name} fait partie du programme {label}.",))
    return Verdict(
        False,
        (
            f"{commune.name} ne fait pas partie du programme {label} : un chef de projet {label} est recruté "
            "par une commune du programme ou par l’intercommunalité qui en compte une.",
        ),
    )


def _commune_is_rural(commune: Commune, rules: EligibilityRules) -> str:
    """Why the commune counts as rural for a VTA, or "" when it does not."""
    if commune.density_level in rules.vta_density_levels:
        level = DensityLevel(commune.density_level).label.lower()
        return f"{commune.name} est une commune rurale (grille de densité de l’Insee : {level})."
    if commune.frr_level in rules.vta_frr_levels:
        return f"{commune.name} est classée France Ruralités Revitalisation ({FrrLevel(commune.frr_level).label})."
    return ""


def _rural_communes(rules: EligibilityRules) -> Q:
    return Q(density_level__in=rules.vta_density_levels) | Q(frr_level__in=rules.vta_frr_levels)


def _employer(organisation: Organisation, rules: EligibilityRules) -> tuple[bool, str]:
    if organisation.epci_id is not None:
        epci: Epci = organisation.epci  # type: ignore[assignment]
        communes = Commune.objects.filter(epci=epci)
        total = communes.count()
        rural = communes.filter(_rural_communes(rules)).count()
        share = rules.vta_epci_rural_share_percent
        enough = total > 0 and rural * 100 >= share * total
        counted = f"{rural} de ses {total} communes sont rurales ou classées France Ruralités Revitalisation"
        if enough:
            return True, f"{epci.name} est une intercommunalité rurale : {counted}."
        return False, (
            f"{epci.name} n’est pas une intercommunalité rurale : {counted}, il en faut {percent(share)} au moins."
        )
    commune = organisation.commune
    assert commune is not None
    why = _commune_is_rural(commune, rules)
    if why:
        return True, why
    level = DensityLevel(commune.density_level).label.lower() if commune.density_level else "non renseignée"
    return False, (
        f"{commune.name} n’est ni une commune rurale (grille de densité de l’Insee : {level}) ni classée France "
        "Ruralités Revitalisation : le VTA est réservé aux employeurs ruraux."
    )


def vta(
    *,
    organisation: Organisation,
    duration_months: int | None,
    working_time_percent: int | None,
    rules: EligibilityRules | None = None,
    on: dt.date | None = None,
) -> Verdict:
    """May `organisation` offer this VTA (its duration and working time as given)?"""
    rules = _rules(rules, on)
    if rules is None:
        return Verdict(False, (NO_RULES,))
    low, high, minimum = (
        rules.vta_min_duration_months,
        rules.vta_max_duration_months,
        rules.vta_min_working_time_percent,
    )
    employer_ok, employer_reason = _employer(organisation, rules)
    reasons = [employer_reason]
    duration_ok = duration_months is not None and low <= duration_months <= high
    if duration_months is None:
        reasons.append(f"Indiquez la durée du contrat : un VTA dure de {low} à {high} mois.")
    elif not duration_ok:
        reasons.append(f"Un VTA dure de {low} à {high} mois : l’offre indique {duration_months} mois.")
    else:
        reasons.append(f"La durée de {duration_months} mois est comprise entre {low} et {high} mois.")
    time_ok = working_time_percent is not None and working_time_percent >= minimum
    if working_time_percent is None:
        reasons.append(f"Indiquez le temps de travail : {percent(minimum)} d’un temps plein au moins.")
    elif not time_ok:
        reasons.append(
            f"Un VTA est à {percent(minimum)} d’un temps plein au moins : l’offre indique "
            f"{percent(working_time_percent)}."
        )
    else:
        reasons.append(f"Le temps de travail ({percent(working_time_percent)}) atteint {percent(minimum)} au moins.")
    return Verdict(employer_ok and duration_ok and time_ok, tuple(reasons))
