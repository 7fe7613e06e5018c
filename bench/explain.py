"""Where the time of one search goes: SQL statements with their time and EXPLAIN ANALYZE, and the rest.

    .venv/bin/python bench/explain.py "q=chef+de+projet" ["commune=75056&rayon=200&tri=distance" …]

Runs on the benchmark database (the same as bench/search.py, which seeds it),
in-process through Django's test Client with the page cache off and DEBUG off. For each query string:
the request time (median of `--runs`), the time of each SQL statement, and the plan of each
statement (EXPLAIN (ANALYZE, BUFFERS)); the difference is Python (filters, template rendering).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import bench_env, default_database_url, make_static_root  # noqa: E402


class TimedStatements(list[tuple[str, Any, float]]):
    """A `connection.execute_wrapper` that keeps each statement, its parameters and its time (ms)."""

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.append((sql, params, (time.perf_counter() - started) * 1000))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("queries", nargs="+", help="query strings of /offres/")
    parser.add_argument("--database-url", default=default_database_url())
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-plans", action="store_true", help="times only, no EXPLAIN ANALYZE")
    args = parser.parse_args()

    make_static_root()
    os.environ.update(bench_env(args.database_url, cache="dummy"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    for query in args.queries:
        url = f"/offres/?{query}"
        client.get(url)  # warm-up
        totals, sql_totals = [], []
        statements = TimedStatements()
        for _ in range(args.runs):
            statements.clear()
            with connection.execute_wrapper(statements):
                started = time.perf_counter()
                client.get(url)
                totals.append((time.perf_counter() - started) * 1000)
            sql_totals.append(sum(ms for _sql, _params, ms in statements))
        total, sql = statistics.median(totals), statistics.median(sql_totals)
        print(f"\n=== {url}")
        print(f"request {total:.1f} ms (median of {args.runs}) = SQL {sql:.1f} ms + Python {total - sql:.1f} ms")
        for index, (statement, params, ms) in enumerate(statements, start=1):
            print(f"\n--- statement {index}: {ms:.1f} ms (last run)\n{statement}\n    params: {params}")
            if args.no_plans:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params)
                print("\n".join(row[0] for row in cursor.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
