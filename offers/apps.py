from typing import Any

from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Offres"

    def ready(self) -> None:
        from territories.signals import territories_imported

        territories_imported.connect(_refresh_offer_places, dispatch_uid="offers.refresh_offer_places")


def _refresh_offer_places(sender: Any, **kwargs: Any) -> None:
    from offers.lifecycle import refresh_places

    refresh_places()
