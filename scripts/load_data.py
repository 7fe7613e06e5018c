"""Data a local run needs, loaded once: `make run` calls this after `migrate`.

It first creates the directories a local run uses (`make_directories`: `.var/feeds`).

Each step is a management command with a test saying whether it is still needed, so a second
`make run` skips it and starts in seconds. The whole list runs in one Django process.

To add a step (the offers issue adds `seed_demo`), append a `DataStep` to `STEPS`: its
command name, and a function telling whether the data is missing.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")


@dataclass(frozen=True)
class DataStep:
    command: str
    needed: Callable[[], bool]
    why: str


def territories_missing() -> bool:
    from territories.models import Commune

    return not Commune.objects.exists()


def offers_missing() -> bool:
    from offers.models import Offer

    return not Offer.objects.exists()


STEPS: list[DataStep] = [
    DataStep("import_territories", territories_missing, "communes, EPCI, départements, régions, programmes"),
    # seed_demo's defaults: 3,000 fictional offers, seed 1, so that a fresh portal has something to search.
    DataStep("seed_demo", offers_missing, "3,000 demo offers (fictional employers, real communes)"),
]


def make_directories() -> None:
    """The directories a local run writes to or reads from, created when missing: the feeds' files
    (FEEDS_FILES_DIR, where staff put the files of feeds they add in the admin)."""
    from django.conf import settings

    directory = Path(settings.FEEDS_FILES_DIR)
    if not directory.is_dir():
        directory.mkdir(parents=True)
        print(f"[data] created {directory} (feeds given as files are read from there)", flush=True)


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command, get_commands

    make_directories()

    available = get_commands()
    for data_step in STEPS:
        if not data_step.needed():
            print(f"[data] {data_step.command}: already loaded, skipped", flush=True)
            continue
        if data_step.command not in available:
            print(
                f"[data] WARNING: manage.py {data_step.command} does not exist (yet): {data_step.why} not loaded",
                flush=True,
            )
            continue
        started = time.monotonic()
        print(f"[data] {data_step.command}: loading {data_step.why}…", flush=True)
        call_command(data_step.command)
        print(f"[data] {data_step.command}: done in {time.monotonic() - started:.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
