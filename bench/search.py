"""Search benchmark: server time of a fixed matrix of searches, and requests per second under gunicorn.

    .venv/bin/python bench/search.py            # or `make bench`
    .venv/bin/python bench/search.py --help

A script that prints figures, not a test. It works on its own database: `BENCH_DATABASE_URL`, else
database `talents_bench` on the server of `DATABASE_URL` (which `make bench` sets, starting embedded
servers when needed), else on 127.0.0.1:5432. It creates, migrates and fills it with the territories,
and seeds `--seed-offers` demo offers (100,000 by default) unless that many are already there.

Bars (docs/performance.md, DESIGN.md §6):

1. server time: p95 ≤ 50 ms for every search of the matrix, measured in-process through Django's
   test Client (the whole middleware stack, DEBUG off) with the page cache off, so that every run
   does the search; `--runs` runs after `--warmup` runs;
2. requests per second of `/offres/?q=…` ≥ 0.10 × those of a bare Django view (`/bench/ok`, see
   bench/urls.py) on the same gunicorn server (2 workers, DEBUG off), measured in the same run with
   `wrk`, with the page cache on (as in production: a popular search is served from the cache);
   the same without the page cache (every request searches) is printed for information;
3. requests per second of varied searches, every request a different one (a word × a département ×
   a page, in a shuffled order, so that the page cache cannot answer any of them) ≥ 0.06 × those of
   the bare view, measured in the same run.

The bare view, the one search and the varied mix take turns (`--wrk-rounds`, 5 rounds of 2 s each by
default), so that the machine's drift between two measurements weighs less on their ratio.

Load is only sent to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
BIN = Path(PYTHON).parent

BENCH_DATABASE = "talents_bench"
DEFAULT_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
P95_BAR_MS = 50.0
RATIO_BAR = 0.10
VARIED_RATIO_BAR = 0.06
RPS_SEARCH = "/offres/?q=chef+de+projet"

# The varied mix: words of the demo offers' titles and descriptions (common and less common), every
# département (read from the database), pages 1 to 4; shuffled with a fixed seed. 24 × 101 × 4 =
# 9,696 different searches, more than a measurement sends (it says so if not).
VARIED_WORDS = [
    "projet", "ingénieur", "qualité", "urbanisme", "industrie", "mission", "développement", "animation",
    "commerce", "habitat", "énergie", "maintenance", "production", "numérique", "mobilité", "tourisme",
    "santé", "environnement", "méthanisation", "revitalisation", "achats", "logistique", "agriculture",
    "patrimoine",
]  # fmt: skip
VARIED_PAGES = (1, 2, 3, 4)

# (label, query string of /offres/): words common and rare, every filter, sorts, combinations,
# a deep page and no result. Commune codes: 19272 Tulle, 87085 Limoges, 75056 Paris, 63113 Clermont-Ferrand.
MATRIX: list[tuple[str, str]] = [
    ("no filter (newest)", ""),
    ("q common: projet", "q=projet"),
    ("q common: chargé de mission", "q=charg%C3%A9+de+mission"),
    ('q phrase: "chef de projet"', "q=%22chef+de+projet%22"),
    ("q common, tri=date", "q=industrie&tri=date"),
    ("q medium: méthanisation (~3%)", "q=m%C3%A9thanisation"),
    ("q uncommon: Berzière (~0.2%)", "q=berzi%C3%A8re"),
    ("q rare: Aubusson (a few)", "q=aubusson"),
    ("q ingenieur -alternance", "q=ingenieur+-alternance"),
    ("q zero results", "q=xylophoniste"),
    ("type=vta", "type=vta"),
    ("type=vte+chef-de-projet", "type=vte&type=chef-de-projet"),
    ("programme=pvd", "programme=pvd"),
    ("programme=montagne+frr", "programme=montagne&programme=frr"),
    ("region=84", "region=84"),
    ("departement=19", "departement=19"),
    ("commune=19272 rayon=30", "commune=19272&rayon=30"),
    ("commune=75056 rayon=200 tri=distance", "commune=75056&rayon=200&tri=distance"),
    ("commune=Limoges rayon=50 tri=distance", "commune=Limoges&rayon=50&tri=distance"),
    ("contrat=cdi", "contrat=cdi"),
    ("duree 12-18", "duree_min=12&duree_max=18"),
    ("niveau=bac+5", "niveau=bac%2B5"),
    ("teletravail=partiel", "teletravail=partiel"),
    ("publiee_depuis=7", "publiee_depuis=7"),
    ("q+type+programme+region", "q=qualit%C3%A9&type=vte&programme=ti&region=84"),
    (
        "q+commune+rayon+contrat+niveau",
        "q=urbanisme&commune=63113&rayon=100&contrat=contrat-de-projet&niveau=bac%2B5",
    ),
    ("type+contrat+duree+teletravail", "type=vta&contrat=cdd&duree_min=12&duree_max=18&teletravail=aucun"),
    ("commune+publiee_depuis+distance", "commune=87085&rayon=100&publiee_depuis=30&tri=distance"),
    ("deep page 50", "page=50"),
    ("deep page 50, q common", "q=projet&page=50"),
    ("departement=2A type=vte (few)", "departement=2A&type=vte"),
]


def with_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def default_database_url() -> str:
    """BENCH_DATABASE_URL; else the server of DATABASE_URL (as `make bench` exports it), database talents_bench."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if os.environ.get("DATABASE_URL"):
        return with_database(os.environ["DATABASE_URL"], BENCH_DATABASE)
    return DEFAULT_DATABASE_URL


def say(message: str = "") -> None:
    print(message, flush=True)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def bench_env(database_url: str, *, cache: str = "redis") -> dict[str, str]:
    """The environment of every process of the benchmark: production-like settings on its own database."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # No collectstatic needed: {% static %} without the manifest.
        STATICFILES_STORAGE="partnership.storage.RememberedStaticFilesStorage",
        CACHE_KEY_PREFIX="bench",
        # WhiteNoise wants STATIC_ROOT to exist; no static file is requested by the benchmark.
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "bench-static"),
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        PYTHONPATH=str(ROOT),
    )
    if cache == "dummy":
        env["BENCH_CACHE"] = "dummy"
    else:
        env.pop("BENCH_CACHE", None)
    return env


def make_static_root() -> None:
    (Path(tempfile.gettempdir()) / "bench-static").mkdir(exist_ok=True)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True)


# --- Database ----------------------------------------------------------------------------------------


def prepare_database(database_url: str, offers: int, reseed: bool) -> float | None:
    """Create, migrate and fill the benchmark database; returns the seeding time when it seeded."""
    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    server = with_database(database_url, "postgres")
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            say(f"Creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    env = bench_env(database_url)
    manage(env, "migrate", "--verbosity=0")
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM territories_commune").fetchone()
        communes = row[0] if row else 0
    if not communes:
        say("Importing territories…")
        manage(env, "import_territories", "--verbosity=0")
    if not offers:
        return None
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM offers_offer WHERE source = 'demo'").fetchone()
        existing = row[0] if row else 0
    if existing == offers and not reseed:
        say(f"{existing:,} demo offers already there (--reseed to seed again)")
        return None
    say(f"Seeding {offers:,} demo offers ({load()})…")
    started = time.perf_counter()
    manage(env, "seed_demo", f"--offers={offers}", "--seed=1", "--replace", "--verbosity=1")
    elapsed = time.perf_counter() - started
    say(f"Seeded {offers:,} offers in {elapsed:.1f} s (whole command, Django start-up included; {load()})")
    return elapsed


# --- Server time, in-process ----------------------------------------------------------------------------


@dataclass
class Timing:
    label: str
    query: str
    status: int
    count_text: str
    queries: int
    times_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def worst(self) -> float:
        return max(self.times_ms)


class StatementLog(list[str]):
    """A `connection.execute_wrapper` that keeps the SQL it sees."""

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.append(sql)
        return execute(sql, params, many, context)


_COUNT = re.compile(r'id="nombre-offres"[^>]*>([^<]*)<')


def measure_matrix(database_url: str, runs: int, warmup: int, only: str | None) -> list[Timing]:
    """Every search of the matrix through Django's test Client, page cache off, DEBUG off."""
    os.environ.update(bench_env(database_url, cache="dummy"))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    assert not settings.DEBUG
    client = Client()
    timings = []
    for label, query in MATRIX:
        if only and only not in label:
            continue
        url = f"/offres/?{query}" if query else "/offres/"
        for _ in range(warmup):
            client.get(url)
        # Count the SQL statements of one request (connection.queries is reset when a request starts).
        statements = StatementLog()
        with connection.execute_wrapper(statements):
            response = client.get(url)
        match = _COUNT.search(response.content.decode())
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        timing = Timing(
            label,
            query,
            response.status_code,
            " ".join(match.group(1).split()) if match else "?",
            len(statements),
            times,
        )
        timings.append(timing)
        flag = "  <-- p95 > 50 ms" if timing.p95 > P95_BAR_MS else ""
        say(f"  {label:<38} p50 {timing.p50:6.1f} ms  p95 {timing.p95:6.1f} ms{flag}")
    return timings


def print_matrix(timings: list[Timing]) -> None:
    header = f"{'search':<38} {'status':>6} {'SQL':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  results"
    say(header)
    say("-" * (len(header) + 12))
    for t in timings:
        flag = "  ** p95 > 50 ms" if t.p95 > P95_BAR_MS else ""
        say(
            f"{t.label:<38} {t.status:>6} {t.queries:>4} {t.p50:>7.1f} {t.p95:>7.1f} {t.worst:>7.1f}"
            f"  {t.count_text}{flag}"
        )
    slow = [t for t in timings if t.p95 > P95_BAR_MS]
    say()
    if slow:
        say(f"BAR MISSED: {len(slow)} search(es) with p95 > {P95_BAR_MS:.0f} ms: " + ", ".join(t.label for t in slow))
    else:
        say(f"Bar met: every search p95 ≤ {P95_BAR_MS:.0f} ms (worst p95 {max(t.p95 for t in timings):.1f} ms)")


# --- Requests per second, gunicorn + wrk ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """gunicorn on 127.0.0.1, `workers` sync workers, the benchmark settings."""

    def __init__(self, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        command = [
            str(BIN / "gunicorn"),
            "partnership.wsgi:application",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{self.port}",
            "--log-level=warning",
        ]
        self.log_file = log.open("ab")
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log_file, stderr=self.log_file)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            try:
                with urllib.request.urlopen(self.url("/bench/ok"), timeout=2) as response:  # noqa: S310  # nosec B310 - 127.0.0.1 only
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: see {self.log}")

    def get(self, path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(self.url(path), timeout=10) as response:  # noqa: S310  # nosec B310 - 127.0.0.1 only
            return response.status, response.read()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


@dataclass
class WrkResult:
    path: str
    rps: float
    latency: str
    errors: str
    requests: int = 0


def wrk(url: str, *, threads: int, connections: int, duration: int, script: list[str] | None = None) -> WrkResult:
    """`wrk` against `url`; `script`: its `-s FILE -- ARG…` (the varied mix), else one URL repeated."""
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url, *(script or [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = re.search(r"Latency\s+(\S+)", output)
    requests = re.search(r"(\d+) requests in", output)
    errors = [line.strip() for line in output.splitlines() if "Non-2xx" in line or "Socket errors" in line]
    return WrkResult(
        "(varied searches)" if script else url.split(":", 2)[2].split("/", 1)[1],
        float(rps.group(1)) if rps else 0.0,
        latency.group(1) if latency else "?",
        "; ".join(errors),
        int(requests.group(1)) if requests else 0,
    )


def varied_paths(database_url: str) -> list[str]:
    """Every search of the varied mix (a word × a département × a page), shuffled with a fixed seed."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        departements = [row[0] for row in conn.execute("SELECT code FROM territories_departement ORDER BY code")]
    paths = [
        "/offres/?" + urlencode({"q": word, "departement": code, "page": page})
        for word in VARIED_WORDS
        for code in departements
        for page in VARIED_PAGES
    ]
    random.Random(14).shuffle(paths)  # noqa: S311  # nosec B311 - a fixed order, not a secret
    return paths


# Each wrk thread walks the shuffled list from `start + its number`, `threads` paths at a time, so
# that no two requests of a run ask the same search (until the list is exhausted, which the
# report flags). The warm-up starts half the list away from the measurement.
VARIED_LUA = """
local paths = {%s}
local threads = %d
local counter = 0
function setup(thread)
  thread:set("number", counter)
  counter = counter + 1
end
function init(args)
  position = tonumber(args[1]) + number
end
function request()
  local path = paths[(position %% #paths) + 1]
  position = position + threads
  return wrk.format("GET", path)
end
"""


def varied_script(paths: list[str], threads: int) -> Path:
    script = Path(tempfile.gettempdir()) / "bench-varied.lua"
    script.write_text(VARIED_LUA % (", ".join(f'"{path}"' for path in paths), threads))
    return script


@dataclass
class RpsRun:
    label: str
    cached: bool  # the page cache on, as in production
    bare: WrkResult
    page: WrkResult
    varied: WrkResult
    round_ratios: list[float] = field(default_factory=list)  # varied / bare in each round

    def ratio(self, result: WrkResult) -> float:
        return result.rps / self.bare.rps if self.bare.rps else 0.0

    @property
    def one_search_bar(self) -> float | None:
        """Bar 2 holds with the page cache (as in production); without it the row is for information."""
        return RATIO_BAR if self.cached else None

    def failed(self) -> bool:
        one_search = self.one_search_bar is not None and self.ratio(self.page) < self.one_search_bar
        return one_search or self.ratio(self.varied) < VARIED_RATIO_BAR


def combined(rounds: list[WrkResult]) -> WrkResult:
    """One result from several wrk runs of the same requests: requests per second over their summed
    time, the median of their mean latencies."""
    requests = sum(result.requests for result in rounds)
    elapsed = sum(result.requests / result.rps for result in rounds if result.rps)
    latencies = sorted(rounds, key=lambda result: _milliseconds(result.latency))
    return WrkResult(
        rounds[0].path,
        requests / elapsed if elapsed else 0.0,
        latencies[len(latencies) // 2].latency,
        "; ".join(result.errors for result in rounds if result.errors),
        requests,
    )


def _milliseconds(latency: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", latency)
    if not found:
        return float("inf")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def measure_rps(database_url: str, args: argparse.Namespace) -> tuple[list[RpsRun], int]:
    results = []
    log = Path(tempfile.gettempdir()) / "bench-gunicorn.log"
    options: dict[str, Any] = {"threads": args.wrk_threads, "connections": args.wrk_connections}
    paths = varied_paths(database_url)
    script = str(varied_script(paths, args.wrk_threads))
    # Each run starts at a place of its own in the list, so that a run never meets the pages an
    # earlier one left in the page cache (60 s); the warm-up, half the list away.
    start = random.SystemRandom().randrange(len(paths))
    # The bare view, the one search and the varied mix take turns, `--wrk-rounds` times: on a shared
    # machine whose speed drifts from one minute to the next, a ratio of two figures measured
    # minutes apart measured the drift as much as the search (issue 14).
    seconds = max(1, args.wrk_duration // args.wrk_rounds)
    for cache in ("redis", "dummy"):
        server = Server(bench_env(database_url, cache=cache), args.workers, log)
        try:
            server.wait_ready()
            for path in (RPS_SEARCH, paths[0]):
                status, body = server.get(path)
                if status != 200 or b"nombre-offres" not in body:
                    raise RuntimeError(f"{path} answered {status} without a result count")
            for path in ("/bench/ok", RPS_SEARCH):  # warm-up: code paths, caches, connections
                wrk(server.url(path), duration=2, **options)
            warm_up = str(start + len(paths) // 2)
            wrk(server.url("/"), duration=2, script=["-s", script, "--", warm_up], **options)
            rounds: list[tuple[WrkResult, WrkResult, WrkResult]] = []
            position = start
            for _ in range(args.wrk_rounds):
                bare = wrk(server.url("/bench/ok"), duration=seconds, **options)
                page = wrk(server.url(RPS_SEARCH), duration=seconds, **options)
                varied = wrk(server.url("/"), duration=seconds, script=["-s", script, "--", str(position)], **options)
                position += varied.requests
                rounds.append((bare, page, varied))
        finally:
            server.stop()
        label = "page cache on (production)" if cache == "redis" else "page cache off (every request searches)"
        bare, page, varied = (combined([round_[index] for round_ in rounds]) for index in range(3))
        ratios = [v.rps / b.rps if b.rps else 0.0 for b, _, v in rounds]
        results.append(RpsRun(label, cache == "redis", bare, page, varied, ratios))
        say(
            f"  {label}: bare {bare.rps:,.0f} req/s, one search {page.rps:,.0f} req/s, "
            f"varied searches {varied.rps:,.0f} req/s ({load()})"
        )
    return results, len(paths)


def print_rps(results: list[RpsRun], varied_count: int, args: argparse.Namespace) -> None:
    say(
        f"gunicorn {args.workers} sync workers; wrk -t{args.wrk_threads} -c{args.wrk_connections} "
        f"-d{max(1, args.wrk_duration // args.wrk_rounds)}s × {args.wrk_rounds} rounds, the three requests in turn; "
        f"one search: {RPS_SEARCH} repeated; varied: {varied_count:,} different "
        f"searches (a word × a département × a page), none asked twice in a run"
    )
    header = f"{'mode':<42} {'request':<16} {'req/s':>9} {'× bare':>7} {'latency':>9}"
    say(header)
    say("-" * len(header))
    for run in results:
        say(f"{run.label:<42} {'bare view':<16} {run.bare.rps:>9,.0f} {1:>7.3f} {run.bare.latency:>9}")
        rows = (("one search", run.page, run.one_search_bar), ("varied searches", run.varied, VARIED_RATIO_BAR))
        for name, result, bar in rows:
            ratio = run.ratio(result)
            flag = "" if bar is None or ratio >= bar else f"  ** < {bar}"
            say(f"{'':<42} {name:<16} {result.rps:>9,.0f} {ratio:>7.3f} {result.latency:>9}{flag}")
        if run.round_ratios:
            spread = ", ".join(f"{ratio:.3f}" for ratio in run.round_ratios)
            say(f"{'':<42} varied / bare in each round: {spread}")
        if run.varied.requests > varied_count:
            say(f"    the varied mix repeated: {run.varied.requests:,} requests for {varied_count:,} searches")
        for result in (run.bare, run.page, run.varied):
            if result.errors:
                say(f"    {result.path}: {result.errors}")


# --- Main ----------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        memory = "? RAM"
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=default_database_url(), help="its own database (default: %(default)s)"
    )
    parser.add_argument("--seed-offers", type=int, default=100_000, help="demo offers to seed (0: leave the data)")
    parser.add_argument("--reseed", action="store_true", help="seed again even when the count is already right")
    parser.add_argument("--runs", type=int, default=30, help="measured runs of each search")
    parser.add_argument("--warmup", type=int, default=3, help="runs of each search before measuring")
    parser.add_argument("--only", help="only the searches whose label contains this text")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--wrk-connections", type=int, default=16)
    parser.add_argument("--wrk-duration", type=int, default=10, help="seconds of wrk per request kind, in all")
    parser.add_argument("--wrk-rounds", type=int, default=5, help="turns the three request kinds take")
    parser.add_argument("--skip-latency", action="store_true", help="skip the server-time matrix")
    parser.add_argument("--skip-rps", action="store_true", help="skip the requests-per-second part")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        say("The benchmark needs a PostgreSQL DATABASE URL")
        return 2
    if not args.skip_rps and shutil.which("wrk") is None:
        say("wrk is not installed: `sudo apt-get install -y wrk` (Debian/Ubuntu), or run with --skip-rps")
        return 2
    say(f"Search benchmark — {time.strftime('%Y-%m-%d %H:%M %Z')} — {machine()}")
    say(f"Database {args.database_url} — {load()}")
    make_static_root()
    prepare_database(args.database_url, args.seed_offers, args.reseed)
    failed = False
    # The gunicorn part first: the in-process part sets up Django in this process.
    if not args.skip_rps:
        say()
        say("Requests per second (gunicorn + wrk, 127.0.0.1)…")
        results, varied_count = measure_rps(args.database_url, args)
        say()
        print_rps(results, varied_count, args)
        failed |= any(run.failed() for run in results)
    if not args.skip_latency:
        say()
        say(f"Server time, in-process, page cache off, {args.runs} runs after {args.warmup} warm-up ({load()})…")
        timings = measure_matrix(args.database_url, args.runs, args.warmup, args.only)
        say()
        print_matrix(timings)
        failed |= any(t.p95 > P95_BAR_MS for t in timings)
    say()
    say(f"Done — {load()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
