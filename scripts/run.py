"""`make run`: the whole portal on one machine, with real PostgreSQL, Redis, Celery worker and beat.

1. Services: DATABASE_URL / REDIS_URL when set, otherwise embedded PostgreSQL 18 and Redis
   started from Python packages, with their data kept in `.var/` (see scripts/services.py).
2. Data: `migrate`, then scripts/load_data.py: the directories a local run uses (`.var/feeds`, where
   the files of feeds added in the admin go) and the data steps (territories are imported once; a
   second start skips them), and `collectstatic` when DEBUG is off.
3. Processes: gunicorn (2 workers) on http://127.0.0.1:$PORT (8000), a Celery worker and Celery
   beat, all with the same environment.

DEBUG defaults to 1 here (a local run needs no SECRET_KEY and serves static files from the
source tree); set DEBUG=0 and SECRET_KEY (and SECURE_SSL_REDIRECT=0: this is plain HTTP) to run
the production configuration locally. ALLOWED_HOSTS defaults to 127.0.0.1,localhost, SITE_URL to
the local URL.

Ctrl-C or SIGTERM stops the processes, then the embedded servers, and exits 0. If any process
dies on its own, everything is stopped and the exit status is 1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from services import ROOT, port_open, resolve_services, say, stop_services  # noqa: E402

PYTHON = sys.executable
STOP_TIMEOUT = 15.0


class StopRequested(Exception):
    """Raised from the signal handler: Ctrl-C or SIGTERM."""


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def _on_signal(signum: int, frame: FrameType | None) -> None:
    # Later signals are ignored while we stop everything in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise StopRequested(signal.Signals(signum).name)


def healthy(port: int) -> bool:
    """Whether the portal answers /healthz with 200 (its database and Redis reached), not just listens."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310  # nosec B310
            return bool(response.status == 200)
    except (OSError, ValueError):
        return False


def env_flag(env: dict[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def step(title: str, command: list[str], env: dict[str, str]) -> None:
    started = time.monotonic()
    say(f"{title}…")
    subprocess.run(command, env=env, cwd=ROOT, check=True)
    say(f"{title}: done in {time.monotonic() - started:.1f}s")


def start(name: str, command: list[str], env: dict[str, str]) -> Child:
    # Own session: a terminal Ctrl-C reaches only this launcher, which then stops the
    # children in order (instead of each one dying on its own and looking like a crash).
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    say(f"started {name} (pid {process.pid}): {' '.join(command[1:])}")
    return Child(name, process)


def stop_children(children: list[Child]) -> None:
    for child in children:
        if child.process.poll() is None:
            say(f"stopping {child.name} (pid {child.process.pid})")
            child.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{child.name} did not stop in {STOP_TIMEOUT:.0f}s: killing it")
            child.process.kill()
            child.process.wait()
        # Whatever the leader left behind in its process group (pool processes…) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)


def main() -> int:
    started = time.monotonic()
    port = int(os.environ.get("PORT", "8000"))
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")  # what we bind to, even with DEBUG=0
    env["PYTHONUNBUFFERED"] = "1"

    if port_open("127.0.0.1", port):
        say(f"port {port} is already in use on 127.0.0.1: stop what listens there or set PORT")
        return 1

    children: list[Child] = []
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        env.update(resolve_services(for_tests=False))
        manage = [PYTHON, str(ROOT / "manage.py")]
        step("Migrating the database", [*manage, "migrate", "--noinput", "--verbosity", "1"], env)
        step("Loading data", [PYTHON, str(ROOT / "scripts" / "load_data.py")], env)
        if not env_flag(env, "DEBUG"):
            step("Collecting static files", [*manage, "collectstatic", "--noinput", "--verbosity", "0"], env)

        children = [
            start(
                "web",
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "partnership.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    env.get("WEB_CONCURRENCY", "2"),
                    "--graceful-timeout",
                    "10",
                    "--limit-request-line",
                    "4094",
                    "--access-logfile",
                    "-",
                    "--no-control-socket",
                ],
                env,
            ),
            start(
                "worker",
                [PYTHON, "-m", "celery", "-A", "partnership", "worker", "-l", "info", "--concurrency", "2"],
                env,
            ),
            start("beat", [PYTHON, "-m", "celery", "-A", "partnership", "beat", "-l", "info"], env),
        ]

        announced = False
        while True:
            for child in children:
                code = child.process.poll()
                if code is not None:
                    say(f"{child.name} exited unexpectedly (status {code}): stopping everything")
                    return 1
            if not announced and healthy(port):
                announced = True
                say(f"up in {time.monotonic() - started:.1f}s")
                print(f"\n    Talents des territoires: http://127.0.0.1:{port}/   (Ctrl-C to stop)\n", flush=True)
            time.sleep(0.2)
    except StopRequested as stop:
        say(f"{stop.args[0]} received: stopping")
        return 0
    except subprocess.CalledProcessError as error:
        say(f"failed: {' '.join(map(str, error.cmd))} (status {error.returncode})")
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_children(children)
        stop_services()
        say("stopped")


if __name__ == "__main__":
    sys.exit(main())
