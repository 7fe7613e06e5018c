from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    verbose_name = "Statistiques"
    name = "partnership.statistics"
    label = "statistics"
