"""`manage.py send_clct_digests [--week YYYY-Www] [--dry-run] [--delegate EMAIL]`: the weekly digests, now.

Records each delegate's digest as the beat task does (once per delegate and week: a digest already sent
is « skipped »), and prints sent / skipped / failed. `--dry-run` prints the messages (console backend)
and writes nothing to the database.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnership.accounts.models import Delegate, UserManager
from partnership.clct.digest import Week, preview, send_digest


class Command(BaseCommand):
    help = "Envoie le récapitulatif hebdomadaire des CLCT (une fois par délégué et par semaine)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--week", help="semaine ISO, par exemple 2026-W49 (par défaut : la semaine en cours)")
        parser.add_argument("--dry-run", action="store_true", help="affiche les courriels sans rien enregistrer")
        parser.add_argument("--delegate", metavar="EMAIL", help="un seul délégué, par son adresse")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            week = Week.parse(options["week"]) if options["week"] else Week.of()
        except ValueError as error:
            raise CommandError(f"Semaine invalide : {options['week']!r} (attendu : 2026-W49).") from error
        delegates = Delegate.objects.select_related("user").order_by("pk")
        if options["delegate"]:
            delegates = delegates.filter(user__email=UserManager.canonical_email(options["delegate"]))
            if not delegates.exists():
                raise CommandError(f"Aucun délégué avec l’adresse {options['delegate']}.")
        counts = {"sent": 0, "skipped": 0, "failed": 0}
        console = get_connection("django.core.mail.backends.console.EmailBackend", stream=self.stdout)
        for delegate in delegates:
            try:
                if options["dry_run"]:
                    message = preview(delegate=delegate, week=week)
                    if message is None:
                        counts["skipped"] += 1
                    else:
                        console.send_messages([message])
                        counts["sent"] += 1
                    continue
                outcome = send_digest(delegate_id=delegate.pk, week=week)
            except Exception as error:  # noqa: BLE001 - one delegate's failure must not stop the others
                counts["failed"] += 1
                self.stderr.write(f"Délégué {delegate.pk} : échec ({type(error).__name__})")
                continue
            counts["sent" if outcome.sent else "skipped"] += 1
            if options["verbosity"] >= 2:
                self.stdout.write(f"Délégué {delegate.pk} : {outcome.status}")
        verb = "à envoyer (essai à blanc, rien n’est enregistré)" if options["dry_run"] else "enregistrés pour envoi"
        self.stdout.write(
            f"Semaine {week} : {counts['sent']} récapitulatif(s) {verb}, {counts['skipped']} ignoré(s), "
            f"{counts['failed']} en échec."
        )
