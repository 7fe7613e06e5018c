"""scripts/services.py: the embedded Redis of `make run`, joined by `make manage` while it runs.

`make manage` used to stop the Redis it had only joined: the running portal then answered 500 on
every page that reads the cache (seen with `make manage ARGS="shell …"` beside `make run`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.project_scripts import script_module

SCRIPTS = Path(settings.BASE_DIR) / "scripts"
# Like `make run`: a process that starts the embedded Redis, keeps it until its stdin closes, then stops it.
STARTER = f"""
import sys
sys.path.insert(0, {str(SCRIPTS)!r})
import services
print(services.start_embedded_redis(sys.argv[1]), flush=True)
sys.stdin.read()
services.stop_services()
"""


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def name():
    name = f"redis-test-join-{os.getpid()}"
    yield name
    for path in (SCRIPTS.parent / ".var").glob(f"{name}.db*"):
        path.unlink()


def test_a_joined_embedded_redis_is_left_running_and_its_starter_stops_it(name):
    with subprocess.Popen(  # noqa: S603  # nosec B603 - this interpreter, a fixed script
        [sys.executable, "-c", STARTER, name], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as starter:
        assert starter.stdin is not None and starter.stdout is not None
        try:
            url = next(line.strip() for line in starter.stdout if line.startswith("unix://"))
            assert answers(url)

            services = script_module("services")
            assert services.start_embedded_redis(name) == url  # joined, not a second server
            services.stop_services()
            assert answers(url), "make manage stopped make run's Redis"
        finally:
            starter.stdin.close()
            starter.wait(timeout=30)
    assert not answers(url)
