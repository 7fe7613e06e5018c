from django.apps import AppConfig


class ApiConfig(AppConfig):
    verbose_name = "Données ouvertes (API)"
    name = "api"
