from django.apps import AppConfig


class ClctConfig(AppConfig):
    name = "partnership.clct"
    label = "clct"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from partnership.accounts.models import Delegate
        from partnership.clct.services import give_delegate_settings
        from partnership.clct.session import note_delegate

        user_logged_in.connect(note_delegate, dispatch_uid="clct-note-delegate")
        post_save.connect(give_delegate_settings, sender=Delegate, dispatch_uid="clct-delegate-settings")
