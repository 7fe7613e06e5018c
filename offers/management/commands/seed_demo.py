"""`manage.py seed_demo --offers N [--seed S] [--now DATE] [--replace]`: realistic, fictional demo offers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from offers.demo import DEMO_SOURCE, SeedReport, seed_demo_offers
from offers.enums import OfferKind, OfferStatus
from partnership.clct.demo import seed_demo as seed_clct_demo
from partnership.formatting import duration, number

BAR_WIDTH = 20


def parse_now(value: str) -> dt.datetime:
    """An ISO date (midnight, local time) or date-time; a naive date-time is local time."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now : date ISO attendue (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM), reçu {value!r}") from error
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = (
        "Crée des offres de démonstration (VTE, VTA, chefs de projet) réalistes et fictives sur de vraies "
        f"communes, source « {DEMO_SOURCE} ». Déterministe pour une graine et une date donnée : relancer la "
        "commande avec les mêmes arguments ne change rien (upsert sur (source, identifiant), les offres de "
        "démonstration en trop sont supprimées). --replace supprime d'abord toutes les offres de démonstration "
        "et les recrée (nouveaux identifiants), le plus rapide pour un gros volume."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--offers", type=int, default=3000, help="nombre d'offres (3000 par défaut)")
        parser.add_argument("--seed", type=int, default=1, help="graine du générateur (1 par défaut)")
        parser.add_argument(
            "--now",
            type=parse_now,
            default=None,
            help="date de référence des publications (par défaut aujourd'hui à minuit, heure locale)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="supprimer toutes les offres de démonstration puis les recréer (les identifiants changent)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["offers"]
        if count < 0:
            raise CommandError("--offers doit être positif ou nul")
        verbosity: int = options["verbosity"]

        def progress(done: int, total: int) -> None:
            if verbosity >= 1:
                filled = BAR_WIDTH * done // max(total, 1)
                self.stdout.write(
                    f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {number(done):>9} / {number(total)} offres"
                )

        if verbosity >= 1:
            self.stdout.write(f"Offres de démonstration : {number(count)} (graine {options['seed']})")
        report = seed_demo_offers(
            count,
            seed=options["seed"],
            now=options["now"],
            replace=options["replace"],
            progress=progress,
            log=self.stdout.write if verbosity >= 1 else None,
        )
        if verbosity >= 1:
            self.print_report(report)
        seed_clct_demo(log=self.stdout.write if verbosity >= 1 else None)  # partnership/clct/demo.py

    def print_report(self, report: SeedReport) -> None:
        statuses = (OfferStatus.PUBLISHED, OfferStatus.EXPIRED, OfferStatus.FILLED)
        header = f"{'type':<16}" + "".join(f"{s.label:>10}" for s in statuses) + f"{'total':>10}"
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for kind in OfferKind:
            counts = [report.by_kind_status[(kind.value, s.value)] for s in statuses]
            self.stdout.write(
                f"{kind.label:<16}" + "".join(f"{number(c):>10}" for c in counts) + f"{number(sum(counts)):>10}"
            )
        self.stdout.write("")
        self.stdout.write(
            f"créées {number(report.created)}, modifiées {number(report.updated)}, "
            f"inchangées {number(report.unchanged)}, supprimées {number(report.deleted)}"
        )
        rate = report.offers / report.elapsed if report.elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"{number(report.offers)} offres de démonstration en {duration(report.elapsed)} ({number(rate)}/s)."
            )
        )
