"""Speed of the organisation at the scale of a large agency (issue 3, "Speed").

Measures, on SQLite and on PostgreSQL, in an agency of 100,000 people:

(a) generating it with ``congtam demo --size 100000`` (wall time of the command; target ≤ 60 s);
(b) deriving the evaluator and approver of everyone (``derive_all``; target ≤ 5 s), with the
    number of queries, compared with the same in an agency of 1,000 people (they must be equal);
(c) the page of a unit listing 50 people, and name searches ("nguyen van an", "dang"): median
    server time over N requests through Django's test client, signed in (target ≤ 50 ms each).

Usage (from the repository's root; the import benchmark lives in its own script)::

    .venv/bin/python benchmarks/org_bench.py                      # both databases, 100,000 people
    .venv/bin/python benchmarks/org_bench.py --db sqlite          # SQLite only
    .venv/bin/python benchmarks/org_bench.py --db postgres --size 20000 --requests 50

SQLite databases go to a temporary folder. PostgreSQL uses scratch databases ``congtam_bench``
and ``congtam_bench_small`` on ``postgres://postgres@127.0.0.1:5432`` (``--pg-url`` to change the
server): they are dropped and created again by each run. Nothing else is touched.

The name search uses the trigram indexes of migration ``org 0002`` (pg_trgm on PostgreSQL, FTS5
on SQLite).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SMALL_SIZE = 1000
SEARCHES = ("nguyen van an", "dang")
TARGETS = {"demo": 60.0, "derive": 5.0, "page": 0.050}


# --- orchestration (the parent process) ------------------------------------------------------------
def _env(database_url: str, data_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGTAM_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CONGTAM_DATA_DIR": str(data_dir),
            "CONGTAM_ALLOWED_HOSTS": "testserver,localhost",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _congtam(env: dict, *args: str) -> tuple[float, str, float]:
    """Run ``congtam ARGS``: (wall seconds, its output, its peak memory in MiB)."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [PYTHON, "-m", "congtam", *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    if process.returncode:
        raise SystemExit(f"congtam {' '.join(args)} failed:\n{output}")
    return elapsed, output, usage.ru_maxrss / 1024


def _pg_recreate(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rstrip("/") + "/" + name


def _measure(env: dict, *, requests: int, pages: bool) -> dict:
    args = [PYTHON, str(Path(__file__).resolve()), "--measure", "--requests", str(requests)]
    if not pages:
        args.append("--derive-only")
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"measurement failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_database(kind: str, *, size: int, small_size: int, requests: int, pg_url: str, work: Path) -> dict:
    print(f"[{kind}] preparing scratch databases…", flush=True)
    if kind == "sqlite":
        big_url = f"sqlite:///{work / 'bench.sqlite3'}"
        small_url = f"sqlite:///{work / 'bench_small.sqlite3'}"
    else:
        big_url = _pg_recreate(pg_url, "congtam_bench")
        small_url = _pg_recreate(pg_url, "congtam_bench_small")
    big_env, small_env = _env(big_url, work / f"{kind}-data"), _env(small_url, work / f"{kind}-data")
    _congtam(big_env, "migrate", "-v0")
    _congtam(small_env, "migrate", "-v0")

    print(f"[{kind}] congtam demo --size {size}…", flush=True)
    # The organisation alone (no year of monitoring, which a small demo would also load).
    demo_seconds, demo_output, demo_peak_mib = _congtam(big_env, "demo", "--size", str(size), "--year", "no")
    _congtam(small_env, "demo", "--size", str(small_size), "--year", "no")

    print(f"[{kind}] measuring derive_all, unit page and searches…", flush=True)
    small = _measure(small_env, requests=requests, pages=False)
    big = _measure(big_env, requests=requests, pages=True)
    return {
        "demo_seconds": demo_seconds,
        "demo_reported": demo_output.strip().splitlines()[0],
        "demo_peak_mib": demo_peak_mib,
        "small": small,
        "big": big,
    }


def _status(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def print_table(results: dict, *, size: int, requests: int) -> None:
    rows = []
    for kind, result in results.items():
        big, small = result["big"], result["small"]
        rows.append(
            (
                kind,
                f"demo --size {size} (wall)",
                f"{result['demo_seconds']:.1f} s",
                "≤ 60 s",
                _status(result["demo_seconds"], TARGETS["demo"]),
            )
        )
        rows.append((kind, "demo peak memory (max RSS)", f"{result['demo_peak_mib']:.0f} MiB", "", ""))
        rows.append(
            (
                kind,
                f"derive_all, {big['people']:,} people",
                f"{big['derive_seconds']:.2f} s",
                "≤ 5 s",
                _status(big["derive_seconds"], TARGETS["derive"]),
            )
        )
        same = big["derive_queries"] == small["derive_queries"]
        rows.append(
            (
                kind,
                f"derive_all queries: {big['people']:,} vs {small['people']:,} people",
                f"{big['derive_queries']} vs {small['derive_queries']}",
                "equal",
                "ok" if same else "MISSED",
            )
        )
        rows.append(
            (kind, "people without valid authority", f"{big['invalid']}", "0", "ok" if not big["invalid"] else "MISSED")
        )
        for label, timing in big["pages"].items():
            rows.append(
                (
                    kind,
                    f"{label} (median of {requests})",
                    f"{timing['median'] * 1000:.1f} ms",
                    "≤ 50 ms",
                    _status(timing["median"], TARGETS["page"]),
                )
            )
            rows.append(
                (
                    kind,
                    "  p90 / app CPU median / queries / people found",
                    f"{timing['p90'] * 1000:.1f} ms / {timing['cpu_median'] * 1000:.1f} ms / {timing['queries']} / {timing['found']}",
                    "",
                    "",
                )
            )
    widths = [max(len(str(row[index])) for row in rows) for index in range(5)]
    header = ("database", "measure", "result", "target", "")
    widths = [max(width, len(title)) for width, title in zip(widths, header)]
    print()
    print("  ".join(title.ljust(width) for title, width in zip(header, widths)))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


# --- measurement (a child process, Django set up on one database) -------------------------------
def measure(*, requests: int, derive_only: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congtam.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from congtam.accounts.models import User
    from congtam.org.authority import derive_all
    from congtam.org.models import Person

    results: dict = {"people": Person.objects.filter(is_active=True).count()}
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            found = list(derive_all())
            timings.append(time.perf_counter() - started)
    results["derive_seconds"] = statistics.median(timings)
    results["derive_queries"] = len(queries.captured_queries)
    results["invalid"] = sum(1 for item in found if not item.is_valid)
    if derive_only:
        return results

    # The product serves hashed static files collected at install; the benchmark has none.
    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain_static):
        client = Client()
        client.force_login(User.objects.get(username="nhanvien"))
        unit_id = (
            Person.objects.filter(is_active=True)
            .values("unit")
            .annotate(n=Count("id"))
            .order_by("-n", "unit")
            .first()["unit"]
        )
        unit = Person.objects.filter(unit_id=unit_id).select_related("unit").first().unit
        members = unit.people.filter(is_active=True).count()
        pages = {
            f"unit page {unit.code} ({min(members, 50)} of {members} listed)": (
                reverse("org:unit_detail", args=[unit.code]),
                {},
                members,
            )
        }
        for query in SEARCHES:
            found = Person.objects.filter(is_active=True, search_name__contains=" " + query).count()
            pages[f"search “{query}”"] = (reverse("org:person_search"), {"q": query}, found)
        results["pages"] = {}
        for label, (url, params, found) in pages.items():
            for _ in range(3):  # warm-up
                response = client.get(url, params)
                assert response.status_code == 200, (url, response.status_code)
            times, cpu_times = [], []
            for _ in range(requests):
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url, params)
                times.append(time.perf_counter() - started)
                cpu_times.append(time.process_time() - cpu_started)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, params)
            times.sort()
            results["pages"][label] = {
                "median": statistics.median(times),
                # The application's own processor time (without the database server's): a
                # figure less disturbed by other work on a shared machine.
                "cpu_median": statistics.median(cpu_times),
                "p90": times[int(len(times) * 0.9) - 1],
                "queries": len(queries.captured_queries),
                "found": found,
            }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--small-size",
        type=int,
        default=SMALL_SIZE,
        help="the agency derive_all's query count is compared with (default %(default)s)",
    )
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--derive-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(requests=args.requests, derive_only=args.derive_only)))
        return
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {}
    with tempfile.TemporaryDirectory(prefix="congtam-bench-") as work:
        for kind in kinds:
            results[kind] = run_database(
                kind,
                size=args.size,
                small_size=args.small_size,
                requests=args.requests,
                pg_url=args.pg_url,
                work=Path(work),
            )
    print_table(results, size=args.size, requests=args.requests)


if __name__ == "__main__":
    main()
