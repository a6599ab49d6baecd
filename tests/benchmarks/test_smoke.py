"""Each benchmark of benchmarks/ run for a few seconds at a tiny size, so that none of them rots:
it must finish, print its figures and the ratio to its baseline. The full-size runs (quoted in the
issues' notes) stay out of the suite. Those that measure PostgreSQL run in the suite's PostgreSQL
pass, against the same server, each in its own scratch database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _postgres_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"


# (script and arguments, what its output must show); {pg} is the PostgreSQL server's address.
SQLITE = [
    ("scoring_bench.py --people 200 --skip-items", "ratio to NumPy"),
    ("audit_verify_bench.py --entries 500 --backend sqlite", "target: verify < 60 s"),
    ("org_import_bench.py --size 300 --db sqlite", "target ≤ 30 s"),
    ("org_bench.py --db sqlite --size 150 --small-size 100 --requests 2", "≤ 50 ms"),
    ("summary_bench.py --size 100 --db sqlite", "target ≤ 30 s and ≤ 1 GiB"),
]
POSTGRES = [
    ("audit_verify_bench.py --entries 500 --backend postgres", "target: verify < 60 s"),
    ("org_import_bench.py --size 300 --db postgres --pg-url {pg}", "COPY"),
    ("api_bench.py --items 300 --size 100 --pg-url {pg}", "Bare PostgreSQL COPY"),
    ("monitoring_jobs_bench.py --size 100 --pg-url {pg}", "leaders' unit part in the closing job"),
    ("monitoring_pages_bench.py --size 100 --pg-url {pg}", "target median ≤ 50 ms"),
    ("yearend_bench.py --size 200 --requests 2 --pg-url {pg}", "≤ 200 ms"),
]


def _run(command: str, tmp_path: Path) -> str:
    env = {**os.environ, "CONGTAM_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)  # each benchmark makes its own scratch databases
    env.pop("DJANGO_SETTINGS_MODULE", None)  # and runs the product's settings, not the suite's
    script, *arguments = command.format(pg=_postgres_url()).split()
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    return output


@pytest.mark.parametrize("command, shown", SQLITE, ids=[command.split()[0] for command, _ in SQLITE])
def test_benchmark_smoke_sqlite(command, shown, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("run once, in the SQLite pass")
    assert shown in _run(command, tmp_path)


@pytest.mark.postgres_only
@pytest.mark.parametrize("command, shown", POSTGRES, ids=[command.split()[0] for command, _ in POSTGRES])
def test_benchmark_smoke_postgres(command, shown, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("measures PostgreSQL: run in the PostgreSQL pass")
    assert shown in _run(command, tmp_path)


def test_scoring_equivalence_snapshot_is_deterministic(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("run once, in the SQLite pass")
    for name in ("one", "two"):
        _run(f"scoring_equivalence.py snapshot {tmp_path / name}", tmp_path)
    different = subprocess.run(
        ["diff", "-r", str(tmp_path / "one"), str(tmp_path / "two")], capture_output=True, text=True
    )
    assert different.returncode == 0, different.stdout[:3000]
