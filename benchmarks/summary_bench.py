"""Speed of the period summaries (issue 13, part 6): a month's summary for 100,000 people as Excel
in at most 30 s and 1 GiB; one person's period score sheet (PDF) in at most 300 ms.

Steps: a scratch database (PostgreSQL ``congtam_summary_bench``, dropped and created again, or a
SQLite file in a scratch data folder), ``congtam demo --size N --year no``; then, not timed: a
monthly cycle of 2026 over the whole agency and, for November, one approved review per person
written in bulk with the engine's score and explanation (computed once per pattern of items,
lateness and failed checks); ten items for the person whose sheet is measured.

Measured, each in a process of its own so that its peak memory is its own (what ``/usr/bin/time
-v`` reports as "Maximum resident set size", read here from ``wait4``):

* the Excel summary of the whole agency for November, written to a file: wall time of the whole
  process, time of the writing alone, peak memory;
* one person's period score sheet: the review read, the sheet built and rendered to PDF, 20 times
  after 2 of warm-up; the median and the slowest.

Usage (from the repository's root)::

    .venv/bin/python benchmarks/summary_bench.py --pg-url postgres://postgres@127.0.0.1:5432  # 100,000
    .venv/bin/python benchmarks/summary_bench.py --size 5000 --db sqlite                        # quick
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
DATABASE = "congtam_summary_bench"
TARGET_SECONDS, TARGET_MIB, TARGET_SHEET_MS = 30.0, 1024.0, 300.0
SHEET_RUNS, WARM_UP = 20, 2
BATCH = 5000
LAST_CPU = 0.0
PATTERNS = 12  # distinct (items, lateness, failures) patterns of the month's scores
LEVELS = {"chinh_tri_dao_duc": 4, "van_hoa_ky_luat": 4, "trach_nhiem_phuc_vu": 5, "doi_moi_sang_tao": 3}


# --- the parent: scratch database, demo agency, each measure in its own process ---------------------
def _env(database_url: str, data_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGTAM_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"DATABASE_URL": database_url, "CONGTAM_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)})
    return env


def _run(env: dict, *args: str) -> tuple[float, str, float]:
    """Run ``args`` with this Python: (wall seconds, its output, its peak memory in MiB); the CPU
    time it used is kept in ``LAST_CPU`` (on a busy machine, wall time is not the program's own)."""
    global LAST_CPU
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen([PYTHON, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        LAST_CPU = usage.ru_utime + usage.ru_stime
        out.seek(0)
        output = out.read()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)} failed:\n{output}")
    return elapsed, output, usage.ru_maxrss / 1024


def _database(arguments, data_dir: Path) -> str:
    if arguments.db == "sqlite":
        return f"sqlite:///{data_dir / 'summary-bench.sqlite3'}"
    import psycopg

    server = arguments.pg_url.rstrip("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    return f"{server}/{DATABASE}"


def _result(output: str) -> dict:
    lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
    return json.loads(lines[-1][len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="people in the demo agency (default 100,000)")
    parser.add_argument("--db", choices=["postgres", "sqlite"], default=None, help="default: postgres with --pg-url")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--child", choices=["prepare", "excel", "sheet"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        _child(arguments.child)
        return
    arguments.db = arguments.db or "postgres"
    with tempfile.TemporaryDirectory(prefix="congtam-summary-bench-") as folder:
        data_dir = Path(folder)
        env = _env(_database(arguments, data_dir), data_dir)
        script = str(Path(__file__).resolve())
        _run(env, "-m", "congtam", "migrate", "-v0")
        elapsed, _output, _memory = _run(env, "-m", "congtam", "demo", "--size", str(arguments.size), "--year", "no")
        print(f"demo agency of {arguments.size:,} people loaded in {elapsed:.1f} s ({arguments.db})", flush=True)
        elapsed, output, _memory = _run(env, script, "--child", "prepare")
        prepared = _result(output)
        print(f"November written: {prepared['reviews']:,} approved reviews in {elapsed:.1f} s", flush=True)

        elapsed, output, memory = _run(env, script, "--child", "excel")
        excel = _result(output)
        print(f"\nExcel summary of {excel['people']:,} people ({excel['bytes'] / 1e6:.1f} MB):")
        print(f"  Elapsed (wall clock) time of the process: {elapsed:.2f} s")
        print(f"  CPU time (user + system) of the process:  {LAST_CPU:.2f} s")
        print(f"  of which writing the workbook:            {excel['seconds']:.2f} s ({excel['cpu']:.2f} s of CPU)")
        print(f"  Maximum resident set size:                {memory * 1024:,.0f} kbytes ({memory:.0f} MiB)")
        print(f"  queries: {excel['queries']}")
        verdict = "OK" if elapsed <= TARGET_SECONDS and memory <= TARGET_MIB else "OVER"
        print(f"  target ≤ 30 s and ≤ 1 GiB: {verdict}")

        _elapsed, output, memory = _run(env, script, "--child", "sheet")
        sheet = _result(output)
        print(f"\nA person's period score sheet (PDF, {sheet['items']} items, {sheet['bytes'] / 1e3:.0f} kB):")
        print(f"  median {sheet['median_ms']:.0f} ms, slowest {sheet['max_ms']:.0f} ms over {SHEET_RUNS} runs")
        print(f"  median CPU time {sheet['median_cpu_ms']:.0f} ms")
        print(f"  queries: {sheet['queries']}; Maximum resident set size: {memory:.0f} MiB")
        print(f"  target ≤ 300 ms: {'OK' if sheet['median_ms'] <= TARGET_SHEET_MS else 'OVER'}")


# --- the children ----------------------------------------------------------------------------------
def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congtam.settings")
    import django

    django.setup()


def _child(step: str) -> None:
    _setup()
    {"prepare": _prepare, "excel": _excel, "sheet": _sheet}[step]()


def _november():
    from congtam.monitoring.models import Period

    return Period.objects.select_related("cycle__agency").get(cycle__year=2026, number=11)


def _hr():
    from congtam.accounts.models import Role, User

    return User.objects.filter(role=Role.HR).order_by("pk").first()


def _pattern_items(index: int, period):
    """The unsaved items of pattern ``index``: 4 to 9 catalogue-like items, some late, one failed."""
    from datetime import timedelta

    from congtam.monitoring.models import ItemState, WorkItem

    count = 4 + index % 6
    items = []
    for number in range(count):
        due = period.starts_on + timedelta(days=5 + 2 * number)
        late = (number + index) % 5 == 0
        items.append(
            WorkItem(
                code=f"SP{number + 1:02d}",
                name=f"Sản phẩm {number + 1}",
                factor=(1, 2, 4, 1, 3)[number % 5],
                state=ItemState.ACCEPTED,
                due_on=due,
                completed_on=due + timedelta(days=2 if late else 0),
                quality_failures=1 if (number + index) % 7 == 0 else 0,
                origin="manager",
            )
        )
    return items


def _prepare() -> None:
    from django.db import transaction
    from django.utils import timezone

    from congtam.monitoring import cycles
    from congtam.monitoring.models import GeneralRating, Review, ReviewState, WorkItem
    from congtam.monitoring.scoring import review_score
    from congtam.org.models import Agency, Category, Person, Unit

    hr = _hr()
    agency = Agency.objects.order_by("pk").first()
    cycle = cycles.cycle_open(
        actor=hr,
        agency=agency,
        year=2026,
        frequency="monthly",
        staff_group=Category.CONG_CHUC,
        policy_id="nd335",
        units=list(Unit.objects.filter(parent__isnull=True)),
    )
    period = cycle.periods.get(number=11)
    ratings = [GeneralRating(rater_role=role, levels=LEVELS) for role in ("self", "manager")]
    patterns = []
    for index in range(PATTERNS):
        result = review_score(Review(period=period), _pattern_items(index, period), ratings)
        patterns.append((result.score, result.explanation))
    now = timezone.now()
    people = list(Person.objects.filter(is_active=True).order_by("pk").values_list("pk", "unit_id", "position_id"))
    created = 0
    for start in range(0, len(people), BATCH):
        rows = []
        for number, (person_id, unit_id, position_id) in enumerate(people[start : start + BATCH], start=start):
            score, explanation = patterns[number % PATTERNS]
            review = Review(
                period=period,
                person_id=person_id,
                unit_id=unit_id,
                position_id=position_id,
                state=ReviewState.APPROVED,  # written in bulk: the workflow is not what is measured
                explanation=explanation,
                scored_at=now,
                approved_at=now,
            )
            review.set_score(score)
            rows.append(review)
        with transaction.atomic():
            Review.objects.bulk_create(rows, batch_size=1000)
        created += len(rows)
    # The person whose sheet is measured: their items saved, their score computed from them.
    review = Review.objects.filter(period=period).order_by("pk").first()
    items = _pattern_items(9, period)
    for item in items:
        item.review = review
    WorkItem.objects.bulk_create(items)
    result = review_score(review, list(review.items.order_by("due_on", "id")), ratings)
    review.explanation = result.explanation
    review.set_score(result.score)
    review.save(update_fields=["explanation", "score_exact", "score"])
    print("RESULT " + json.dumps({"reviews": created}))


def _excel() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from congtam.monitoring.summaries.rows import SummaryScope
    from congtam.monitoring.summaries.workbook import summary_xlsx_to

    scope = SummaryScope(period=_november(), unit=None)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "summary.xlsx"
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            counts = summary_xlsx_to(str(target), scope)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = target.stat().st_size
    print(
        "RESULT "
        + json.dumps({"people": counts.people, "seconds": seconds, "cpu": cpu, "bytes": size, "queries": len(queries)})
    )


def _sheet() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from congtam.monitoring.models import Review
    from congtam.monitoring.summaries.pdf import score_sheet_pdf
    from congtam.monitoring.summaries.sheet import review_for_sheet, score_sheet

    hr = _hr()
    pk = Review.objects.filter(period=_november(), items__isnull=False).values_list("pk", flat=True).first()
    timings, cpu_timings, content, queries = [], [], b"", 0
    for run in range(WARM_UP + SHEET_RUNS):
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            sheet = score_sheet(review_for_sheet(viewer=hr, pk=pk))
            content = score_sheet_pdf(sheet)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if run >= WARM_UP:
            timings.append(elapsed * 1000)
            cpu_timings.append(cpu * 1000)
            queries = len(captured)
    result = {
        "median_ms": statistics.median(timings),
        "max_ms": max(timings),
        "median_cpu_ms": statistics.median(cpu_timings),
        "bytes": len(content),
        "items": len(sheet.items),
        "queries": queries,
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
