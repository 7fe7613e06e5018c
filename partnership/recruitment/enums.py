from django.db import models


class ChefDeProjetProgramme(models.TextChoices):
    """The programme that funds a chef de projet (its code is the territories' programme code when it has one)."""

    PVD = "pvd", "Petites villes de demain"
    ACV = "acv", "Action cœur de ville"
    VILLAGES_AVENIR = "villages-avenir", "Villages d’avenir"


class ApplicationHandling(models.TextChoices):
    """How candidates apply to a local offer."""

    PORTAL = "portail", "Sur le portail, avec le bouton « Postuler » (les candidatures arrivent dans votre espace)"
    EMAIL = "courriel", "Par courriel, à l’adresse que vous indiquez"
    URL = "site", "Sur votre site de recrutement, à l’adresse que vous indiquez"


class ApplicationStatus(models.TextChoices):
    NEW = "nouvelle", "Nouvelle"
    READ = "lue", "Lue"
    SHORTLISTED = "retenue", "Retenue pour un entretien"
    DECLINED = "non-retenue", "Non retenue"
