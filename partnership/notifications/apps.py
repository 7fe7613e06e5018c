from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    verbose_name = "Courriels"
    name = "partnership.notifications"
    label = "notifications"
