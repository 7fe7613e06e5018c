from django.db import models


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    HELD = "held", "Tenue"
    CANCELLED = "cancelled", "Annulée"


class Rsvp(models.TextChoices):
    """A delegate's answer to an invitation (blank: not answered yet)."""

    YES = "yes", "Je participerai"
    NO = "no", "Je ne participerai pas"
    MAYBE = "maybe", "Je ne sais pas encore"


class Period(models.TextChoices):
    UPCOMING = "a-venir", "À venir"
    PAST = "passees", "Passées"
    ALL = "toutes", "Toutes"
