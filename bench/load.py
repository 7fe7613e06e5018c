#!/usr/bin/env python
"""Load test: a mixed anonymous workload against gunicorn on 100,000 offers (a script, not a test).

    .venv/bin/python bench/load.py [--duration 60] [--connections 32] [--workers 2]

Home, searches (words, filters, radius, sorts), offer pages, the commune autocomplete, RSS feeds
and territory pages, in fixed proportions (`WORKLOAD`), for `--duration` seconds with
`--connections` concurrent connections (wrk, one request at a time each: 32 users who never
pause) against gunicorn with the production settings (DEBUG off, page cache on). It uses the
benchmark database of bench/search.py (`talents_bench`, created and seeded when missing), sends load
only to 127.0.0.1, and prints requests per second, p50/p95/p99 latency and every error. Exits 1
if any request failed (connection error, timeout or HTTP status ≥ 400).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import (  # noqa: E402
    ROOT,
    Server,
    bench_env,
    default_database_url,
    load,
    machine,
    make_static_root,
    prepare_database,
    say,
)

# (weight, paths): searches and offer pages dominate, as on a job board.
SEARCHES = [
    "/offres/",
    "/offres/?q=projet",
    "/offres/?q=ing%C3%A9nieur+qualit%C3%A9",
    "/offres/?q=%22chef+de+projet%22+-alternance",
    "/offres/?type=vta",
    "/offres/?programme=pvd&programme=acv",
    "/offres/?region=84&contrat=cdi",
    "/offres/?departement=19",
    "/offres/?commune=19272&rayon=30",
    "/offres/?commune=75056&rayon=50&tri=distance",
    "/offres/?q=m%C3%A9thanisation&tri=date",
    "/offres/?teletravail=partiel&niveau=bac%2B5",
    "/offres/?publiee_depuis=7&page=3",
]
AUTOCOMPLETE = [
    "/territoires/communes/autocomplete/?q=tul",
    "/territoires/communes/autocomplete/?q=st+etienne",
    "/territoires/communes/autocomplete/?q=egleton",
    "/territoires/communes/autocomplete/?q=marseile",
    "/territoires/communes/autocomplete/?q=19000",
]
FEEDS = ["/offres/flux.rss?q=projet", "/offres/flux.atom?type=vte", "/offres/flux.rss?departement=87"]
TERRITORIES = [
    "/territoires/communes/19272/",
    "/territoires/departements/19/",
    "/territoires/programmes/petites-villes-de-demain/",
]
WORKLOAD = {"home": 10, "search": 35, "offer": 30, "autocomplete": 15, "feed": 5, "territory": 5}


def offer_paths(database_url: str, count: int) -> list[str]:
    """`count` open offers' pages, spread over the table (the same ones at every run)."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT id, slug FROM offers_offer WHERE status = 'published' AND expires_at > now()"
            " ORDER BY md5(id::text) LIMIT %s",
            [count],
        ).fetchall()
    return [f"/offres/{pk}-{slug}/" for pk, slug in rows]


def workload(database_url: str) -> list[str]:
    groups = {
        "home": ["/"],
        "search": SEARCHES,
        "offer": offer_paths(database_url, 300),
        "autocomplete": AUTOCOMPLETE,
        "feed": FEEDS,
        "territory": TERRITORIES,
    }
    paths: list[str] = []
    total = 1000
    for name, weight in WORKLOAD.items():
        members = groups[name]
        share = total * weight // 100
        paths.extend(members[i % len(members)] for i in range(share))
    # Interleave the groups: a connection's consecutive requests hit different pages.
    return [paths[(i * 389) % len(paths)] for i in range(len(paths))]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=default_database_url())
    parser.add_argument("--seed-offers", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        say("wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu)")
        return 2
    say(f"Load test — {machine()} — {load()}")
    make_static_root()
    prepare_database(args.database_url, args.seed_offers, reseed=False)
    paths = workload(args.database_url)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths) + "\n")
        paths_file = handle.name
    log = Path(tempfile.gettempdir()) / "load-gunicorn.log"
    server = Server(bench_env(args.database_url, cache="redis"), args.workers, log)
    try:
        server.wait_ready()
        for path in sorted(set(paths)):  # every page once: a broken page fails here, readably
            status, _body = server.get(path)
            if status >= 400:
                say(f"{path} answered {status}")
                return 1
        say(
            f"{len(set(paths))} distinct pages, {len(paths)} in the rotation; wrk -t{args.threads} "
            f"-c{args.connections} -d{args.duration}s against gunicorn ({args.workers} workers)…"
        )
        output = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--timeout",
                "10s",
                "-s",
                str(ROOT / "bench" / "mixed.lua"),
                server.url("/"),
            ],
            env={**os.environ, "WRK_PATHS": paths_file},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.stop()
        os.unlink(paths_file)
    line = next(line for line in output.splitlines() if line.startswith("MIXED "))
    figures = dict(re.findall(r"(\w+)=([\d.]+)", line))
    errors = {key: int(value) for key, value in figures.items() if key.startswith("errors_")}
    say(
        f"{int(figures['requests']):,} requests in {float(figures['duration_s']):.1f} s: "
        f"{float(figures['rps']):,.0f} req/s; latency p50 {float(figures['p50_ms']):.1f} ms, "
        f"p95 {float(figures['p95_ms']):.1f} ms, p99 {float(figures['p99_ms']):.1f} ms, "
        f"max {float(figures['max_ms']):.1f} ms"
    )
    say(f"errors: {errors} — {load()}")
    return 1 if any(errors.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
