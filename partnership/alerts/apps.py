from django.apps import AppConfig


class AlertsConfig(AppConfig):
    verbose_name = "Alertes par courriel"
    name = "partnership.alerts"
    label = "alerts"
