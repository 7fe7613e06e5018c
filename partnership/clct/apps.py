from django.apps import AppConfig


class ClctConfig(AppConfig):
    name = "partnership.clct"
    label = "clct"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from partnership.clct.session import note_delegate

        user_logged_in.connect(note_delegate, dispatch_uid="clct-note-delegate")
