from django.db import models


class OrganisationKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "Établissement public de coopération intercommunale (EPCI)"
    SYNDICAT_MIXTE = "syndicat-mixte", "Syndicat mixte"
    PETR = "petr", "Pôle d’équilibre territorial et rural (PETR)"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    ASSOCIATION = "association", "Association"
    APEC = "apec", "Apec"
    ANCT = "anct", "ANCT"
    OTHER_PUBLIC_BODY = "autre-organisme-public", "Autre organisme public"


class Role(models.TextChoices):
    """A member's role in an organisation: an administrator also manages its members."""

    ADMINISTRATOR = "administrator", "Administrateur"
    MEMBER = "member", "Membre"


class OrganisationStatus(models.TextChoices):
    """An organisation created by one of its people waits for staff's approval before it may post offers."""

    PENDING = "pending", "En attente de validation"
    APPROVED = "approved", "Validée"
