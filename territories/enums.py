from django.db import models

from territories import programmes


class Zone(models.TextChoices):
    METRO = "metro", "France métropolitaine"
    DROM = "drom", "Départements et régions d'outre-mer"
    COM = "com", "Collectivités d'outre-mer"


class NameType(models.IntegerChoices):
    """How a name takes an article: INSEE's `TNCC` (type de nom en clair) of the COG files.

    `partnership.formatting.of_place` turns it into « de la Corrèze », « du Cantal », « de l’Ain »…
    """

    CONSONANT = 0, "sans article, initiale consonne (sauf H muet)"
    VOWEL = 1, "sans article, initiale voyelle ou H muet"
    LE = 2, "article « le »"
    LA = 3, "article « la »"
    LES = 4, "article « les »"
    L = 5, "article « l’ »"
    AUX = 6, "article « aux »"
    LAS = 7, "article « las »"
    LOS = 8, "article « los »"


class EpciKind(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d'agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"
    MET69 = "MET69", "Métropole de Lyon"


class FrrLevel(models.TextChoices):
    """France Ruralités Revitalisation classification (list of 10 July 2025)."""

    NOT_CLASSIFIED = "non-classee", "Non classée"
    SOCLE = "socle", "FRR socle"
    PLUS = "plus", "FRR+"
    BENEFICIAIRE = "beneficiaire", "FRR bénéficiaire"
    PARTIAL = "partielle", "Classée FRR partiellement"
    BENEFICIAIRE_PARTIAL = "beneficiaire-partielle", "FRR bénéficiaire partiellement"


class DensityLevel(models.IntegerChoices):
    """INSEE commune density grid, 7 levels; levels 5 to 7 are rural."""

    GRANDS_CENTRES = 1, "Grands centres urbains"
    CENTRES_INTERMEDIAIRES = 2, "Centres urbains intermédiaires"
    CEINTURES = 3, "Ceintures urbaines"
    PETITES_VILLES = 4, "Petites villes"
    BOURGS_RURAUX = 5, "Bourgs ruraux"
    RURAL_DISPERSE = 6, "Rural à habitat dispersé"
    RURAL_TRES_DISPERSE = 7, "Rural à habitat très dispersé"


RURAL_DENSITY_LEVELS = (5, 6, 7)


class ProgrammeCode(models.TextChoices):
    """Short codes of the ANCT programmes attached to places.

    These codes are stored in `Commune.programmes` and used in public search URLs
    (`/offres/?programme=pvd`); the labels, like every name and text of a programme, come from
    `territories/data/programmes.toml` (`territories.programmes`).
    """

    QPV = "qpv", programmes.name("qpv")
    TI = "ti", programmes.name("ti")
    PVD = "pvd", programmes.name("pvd")
    ACV = "acv", programmes.name("acv")
    FRR = "frr", programmes.name("frr")
    RURAL = "rural", programmes.name("rural")
    MONTAGNE = "montagne", programmes.name("montagne")
