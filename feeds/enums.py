from django.db import models


class FeedFormat(models.TextChoices):
    FRANCE_TRAVAIL = "france-travail", "France Travail – Offres d'emploi v2 (JSON)"
    APEC = "apec", "Apec (XML)"
    XML_JOBS = "xml-jobs", "Flux d'offres XML courant (<source><job>)"
    CSV = "csv", "CSV"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "En file d'attente"
    RUNNING = "running", "En cours"
    RETRYING = "retrying", "Nouvel essai prévu"
    SUCCEEDED = "succeeded", "Réussie"
    SUSPICIOUS = "suspicious", "Suspecte"
    FAILED = "failed", "Échouée"
    INTERRUPTED = "interrupted", "Interrompue"


# A run in one of these states is over.
FINISHED_STATUSES = (RunStatus.SUCCEEDED, RunStatus.SUSPICIOUS, RunStatus.FAILED, RunStatus.INTERRUPTED)


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Planification"
    STAFF = "staff", "Lancement par l'équipe"
    COMMAND = "command", "Ligne de commande"
