"""Feed runs through a real Celery worker process on the real Redis (not eager mode), and the faults
they must survive: a worker killed mid-run, a feed run twice, a feed server answering 500 or timing
out, malformed, hostile or huge documents, an empty feed, a feed with 10 % of yesterday's records.

The worker is a separate process (`celery -A partnership worker`) on the session's test database
and a queue of its own; the feed documents are served by a real HTTP server (tests/feeds/httpserver.py)
that the worker fetches from. Like the browser tests, these tests run outside pytest-django's
transactions (the worker must see committed rows) and clean up the feeds and offers they made.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from django.core.management import call_command
from django.db import connection

from feeds.enums import RunStatus, RunTrigger
from feeds.models import Feed, FeedRun
from feeds.services import request_run
from offers.enums import OfferStatus
from offers.models import Offer
from partnership.celery import app
from tests.feeds.documents import xml_jobs
from tests.feeds.httpserver import FeedServer

ROOT = Path(__file__).resolve().parents[2]

XML_HEADERS = {"Content-Type": "application/xml; charset=utf-8"}


# --------------------------------------------------------------------------------------------------
# Harness: a feed server and a worker process for the module


class Worker:
    """`celery -A partnership worker` in its own process group, consuming only `queue`."""

    def __init__(self, env: dict[str, str], queue: str, log: Path) -> None:
        self.env, self.queue, self.log = env, queue, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "partnership",
                    "worker",
                    "-Q",
                    self.queue,
                    "-n",
                    f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
                    "--pool=prefork",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = self.log.read_bytes()[offset:].decode(errors="replace")
            if " ready." in text:
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited at start:\n{text}")
            time.sleep(0.1)
        raise RuntimeError("worker not ready after 60 s:\n" + self.log.read_text(errors="replace")[-4000:])

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and pool process, no chance to requeue or ack."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def kill_pool_process(self) -> None:
        """SIGKILL only the pool process running the task: the main process sees the worker lost."""
        assert self.process is not None
        children = psutil.Process(self.process.pid).children()
        assert children, "no pool process"
        for child in children:
            child.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    with FeedServer() as feed_server:
        yield feed_server


@pytest.fixture(scope="module")
def db_access(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Committed database access for the module (the worker must see the rows); territories ensured."""
    from territories.models import Commune

    with django_db_blocker.unblock():
        if not Commune.objects.exists():  # an earlier transactional test flushed them
            call_command("import_territories", verbosity=0)
        yield
        connection.close()


@pytest.fixture(scope="module")
def worker(db_access: None, server: FeedServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    queue = f"feeds-test-{uuid.uuid4().hex[:8]}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # what this process sends goes to the test worker only
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "FEEDS_ALLOWED_HOSTS": server.host,
        "FEEDS_FILES_DIR": str(tmp_path_factory.mktemp("feeds")),
        "FEEDS_HTTP_CONNECT_TIMEOUT": "2",
        "FEEDS_HTTP_READ_TIMEOUT": "1",
        "FEEDS_HTTP_RETRIES": "0",
        "FEEDS_TASK_MAX_RETRIES": "2",
        "FEEDS_RETRY_BACKOFF": "1",
        "FEEDS_RETRY_BACKOFF_MAX": "2",
        # A task left unacknowledged by a lost worker comes back after 3 s (2 h in production).
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "FEEDS_RUN_HEARTBEAT_SECONDS": "1",
        "LOG_FORMAT": "text",
        "DB_CONN_MAX_AGE": "0",
    }
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    worker = Worker(env, queue, log)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_default_queue = previous_queue
        with app.connection_for_write() as conn:  # drop what is left of the test queue
            conn.default_channel.client.delete(queue, f"{queue}\x06\x163", f"{queue}\x06\x166", f"{queue}\x06\x169")


@pytest.fixture
def make_feed(worker: Worker, server: FeedServer) -> Iterator[Callable[..., Feed]]:
    made: list[Feed] = []

    def make(**fields: Any) -> Feed:
        slug = f"test-{uuid.uuid4().hex[:10]}"
        fields.setdefault("location", server.url(f"/{slug}.xml"))
        fields.setdefault("format", "xml-jobs")
        feed = Feed.objects.create(name=f"Flux {slug}", slug=slug, default_kind="vte", **fields)
        made.append(feed)
        return feed

    yield make
    for feed in made:
        Offer.objects.filter(source=feed.slug).delete()
        feed.delete()


def wait_for(run: FeedRun, done: Callable[[FeedRun], bool] | None = None, timeout: float = 60) -> FeedRun:
    done = done or (lambda r: r.is_finished)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if done(run):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run.pk} still {run.status} after {timeout} s: {run.error}")


def run_now(feed: Feed, **kwargs: Any) -> FeedRun:
    return wait_for(request_run(feed, trigger=RunTrigger.SCHEDULE), **kwargs)


def copy_in_progress() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE 'COPY offers_offer %%')"
        )
        return bool(cursor.fetchone()[0])


def published(feed: Feed) -> int:
    return Offer.objects.filter(source=feed.slug, status=OfferStatus.PUBLISHED).count()


# --------------------------------------------------------------------------------------------------
# Tests


@pytest.mark.django_db  # also makes pytest-django create the test database when this module runs alone
def test_the_worker_uses_the_test_database() -> None:
    """The worker process must write to the session's test database, never to the one of DATABASE_URL."""
    name = connection.settings_dict["NAME"]
    assert name.startswith("test_")
    assert database_url().endswith(f"/{name}")


def test_a_feed_run_twice_changes_nothing_the_second_time(server: FeedServer, make_feed: Callable[..., Feed]) -> None:
    feed = make_feed()
    server.route(f"/{feed.slug}.xml", body=xml_jobs(40), headers=XML_HEADERS)

    first = run_now(feed)
    assert (first.status, first.records, first.created, first.rejected) == (RunStatus.SUCCEEDED, 40, 40, 0), first.error
    second = run_now(feed)
    assert second.status == RunStatus.SUCCEEDED
    assert (second.created, second.updated, second.unchanged, second.withdrawn) == (0, 0, 40, 0)
    assert published(feed) == 40


def test_the_worker_killed_mid_run_the_run_is_delivered_again_and_completes(
    server: FeedServer, worker: Worker, make_feed: Callable[..., Feed]
) -> None:
    feed = make_feed()
    body = xml_jobs(300)
    # Trickled slowly: the worker is killed while the run is under way.
    server.route(f"/{feed.slug}.xml", body=body, headers=XML_HEADERS, chunk_size=len(body) // 40, chunk_delay=0.1)
    run = request_run(feed, trigger=RunTrigger.STAFF)
    wait_for(run, lambda r: r.status == RunStatus.RUNNING and server.hits(f"/{feed.slug}.xml") >= 1)
    time.sleep(0.5)
    worker.kill()
    assert not Offer.objects.filter(source=feed.slug).exists()

    server.route(f"/{feed.slug}.xml", body=body, headers=XML_HEADERS)
    worker.start()
    run = wait_for(run)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.attempts, run.created, run.records) == (2, 300, 300)
    offers = Offer.objects.filter(source=feed.slug)
    assert offers.count() == 300
    assert offers.values("external_id").distinct().count() == 300


def test_a_worker_killed_for_good_its_silent_run_is_closed_and_the_feed_runs_again(
    server: FeedServer, worker: Worker, make_feed: Callable[..., Feed], settings: Any
) -> None:
    """Without waiting for the broker to deliver the task again (2 h in production): the run stops
    writing its heartbeat, the dispatcher closes it as lost and queues the feed again."""
    from feeds.tasks import dispatch_due_feeds

    feed = make_feed()
    body = xml_jobs(300)
    server.route(f"/{feed.slug}.xml", body=body, headers=XML_HEADERS, chunk_size=len(body) // 40, chunk_delay=0.1)
    first = request_run(feed, trigger=RunTrigger.STAFF)
    first = wait_for(first, lambda r: r.status == RunStatus.RUNNING and server.hits(f"/{feed.slug}.xml") >= 1)
    wait_for(first, lambda r: r.heartbeat_at is not None and r.heartbeat_at > r.started_at, timeout=10)
    worker.kill()

    settings.FEEDS_RUN_LOST_AFTER = 2
    time.sleep(2.5)
    queued = dispatch_due_feeds()
    first.refresh_from_db()
    assert first.status == RunStatus.INTERRUPTED
    assert "ne donnait plus signe de vie" in first.error
    [again] = [FeedRun.objects.get(pk=pk) for pk in queued if FeedRun.objects.get(pk=pk).feed_id == feed.pk]

    server.route(f"/{feed.slug}.xml", body=body, headers=XML_HEADERS)
    worker.start()
    again = wait_for(again)
    assert again.status == RunStatus.SUCCEEDED, again.error
    assert (again.created, again.records) == (300, 300)
    offers = Offer.objects.filter(source=feed.slug)
    assert offers.count() == 300 and offers.values("external_id").distinct().count() == 300
    # The first run's task, delivered again to the new worker, finds its run closed and does nothing.
    time.sleep(2)
    first.refresh_from_db()
    assert first.status == RunStatus.INTERRUPTED
    assert offers.count() == 300


def test_the_pool_process_killed_mid_write_the_run_is_delivered_again_without_duplicates(
    server: FeedServer, worker: Worker, make_feed: Callable[..., Feed]
) -> None:
    feed = make_feed(max_megabytes=64)
    server.route(f"/{feed.slug}.xml", body=xml_jobs(200), headers=XML_HEADERS)
    assert run_now(feed).created == 200
    # A bigger version of the feed: 200 known offers, 20,000 new ones, killed while COPY writes them.
    server.route(f"/{feed.slug}.xml", body=xml_jobs(20_200), headers=XML_HEADERS)
    run = request_run(feed, trigger=RunTrigger.STAFF)
    wait_for(run, lambda r: r.status == RunStatus.RUNNING)
    deadline = time.monotonic() + 30
    while not copy_in_progress():
        assert time.monotonic() < deadline, "the run never reached its COPY"
        time.sleep(0.01)
    worker.kill_pool_process()

    run = wait_for(run)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.attempts == 2
    assert (run.created, run.unchanged) == (20_000, 200)
    offers = Offer.objects.filter(source=feed.slug)
    assert offers.count() == 20_200
    assert offers.values("external_id").distinct().count() == 20_200


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ({"status": 500, "body": b"Internal Server Error"}, "500"),
        ({"body": b"<source/>", "delay": 3.0}, "Délai dépassé"),
    ],
    ids=["http-500", "timeout"],
)
def test_a_failing_feed_server_is_retried_with_back_off_then_the_run_fails_and_withdraws_nothing(
    server: FeedServer, make_feed: Callable[..., Feed], route: dict[str, Any], reason: str
) -> None:
    feed = make_feed()
    path = f"/{feed.slug}.xml"
    server.route(path, body=xml_jobs(10), headers=XML_HEADERS)
    assert run_now(feed).created == 10

    server.route(path, headers=XML_HEADERS, **route)
    hits_before = server.hits(path)
    started = time.monotonic()
    run = run_now(feed)
    elapsed = time.monotonic() - started
    assert run.status == RunStatus.FAILED
    assert reason in run.error
    assert run.attempts == 3  # the first attempt and FEEDS_TASK_MAX_RETRIES = 2 retries
    assert server.hits(path) - hits_before == 3
    assert elapsed >= 1 + 2  # back-off: 1 s, then 2 s
    assert (run.created, run.updated, run.withdrawn) == (0, 0, 0)
    assert published(feed) == 10


HOSTILE = {
    "malformed-xml": (b"<?xml version='1.0'?><source><job><title>Sans fin</title></source>", "XML"),
    "xxe": (
        b"<?xml version='1.0'?><!DOCTYPE source [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
        b"<source><job><title>&xxe;</title><referencenumber>X1</referencenumber></job></source>",
        "DTD",
    ),
    "billion-laughs": (
        b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>"
        b"<source><job><title>&lol2;</title></job></source>",
        "DTD",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_malformed_or_hostile_xml_is_rejected_with_a_reason_and_withdraws_nothing(
    server: FeedServer, make_feed: Callable[..., Feed], case: str
) -> None:
    feed = make_feed()
    path = f"/{feed.slug}.xml"
    server.route(path, body=xml_jobs(5), headers=XML_HEADERS)
    assert run_now(feed).created == 5
    body, reason = HOSTILE[case]
    server.route(path, body=body, headers=XML_HEADERS)
    run = run_now(feed)
    assert run.status == RunStatus.FAILED
    assert reason in run.error
    assert run.attempts == 1  # not retried: the document itself is wrong
    assert "root:" not in run.error  # nothing of /etc/passwd
    assert published(feed) == 5


def test_malformed_json_is_rejected_with_its_position(server: FeedServer, make_feed: Callable[..., Feed]) -> None:
    feed = make_feed(format="france-travail", location=server.url("/ft-broken.json"))
    server.route(
        "/ft-broken.json",
        body=b'{"resultats": [{"id": "1", "intitule": "x"',
        headers={"Content-Type": "application/json"},
    )
    run = run_now(feed)
    assert run.status == RunStatus.FAILED
    assert "JSON" in run.error


def test_a_50_mb_body_is_refused_before_it_is_read_whole(server: FeedServer, make_feed: Callable[..., Feed]) -> None:
    feed = make_feed()  # max_megabytes = 32 by default
    big = b"<source>" + b" " * (50 * 1024 * 1024) + b"</source>"
    server.route(f"/{feed.slug}.xml", body=big, headers=XML_HEADERS)
    run = run_now(feed)
    assert run.status == RunStatus.FAILED
    assert "volumineux" in run.error
    # Streamed without a Content-Length, it is cut at the limit too.
    server.route(f"/{feed.slug}.xml", body=big, headers=XML_HEADERS, chunk_size=1024 * 1024)
    run = run_now(feed)
    assert run.status == RunStatus.FAILED
    assert "volumineux" in run.error


def test_an_empty_feed_withdraws_nothing_and_the_run_is_suspicious(
    server: FeedServer, make_feed: Callable[..., Feed]
) -> None:
    feed = make_feed()
    path = f"/{feed.slug}.xml"
    server.route(path, body=xml_jobs(20), headers=XML_HEADERS)
    assert run_now(feed).created == 20
    server.route(path, body=b"<?xml version='1.0'?><source><publisher>Test</publisher></source>", headers=XML_HEADERS)
    run = run_now(feed)
    assert run.status == RunStatus.SUSPICIOUS
    assert "vide" in run.suspicious_reason
    assert (run.withdrawn, run.withheld_withdrawals) == (0, 20)
    assert published(feed) == 20


def test_a_feed_with_a_tenth_of_yesterdays_records_withdraws_nothing_and_is_suspicious(
    server: FeedServer, make_feed: Callable[..., Feed]
) -> None:
    feed = make_feed()
    path = f"/{feed.slug}.xml"
    server.route(path, body=xml_jobs(100), headers=XML_HEADERS)
    assert run_now(feed).created == 100
    server.route(path, body=xml_jobs(10), headers=XML_HEADERS)
    run = run_now(feed)
    assert run.status == RunStatus.SUSPICIOUS
    assert "90\u00a0%" in run.suspicious_reason
    assert (run.withdrawn, run.withheld_withdrawals, run.unchanged) == (0, 90, 10)
    assert published(feed) == 100

    # Below the threshold (30 % by default), absent offers are withdrawn.
    server.route(path, body=xml_jobs(80), headers=XML_HEADERS)
    run = run_now(feed)
    assert run.status == RunStatus.SUCCEEDED
    assert run.withdrawn == 20
    assert published(feed) == 80
    assert Offer.objects.filter(source=feed.slug, status=OfferStatus.WITHDRAWN).count() == 20


def test_one_run_at_a_time_per_feed(server: FeedServer, make_feed: Callable[..., Feed]) -> None:
    """A second run of a feed while the first holds its lock waits for it instead of running alongside."""
    from feeds import sync

    feed = make_feed()
    server.route(f"/{feed.slug}.xml", body=xml_jobs(10), headers=XML_HEADERS)
    with sync.feed_lock(feed):  # this test process holds the lock, as a run would
        run = request_run(feed, trigger=RunTrigger.STAFF)
        time.sleep(3)
        run.refresh_from_db()
        assert run.status == RunStatus.QUEUED
        assert server.hits(f"/{feed.slug}.xml") == 0
    # Busy runs are tried again after tasks.BUSY_COUNTDOWN seconds: not waited for here.
    FeedRun.objects.filter(pk=run.pk).update(status=RunStatus.INTERRUPTED)
