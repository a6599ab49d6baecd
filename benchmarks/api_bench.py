"""Speed of the API's batch endpoint (issue 5, "Speed": 1,000,000 work items through
``POST /api/v1/work-items/batch``, at least 5,000 items per second sustained, with the app and
PostgreSQL on the same 2 cores), compared with a bare PostgreSQL ``COPY`` of the same rows.

What it does, in one run:

1. in the scratch database ``congtam_api_bench`` (dropped and created again unless ``--reuse``):
   migrates it, loads the demo agency (``congtam demo --size N --year no``), opens the year's
   monthly periods for its civil servants (``monitoring.cycles.cycle_open`` then
   ``reviews_open``) and issues an API token for the whole agency (``source_system_issue``);
2. starts the application under gunicorn (``--workers`` sync workers, default 2) on 127.0.0.1;
3. posts ``--items`` work items (default 1,000,000) in batches of 5,000 from ``--clients``
   client threads (default 2) over keep-alive connections: the people's months in order, about
   eight items a person a month, half from the position's catalogue when it has one, half ad hoc
   with a factor and a reason; every answer must be 200 with every item created;
4. reports items per second (whole run, and the slowest tenth of the batches), the batch latency,
   and the peak resident memory of each gunicorn worker (``VmHWM``, what ``/usr/bin/time -v``
   calls maximum resident set size) and of the master;
5. ``COPY``-ies the same rows (built in memory, ids given) into a copy of the work item table
   with all its indexes and constraints, and prints the ratio of the two rates.

Usage (from the repository's root)::

    .venv/bin/python benchmarks/api_bench.py                          # 1,000,000 items, 10,000 people
    .venv/bin/python benchmarks/api_bench.py --items 100000 --size 3000
    .venv/bin/python benchmarks/api_bench.py --reuse                  # keep the agency, delete the items

Only the scratch database and a temporary data folder are touched.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SCRATCH_DATABASE = "congtam_api_bench"
TARGET_RATE = 5000.0
BATCH = 5000
PORT = 8765
YEAR = 2026


def run(*args, env, quiet=True):
    result = subprocess.run([PYTHON, "-m", "congtam", *args], env=env, cwd=ROOT, capture_output=quiet, text=True)
    if result.returncode:
        sys.exit(f"congtam {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(pg_url: str, size: int, reuse: bool, env: dict) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SCRATCH_DATABASE]).fetchone()
        if exists and reuse:
            return
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {SCRATCH_DATABASE}")
    started = time.perf_counter()
    run("migrate", "-v0", env=env)
    help_text = run("demo", "--help", env=env)
    run("demo", "--size", str(size), *(["--year", "no"] if "--year" in help_text else []), env=env)
    print(f"   agency of {size:,} people loaded in {time.perf_counter() - started:.0f} s")


def setup_in_django(reuse: bool):
    """Open the year's periods and issue a token; return (token, plan of the items)."""
    import django

    django.setup()
    from django.db import connection

    from congtam.accounts.models import Role, User
    from congtam.api.models import SourceSystem
    from congtam.api.services import source_system_issue, source_system_revoke
    from congtam.catalogue.models import CatalogueItem
    from congtam.monitoring import cycles
    from congtam.monitoring.models import Cycle, Review, WorkItem
    from congtam.org.models import Agency, Category, Unit

    hr = User.objects.filter(role=Role.HR).order_by("id").first()
    agency = Agency.objects.order_by("id").first()
    root = Unit.objects.filter(agency=agency, parent__isnull=True).order_by("path").first()
    cycle = Cycle.objects.filter(agency=agency, year=YEAR, staff_group=Category.CONG_CHUC).first()
    if cycle is None:
        started = time.perf_counter()
        cycle = cycles.cycle_open(
            actor=hr,
            agency=agency,
            year=YEAR,
            frequency="monthly",
            staff_group=Category.CONG_CHUC,
            policy_id="nd335",
            units=[root],
        )
        created = cycles.reviews_open(cycle, actor=hr)
        print(f"   {created:,} period reviews opened in {time.perf_counter() - started:.0f} s")
    if reuse:
        with connection.cursor() as cursor:  # a scratch database: the benchmark's own items go
            cursor.execute("DELETE FROM monitoring_evidence")
            cursor.execute("DELETE FROM monitoring_duedatechange")
            cursor.execute("DELETE FROM monitoring_workitem")
        for system in SourceSystem.objects.filter(revoked_at__isnull=True):
            source_system_revoke(actor=hr, system=system, reason="benchmark run")
    _system, token = source_system_issue(actor=hr, name=f"Benchmark {time.time():.0f}", units=[root])
    reviews = list(
        Review.objects.filter(period__cycle=cycle)
        .order_by("period__number", "person__staff_code")
        .values_list("person__staff_code", "period__number", "position_id")
    )
    catalogue: dict[int, list[str]] = {}
    for position_id, code in CatalogueItem.objects.filter(version_to__isnull=True).values_list("position_id", "code"):
        catalogue.setdefault(position_id, []).append(code)
    print(f"   {WorkItem.objects.count():,} work items before the run; {len(reviews):,} reviews to spread items over")
    return token, reviews, catalogue


def item_stream(count: int, reviews, catalogue):
    """``count`` items, about eight a person a month, month after month."""
    per_review = max(1, -(-count // len(reviews)))
    made = 0
    for staff_code, month, position_id in reviews:
        codes = catalogue.get(position_id) or []
        for slot in range(per_review):
            if made == count:
                return
            day = 1 + (slot * 3) % 28
            body = {
                "source_id": f"BENCH-{made}",
                "staff_code": staff_code,
                "period": f"{YEAR}-{month:02d}",
                "due_on": date(YEAR, month, day).isoformat(),
            }
            if codes and slot % 2 == 0:
                body["catalogue_code"] = codes[slot % len(codes)]
            else:
                body.update(
                    name=f"Nhiệm vụ đột xuất số {slot + 1}", factor="1.5", reason="Theo chỉ đạo của lãnh đạo Vụ"
                )
            yield body
            made += 1


def start_server(env: dict, workers: int) -> subprocess.Popen:
    gunicorn = Path(PYTHON).with_name("gunicorn")
    if not gunicorn.exists():
        sys.exit("gunicorn is not installed: bash scripts/setup.sh --test")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "congtam.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--timeout",
            "300",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _attempt in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/api/v1/schema/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def post_all(token: str, batches: queue.Queue, clients: int):
    latencies: list[tuple[float, int]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        while True:
            batch = batches.get()
            if batch is None:
                return
            body = json.dumps({"items": batch}).encode()
            started = time.perf_counter()
            connection.request("POST", "/api/v1/work-items/batch", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status != 200 or json.loads(answer)["created"] != len(batch):
                    failures.append(f"{response.status}: {answer[:500]!r}")
                latencies.append((elapsed, len(batch)))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads, latencies, failures


def feed(batches: queue.Queue, items, clients: int) -> None:
    batch = []
    for body in items:
        batch.append(body)
        if len(batch) == BATCH:
            batches.put(batch)
            batch = []
    if batch:
        batches.put(batch)
    for _ in range(clients):
        batches.put(None)


def copy_baseline(count: int, reviews) -> float:
    """Rows per second of a bare COPY of the same items into a copy of the table with its indexes."""
    from django.db import connection

    from congtam.core.bulk import copy_text
    from congtam.monitoring.bulk import NEW_ITEM_FIELDS
    from congtam.monitoring.models import Review, WorkItem

    review_ids = {
        (code, number): pk
        for pk, code, number in Review.objects.filter(period__cycle__year=YEAR).values_list(
            "id", "person__staff_code", "period__number"
        )
    }
    columns = ", ".join(WorkItem._meta.get_field(name).column for name in NEW_ITEM_FIELDS)
    now = "2026-11-20 10:00:00+07"
    lines = []
    for body in item_stream(count, reviews, {}):
        month = int(body["period"][5:])
        row = (
            review_ids[(body["staff_code"], month)],
            None,
            "",
            body["name"],
            "",
            "1.5",
            "",
            body["reason"],
            "system",
            "assigned",
            "",
            body["due_on"],
            0,
            None,
            "",
            0,
            False,
            1,
            None,
            body["source_id"],
            None,
            now,
            1,
        )
        lines.append("\t".join(map(copy_text, row)) + "\n")
    payload = "".join(lines).encode()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy_workitem")
        cursor.execute("CREATE TABLE bench_copy_workitem (LIKE monitoring_workitem INCLUDING ALL)")
        started = time.perf_counter()
        with cursor.cursor.copy(f"COPY bench_copy_workitem ({columns}) FROM STDIN") as copy:
            for start in range(0, len(payload), 8 << 20):
                copy.write(payload[start : start + (8 << 20)])
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy_workitem")
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--size", type=int, default=10_000, help="people in the demo agency")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client connections")
    parser.add_argument(
        "--pg-url", default=os.environ.get("CONGTAM_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--reuse", action="store_true", help="keep the scratch database's agency and periods")
    options = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="congtam-api-bench-")
    Path(data_dir, "static").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"{options.pg_url.rstrip('/')}/{SCRATCH_DATABASE}",
        "CONGTAM_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "congtam.settings",
        "CONGTAM_CONN_MAX_AGE": "600",
    }
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "CONGTAM_DATA_DIR", "DJANGO_SETTINGS_MODULE")})
    print(f"== Scratch database {SCRATCH_DATABASE}")
    prepare_database(options.pg_url.rstrip("/"), options.size, options.reuse, env)
    token, reviews, catalogue = setup_in_django(options.reuse)
    from django.db import connection

    connection.close()

    print(
        f"== {options.items:,} items in batches of {BATCH:,}: gunicorn, {options.workers} workers, {options.clients} clients"
    )
    server = start_server(env, options.workers)
    try:
        batches: queue.Queue = queue.Queue(maxsize=options.clients * 2)
        started = time.perf_counter()
        threads, latencies, failures = post_all(token, batches, options.clients)
        feed(batches, item_stream(options.items, reviews, catalogue), options.clients)
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        workers = {pid: peak_mib(pid) for pid in worker_pids(server.pid)}
        master = peak_mib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    if failures:
        sys.exit(f"{len(failures)} batch(es) failed, e.g. {failures[0]}")
    sent = sum(size for _elapsed, size in latencies)
    rate = sent / elapsed
    times = sorted(elapsed_batch for elapsed_batch, _size in latencies)
    slowest = times[int(len(times) * 0.9) :] or times
    print(
        f"   {sent:,} items in {elapsed:.1f} s: {rate:,.0f} items/s (target {TARGET_RATE:,.0f}: "
        f"{'met' if rate >= TARGET_RATE else 'NOT met'})"
    )
    print(
        f"   batch of {BATCH:,}: median {times[len(times) // 2]:.2f} s, 90th percentile {times[int(len(times) * 0.9)]:.2f} s, "
        f"slowest {times[-1]:.2f} s; slowest tenth alone sustains "
        f"{options.clients * BATCH / (sum(slowest) / len(slowest)):,.0f} items/s"
    )
    print(
        "   peak resident memory: "
        + ", ".join(f"worker {pid} {mib:.0f} MiB" for pid, mib in sorted(workers.items()))
        + f", master {master:.0f} MiB"
    )

    print("== Bare PostgreSQL COPY of the same rows into a copy of the table (all its indexes)")
    copy_rate = copy_baseline(options.items, reviews)
    print(f"   {copy_rate:,.0f} rows/s; the API reaches {rate / copy_rate:.0%} of it ({copy_rate / rate:.1f}× slower)")


if __name__ == "__main__":
    main()
