from django.db import models


class Zone(models.TextChoices):
    METRO = "metro", "France métropolitaine"
    DROM = "drom", "Départements et régions d'outre-mer"
    COM = "com", "Collectivités d'outre-mer"


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
    (`/offres/?programme=pvd`); the page slugs are on `Programme.slug`.
    """

    QPV = "qpv", "Quartiers prioritaires de la politique de la ville"
    TI = "ti", "Territoires d'industrie"
    PVD = "pvd", "Petites villes de demain"
    ACV = "acv", "Action cœur de ville"
    FRR = "frr", "France Ruralités Revitalisation"
    RURAL = "rural", "Communes rurales"
    MONTAGNE = "montagne", "Communes d'un massif"
