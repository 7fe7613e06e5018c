from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Talents des territoires"

    def ready(self) -> None:
        from partnership import security_events

        security_events.connect()
