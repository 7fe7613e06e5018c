from django.db import models


class OfferKind(models.TextChoices):
    VTE = "vte", "VTE"
    VTA = "vta", "VTA"
    CHEF_DE_PROJET = "chef-de-projet", "Chef de projet"


class OfferStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "En attente de modération"
    PUBLISHED = "published", "Publiée"
    REJECTED = "rejected", "Refusée"
    FILLED = "filled", "Pourvue"
    EXPIRED = "expired", "Expirée"
    WITHDRAWN = "withdrawn", "Retirée"


# Offers whose page says they are no longer open (kept 90 days, then 410 Gone).
CLOSED_STATUSES = (OfferStatus.FILLED, OfferStatus.EXPIRED, OfferStatus.WITHDRAWN)


class EventKind(models.TextChoices):
    """What an offer event records (`offers.lifecycle` writes them, one per change)."""

    CREATED = "created", "Création"
    UPDATED = "updated", "Modification"
    SUBMITTED = "submitted", "Envoi en modération"
    PUBLISHED = "published", "Publication"
    RETURNED = "returned", "Renvoi à l'organisation"
    CLOSED = "closed", "Fermeture"
    RENEWED = "renewed", "Prolongation"


class EmployerKind(models.TextChoices):
    ENTREPRISE = "entreprise", "Entreprise"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Intercommunalité (EPCI)"
    PUBLIC = "public", "Autre organisme public"
    OTHER = "autre", "Autre"


class Remote(models.TextChoices):
    NONE = "aucun", "Pas de télétravail"
    PARTIAL = "partiel", "Télétravail partiel"
    FULL = "total", "Télétravail total"


class Contract(models.TextChoices):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    ALTERNANCE = "alternance", "Alternance"
    CONTRAT_DE_PROJET = "contrat-de-projet", "Contrat de projet"
    OTHER = "autre", "Autre contrat"


class EducationLevel(models.TextChoices):
    BAC2 = "bac+2", "Bac + 2"
    BAC3 = "bac+3", "Bac + 3"
    BAC4 = "bac+4", "Bac + 4"
    BAC5 = "bac+5", "Bac + 5 et plus"


class Experience(models.TextChoices):
    BEGINNER = "debutant", "Débutant accepté"
    ONE_TWO = "1-2-ans", "1 à 2 ans"
    THREE_FIVE = "3-5-ans", "3 à 5 ans"
    MORE = "plus-5-ans", "Plus de 5 ans"
