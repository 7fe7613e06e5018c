# ruff: noqa: E501  (one line of plain French per term reads better than cut strings)
"""The acronyms the portal shows to the public, spelled out once: the `/glossaire/` page and the
`<abbr>` titles (`{{ "QPV"|abbr }}` of `{% load fr %}`) both read this list."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    acronym: str
    expansion: str  # the words behind the letters, as they are written (a title for <abbr>)
    meaning: str  # what it is, in one or two plain sentences for a job seeker


TERMS = (
    Term(
        "ACV",
        "Action cœur de ville",
        "Programme de l’État qui aide environ 245 villes moyennes à revitaliser leur centre ; chaque ville recrute un chef de projet.",
    ),
    Term(
        "ANCT",
        "Agence nationale de la cohésion des territoires",
        "Agence de l’État qui accompagne les collectivités dans leurs projets ; elle porte les programmes cités sur ce site.",
    ),
    Term(
        "Apec",
        "Association pour l’emploi des cadres",
        "Association qui accompagne les cadres et les jeunes diplômés dans leur recherche d’emploi ; partenaire de l’ANCT pour ce site.",
    ),
    Term("CDD", "contrat à durée déterminée", "Contrat de travail qui prend fin à une date prévue."),
    Term("CDI", "contrat à durée indéterminée", "Contrat de travail sans date de fin."),
    Term(
        "CLCT",
        "comité local de cohésion territoriale",
        "Instance présidée par le préfet dans chaque département, où se coordonnent les acteurs de l’aménagement du territoire.",
    ),
    Term(
        "COG",
        "code officiel géographique",
        "Liste officielle des communes, départements et régions tenue par l’Insee, mise à jour chaque 1er janvier.",
    ),
    Term(
        "EPCI",
        "établissement public de coopération intercommunale",
        "Groupement de communes : communauté de communes, communauté d’agglomération, communauté urbaine ou métropole.",
    ),
    Term("ETI", "entreprise de taille intermédiaire", "Entreprise de 250 à 4 999 salariés."),
    Term(
        "FRR",
        "France Ruralités Revitalisation",
        "Classement de communes rurales qui ouvre des aides fiscales aux entreprises qui s’y installent ; il a remplacé les ZRR le 1er juillet 2024.",
    ),
    Term(
        "Insee",
        "Institut national de la statistique et des études économiques",
        "Institut public qui produit les chiffres officiels : population des communes, codes géographiques, grille de densité.",
    ),
    Term("PME", "petite ou moyenne entreprise", "Entreprise de moins de 250 salariés."),
    Term(
        "PVD",
        "Petites villes de demain",
        "Programme de l’État pour environ 1 600 communes de moins de 20 000 habitants ; il finance un chef de projet dans chacune.",
    ),
    Term(
        "QPV",
        "quartier prioritaire de la politique de la ville",
        "Quartier urbain où le revenu des habitants est bas, défini par l’État (liste de 2024) ; il bénéficie d’aides particulières.",
    ),
    Term(
        "SIREN",
        "système d’identification du répertoire des entreprises",
        "Numéro à 9 chiffres qui identifie une entreprise, une association ou une collectivité.",
    ),
    Term(
        "SIRET",
        "système d’identification du répertoire des établissements",
        "Numéro à 14 chiffres : le SIREN suivi du numéro d’un établissement.",
    ),
    Term(
        "TI",
        "Territoires d’industrie",
        "Programme de l’État pour 183 territoires à forte identité industrielle, formés d’intercommunalités.",
    ),
    Term(
        "VTA",
        "volontariat territorial en administration",
        "Mission de 12 à 18 mois dans une commune ou une intercommunalité rurale, pour les 18-30 ans diplômés d’un bac + 2 au moins ; l’État verse une aide à l’employeur.",
    ),
    Term(
        "VTE",
        "volontariat territorial en entreprise",
        "Premier poste de cadre dans une PME ou une ETI d’un territoire, pour un étudiant en alternance ou un jeune diplômé (bac + 2 au moins) ; porté par Bpifrance.",
    ),
    Term(
        "ZRR",
        "zone de revitalisation rurale",
        "Ancien classement des communes rurales, remplacé par France Ruralités Revitalisation (FRR) le 1er juillet 2024.",
    ),
)

BY_ACRONYM = {term.acronym: term for term in TERMS}
# The acronyms written in capitals (« QPV », not « Apec »), as whole words, for texts that come from data.
ACRONYM_PATTERN = re.compile(
    r"(?<![\w-])(" + "|".join(sorted((a for a in BY_ACRONYM if a.isupper()), key=len, reverse=True)) + r")(?![\w-])"
)
