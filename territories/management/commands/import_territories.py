"""`manage.py import_territories`: load the shipped territories data (COG 2026 and ANCT programmes)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from partnership.clct.services import ensure_committees
from partnership.formatting import duration, number
from territories.importer import STEPS, ImportReport, import_territories

BAR_WIDTH = 20


class Command(BaseCommand):
    help = "Importe les territoires (COG 2026, EPCI, programmes de l'ANCT) depuis territories/data/ ; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="dossier des fichiers sources (par défaut settings.TERRITORIES_DATA_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir = Path(options["data_dir"] or settings.TERRITORIES_DATA_DIR)
        verbosity: int = options["verbosity"]
        started = time.perf_counter()

        def progress(step: int, label: str) -> None:
            if verbosity < 1:
                return
            filled = BAR_WIDTH * (step + 1) // len(STEPS)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            elapsed = time.perf_counter() - started
            self.stdout.write(f"[{bar}] {step + 1:2}/{len(STEPS)} {label:<34} {number(elapsed, 2):>6} s")

        if verbosity >= 1:
            self.stdout.write(f"Import des territoires depuis {data_dir}")
        report = import_territories(data_dir, progress=progress)
        ensure_committees()  # one CLCT per département (partnership/clct), idempotent
        if verbosity >= 1:
            self.print_report(report, verbosity, time.perf_counter() - started)

    def print_report(self, report: ImportReport, verbosity: int, elapsed: float) -> None:
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Attention : {warning}"))
        if report.resolved:
            self.stdout.write(f"{len(report.resolved)} ancien(s) code(s) INSEE résolu(s) vers le COG 2026.")
            if verbosity >= 2:
                for line in report.resolved:
                    self.stdout.write(f"  {line}")
        header = f"{'table':<36}{'créées':>10}{'modifiées':>11}{'supprimées':>12}{'inchangées':>12}"
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for count in report.counts:
            self.stdout.write(
                f"{count.table:<36}{count.created:>10}{count.updated:>11}{count.deleted:>12}{count.unchanged:>12}"
            )
        self.stdout.write("")
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Territoires importés en {duration(elapsed)}."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Aucun changement : les territoires sont à jour. ({duration(elapsed)})")
            )
