"""Run a command with PostgreSQL and Redis available: `make test` is `with_services.py pytest …`,
`make manage ARGS="createsuperuser"` is `with_services.py --like-run python manage.py createsuperuser`.

Uses DATABASE_URL / REDIS_URL when set, else the servers on 127.0.0.1 when they answer, else
embedded ones (see scripts/services.py), exports both variables to the command, and returns the
command's exit code after stopping any embedded server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from services import ROOT, resolve_services, stop_services  # noqa: E402


def main(argv: list[str]) -> int:
    # --like-run: the servers `make run` uses (its embedded PostgreSQL and Redis, joined when it
    # runs), for `make manage`; by default those of the tests.
    like_run = bool(argv) and argv[0] == "--like-run"
    if like_run:
        argv = argv[1:]
    if not argv:
        print("usage: with_services.py [--like-run] COMMAND [ARG...]", file=sys.stderr)
        return 2
    try:
        env = {**os.environ, **resolve_services(for_tests=not like_run)}
        if like_run:
            env.setdefault("DEBUG", "1")  # as `make run` does
        # The command shares our process group, so a Ctrl-C reaches it directly; we only wait
        # for it to finish (then stop the servers) instead of dying first.
        process = subprocess.Popen(argv, env=env, cwd=ROOT)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        forward = signal.signal(signal.SIGTERM, lambda signum, frame: process.send_signal(signum))
        try:
            returncode = process.wait()
        finally:
            signal.signal(signal.SIGINT, previous)
            signal.signal(signal.SIGTERM, forward)
    finally:
        stop_services()
    if returncode < 0:  # killed by a signal: report it the shell's way
        return 128 - returncode
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
