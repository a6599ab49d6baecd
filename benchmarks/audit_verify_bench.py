"""Benchmark: `congtam audit-verify` over 1,000,000 audit entries (target: under a minute).

    .venv/bin/python benchmarks/audit_verify_bench.py [--entries 1000000] [--backend sqlite|postgres|both]

Each backend gets a scratch database (a SQLite file in a temporary folder; the PostgreSQL
database `congtam_bench_audit`, dropped and recreated). The entries are written by the
application's own batch writer (`audit_record_many`, 10,000 per transaction); the verification is
the real command, timed with /usr/bin/time -v (wall time and peak memory).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"

FILL = """
import sys, time
from django.db import transaction
from congtam.audit.services import AuditDraft, Subject, audit_record_many
total, batch = int(sys.argv[1]), 10_000
start = time.perf_counter()
for first in range(0, total, batch):
    drafts = [
        AuditDraft(event="org.person.updated", subject=Subject("org.person", str(n), f"Nguyễn Văn An {n}"),
                   old={"email": f"an{n}@quochoi.vn"}, new={"email": f"an.{n}@quochoi.vn"}, reason="Cập nhật")
        for n in range(first, min(first + batch, total))
    ]
    with transaction.atomic():
        audit_record_many(actor=None, drafts=drafts, actor_label="benchmark")
print(f"{time.perf_counter() - start:.1f}")
"""


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs)


def time_v(cmd, env):
    result = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = (float(part) if part else 0.0 for part in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return result, hours * 3600 + minutes * 60 + seconds, rss / 1024


def bench(backend: str, entries: int) -> dict:
    data_dir = tempfile.mkdtemp(prefix="congtam-bench-")
    env = {**os.environ, "CONGTAM_DATA_DIR": data_dir, "CONGTAM_AUDIT_KEY": "benchmark-key"}
    if backend == "postgres":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS congtam_bench_audit")
            connection.execute("CREATE DATABASE congtam_bench_audit")
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/congtam_bench_audit"
    else:
        env.pop("DATABASE_URL", None)
    congtam = [PYTHON, "-m", "congtam"]
    run([*congtam, "migrate", "-v0"], env)
    fill_seconds = float(
        run([*congtam, "shell", "-c", FILL.replace("sys.argv[1]", str(entries))], env).stdout.strip().splitlines()[-1]
    )
    result, wall, rss = time_v([*congtam, "audit_verify"], env)
    if result.returncode != 0:
        raise SystemExit(f"audit-verify failed on {backend}:\n{result.stdout}\n{result.stderr}")
    return {
        "backend": backend,
        "entries": entries,
        "fill_s": fill_seconds,
        "verify_s": wall,
        "verify_rss_mb": rss,
        "output": result.stdout.strip().splitlines()[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    rows = [bench(backend, args.entries) for backend in backends]
    print(
        f"\n{'backend':<10} {'entries':>10} {'write (s)':>10} {'verify (s)':>11} {'verify peak RSS (MiB)':>22}  target: verify < 60 s"
    )
    for row in rows:
        print(
            f"{row['backend']:<10} {row['entries']:>10,} {row['fill_s']:>10.1f} {row['verify_s']:>11.1f} {row['verify_rss_mb']:>22.0f}"
        )
    for row in rows:
        print(f"  {row['backend']}: {row['output']}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"(benchmark wall time {time.perf_counter() - start:.0f} s)")
