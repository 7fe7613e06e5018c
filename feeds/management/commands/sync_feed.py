"""`manage.py sync_feed <slug> [--dry-run]` or `sync_feed --format F --file PATH --name NAME [--kind K] [--dry-run]`.

Runs a feed in the foreground with the same code as the Celery task (`feeds.sync.run_feed`), shows a
progress bar, prints the run report and exits non-zero when the run fails.

`--dry-run` reads, checks and maps every record and reports what the run would do, then rolls the
offers back; a configured feed keeps the report of its dry run. With `--file`, nothing at all is
kept: not the feed the command would create, not the report.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from feeds import formats
from feeds.enums import RunStatus, RunTrigger
from feeds.models import RESERVED_SLUGS, Feed, FeedRun
from feeds.services import mark_lost_runs, request_run
from feeds.sync import FeedBusy, run_feed
from offers.enums import OfferKind
from partnership.formatting import duration, number

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Synchronise un flux d'offres au premier plan, avec le même code que la tâche planifiée. "
        "Soit un flux configuré (sync_feed <identifiant>), soit un fichier importé comme le flux NOM "
        "(sync_feed --format F --file CHEMIN --name NOM), créé s'il n'existe pas. Avec --dry-run, tout est "
        "lu et vérifié puis annulé ; avec --file, rien n'est gardé, pas même le flux."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="identifiant d'un flux configuré")
        parser.add_argument("--format", choices=formats.NAMES, help="format du fichier (avec --file)")
        parser.add_argument("--file", type=Path, help="fichier à importer (avec --format et --name)")
        parser.add_argument("--name", help="nom du flux sous lequel importer le fichier (créé s'il n'existe pas)")
        parser.add_argument(
            "--kind",
            choices=OfferKind.values,
            default=None,
            help="type d'offre par défaut d'un flux créé par --file (vte par défaut)",
        )
        parser.add_argument("--dry-run", action="store_true", help="tout faire puis tout annuler (essai à blanc)")

    def handle(self, *args: Any, **options: Any) -> None:
        slug, path = options["slug"], options["file"]
        if slug and path:
            raise CommandError("Donnez soit un identifiant de flux, soit --file, pas les deux.")
        if not slug and not path:
            raise CommandError("Donnez l'identifiant d'un flux, ou --format, --file et --name.")
        mark_lost_runs()
        if path and options["dry_run"]:
            # A file tried out leaves nothing behind: neither the feed it would create, nor the run's
            # report, nor its offers. Everything happens in one transaction rolled back at the end.
            with transaction.atomic():
                run = self._sync(self._file_feed(path, options), path, options)
                self.stdout.write("Essai à blanc : rien n’a été enregistré (ni le flux, ni ses offres, ni le rapport).")
                transaction.set_rollback(True)
        elif path:
            run = self._sync(self._file_feed(path, options), path, options)
        else:
            found = Feed.objects.filter(slug=slug).first()
            if found is None:
                known = ", ".join(Feed.objects.values_list("slug", flat=True)) or "aucun"
                raise CommandError(f"Flux inconnu : « {slug} » (flux configurés : {known}).")
            run = self._sync(found, None, options)
        if run.status == RunStatus.FAILED:
            raise CommandError(f"Échec : {run.error}")

    def _sync(self, feed: Feed, path: Path | None, options: dict[str, Any]) -> FeedRun:
        """Run `feed` (from `path` when given) in the foreground and print its report."""
        queued = request_run(feed, trigger=RunTrigger.COMMAND, dry_run=options["dry_run"], send=False)
        if queued is None:
            raise CommandError(
                f"Une synchronisation du flux « {feed.name} » est déjà en file d’attente ou en cours : "
                "attendez qu’elle finisse (voir /pilotage/flux/)."
            )
        run = queued
        verbosity = options["verbosity"]
        started = time.perf_counter()
        self.stdout.write(f"Flux « {feed.name} » ({feed.get_format_display()}) : {path or feed.location}")
        try:
            if path:
                with path.open("rb") as stream:
                    run = run_feed(run, stream=stream, allow_any_file=True, progress=self._progress(verbosity, started))
            else:
                run = run_feed(run, allow_any_file=False, progress=self._progress(verbosity, started))
        except FeedBusy as busy:
            run.delete()
            raise CommandError(str(busy)) from busy
        if verbosity >= 1 and sys.stdout.isatty():
            self.stdout.write("")
        # The report is read before a dry run of a file rolls everything back (its rejected records too).
        self._report(run, time.perf_counter() - started, kept=not (path and run.dry_run))
        return run

    def _file_feed(self, path: Path, options: dict[str, Any]) -> Feed:
        fmt, name = options["format"], options["name"]
        if not fmt or not name:
            raise CommandError("--file demande aussi --format et --name.")
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        slug = slugify(name)[:60]
        if not slug or slug in RESERVED_SLUGS:
            raise CommandError(f"Nom de flux inutilisable : « {name} ».")
        feed, created = Feed.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "format": fmt,
                "location": str(path.resolve()),
                "default_kind": options["kind"] or OfferKind.VTE,
                # A file loaded by hand is not fetched on a schedule.
                "enabled": False,
            },
        )
        if created and options["dry_run"]:
            self.stdout.write(f"Essai à blanc : le flux « {name} » serait créé (identifiant {slug}, non planifié).")
        elif created:
            self.stdout.write(f"Flux « {name} » créé (identifiant {slug}, non planifié).")
        elif feed.format != fmt:
            raise CommandError(f"Le flux « {feed.name} » existe au format {feed.format}, pas {fmt}.")
        elif options["kind"] and options["kind"] != feed.default_kind:
            raise CommandError(
                f"Le flux « {feed.name} » a le type par défaut {feed.default_kind}, pas {options['kind']}."
            )
        return feed

    def _progress(self, verbosity: int, started: float) -> Any:
        if verbosity < 1:
            return None
        tty = sys.stdout.isatty()
        last = [0.0]

        def progress(records: int, done: int, total: int) -> None:
            now = time.perf_counter()
            if not tty and now - last[0] < 2 and (not total or done < total):
                return
            last[0] = now
            rate = records / max(now - started, 1e-6)
            if total:
                filled = BAR_WIDTH * done // total
                bar = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {100 * done // total:3d} % "
            else:
                bar = ""
            line = f"{bar}{number(records):>9} enregistrements ({number(rate)}/s)"
            if tty:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        return progress

    def _report(self, run: FeedRun, seconds: float, *, kept: bool = True) -> None:
        self.stdout.write(
            f"Synchronisation {run.get_status_display().lower()}{' (essai à blanc)' if run.dry_run else ''}"
        )
        self.stdout.write(
            f"  lus {number(run.records)}, créées {number(run.created)}, modifiées {number(run.updated)}, "
            f"inchangées {number(run.unchanged)}, retirées {number(run.withdrawn)}, écartées {number(run.rejected)}, "
            f"doublons {number(run.duplicates)}"
        )
        if run.withheld_withdrawals:
            self.stdout.write(f"  retraits suspendus : {number(run.withheld_withdrawals)}")
        if run.suspicious_reason:
            self.stdout.write(self.style.WARNING(f"  suspecte : {run.suspicious_reason}"))
        for rejected in run.rejected_records.all()[:10]:
            self.stdout.write(f"  écarté {rejected.external_id or '?'} : {rejected.reason}")
        if run.rejected > 10:
            self.stdout.write(f"  … et {number(run.rejected - 10)} autres enregistrements écartés")
        if run.error:
            self.stdout.write(self.style.ERROR(f"  erreur : {run.error}"))
        rate = run.records / seconds if seconds else 0
        report = f", rapport n° {run.pk}" if kept else ""
        self.stdout.write(f"  {duration(seconds)} ({number(rate)} enregistrements/s){report}")
