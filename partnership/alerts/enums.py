from django.db import models


class Frequency(models.TextChoices):
    DAILY = "daily", "Chaque jour"
    WEEKLY = "weekly", "Chaque semaine (le lundi)"
