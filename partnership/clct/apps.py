from django.apps import AppConfig


class ClctConfig(AppConfig):
    name = "partnership.clct"
    label = "clct"
