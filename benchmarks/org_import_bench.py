"""Speed of the organisation workbook import (issue 3, "Speed": 100,000 people in at most 30 s
and 1 GiB peak memory, on SQLite and PostgreSQL, compared with a bare PostgreSQL ``COPY``).

What it does, in one run:

1. generates a workbook of 100,000 people (``--size``) in ~2,000 divisions under 40 departments,
   with 60 job positions, heads and deputies, half the dates as Excel dates and half as
   ``dd/mm/yyyy`` text (deterministic: the same size gives the same file);
2. for each database, creates an empty one (a file in a temporary folder for SQLite; the scratch
   database ``congtam_bench_import`` for PostgreSQL, dropped and created again), migrates it, then
   runs ``congtam import-org FILE`` under ``/usr/bin/time -v`` and reports its wall time and peak
   resident memory (the whole process: Python, Django, reading and writing); then imports the same
   file again (nothing changes, nothing is written) and reports that too;
3. in the PostgreSQL scratch database, ``COPY``-ies the same 100,000 people rows (already in
   memory, as text and dates) into a bare table without index, and prints the ratio of the import's
   wall time to the COPY's.

Usage (from the repository's root)::

    .venv/bin/python benchmarks/org_import_bench.py                    # both databases, 100,000 people
    .venv/bin/python benchmarks/org_import_bench.py --db sqlite --size 20000
    .venv/bin/python benchmarks/org_import_bench.py --db postgres --pg-url postgres://postgres@127.0.0.1:5432
    .venv/bin/python benchmarks/org_import_bench.py --keep out.xlsx     # also keep the generated workbook

Nothing but the temporary folder and the scratch database is touched.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
SCRATCH_DATABASE = "congtam_bench_import"
TARGET_SECONDS, TARGET_MIB = 30.0, 1024.0

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai", "Phương", "Hồng"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tuấn",
    "Việt",
]
GIVEN_FEMALE = [
    "Anh",
    "Châu",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Oanh",
    "Thảo",
    "Yến",
]
ETHNICITIES = ["Kinh"] * 17 + ["Tày", "Thái", "Mường"]
CATEGORIES = ["Công chức"] * 7 + ["Viên chức"] * 2 + ["Hợp đồng lao động"]
DEPARTMENTS = 40


# --- the workbook ---------------------------------------------------------------------------------
def generate_rows(size: int, seed: int = 2026):
    """(units, positions, people) rows as the workbook holds them; dates as ``date``."""
    rng = random.Random(seed)
    units = [["BO", "Cơ quan thử nghiệm", ""]]
    positions = [["LD", "Lãnh đạo", "Chuyên viên cao cấp", "Có", "Lãnh đạo, điều hành", "Theo tiêu chuẩn chức danh"]]
    positions += [
        [
            f"CV{index:02d}",
            f"Chuyên viên nghiệp vụ {index}",
            "Chuyên viên",
            "Không",
            "Tham mưu\nTổng hợp",
            "Đại học trở lên",
        ]
        for index in range(1, 60)
    ]
    divisions_needed = max(1, size // 50)
    per_department = -(-divisions_needed // DEPARTMENTS)
    divisions = []
    for department in range(1, DEPARTMENTS + 1):
        units.append([f"V{department:02d}", f"Vụ số {department}", "BO"])
        for division in range(1, per_department + 1):
            if len(divisions) < divisions_needed:
                code = f"V{department:02d}-P{division:02d}"
                units.append([code, f"Phòng {division} của Vụ {department}", f"V{department:02d}"])
                divisions.append(code)

    people = []
    for index in range(size):
        female = rng.random() < 0.5
        name = " ".join(
            (
                rng.choice(FAMILY),
                rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
            )
        )
        unit = divisions[index % len(divisions)]
        slot = index // len(divisions)  # the first person of each division heads it, the next two deputise
        role = "Trưởng" if slot == 0 else "Phó" if slot in (1, 2) else ""
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35))
        start = birth + timedelta(days=365 * 23 + rng.randrange(0, 365 * 10))
        people.append(
            [
                f"NS{index + 1:06d}",
                name,
                "Nữ" if female else "Nam",
                birth,
                rng.choice(ETHNICITIES),
                unit,
                "LD" if role else positions[1 + index % 59][0],
                rng.choice(CATEGORIES),
                start,
                f"ns{index + 1:06d}@coquan.gov.vn",
                role,
            ]
        )
    return units, positions, people


def write_workbook(path: Path, units, positions, people) -> None:
    import xlsxwriter

    from congtam.org.orgdata import (
        PEOPLE_COLUMNS,
        POSITION_COLUMNS,
        SHEET_PEOPLE,
        SHEET_POSITIONS,
        SHEET_UNITS,
        UNIT_COLUMNS,
    )

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, columns, rows in (
        (SHEET_UNITS, UNIT_COLUMNS, units),
        (SHEET_POSITIONS, POSITION_COLUMNS, positions),
        (SHEET_PEOPLE, PEOPLE_COLUMNS, people),
    ):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, columns)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, date):
                    if number % 2:  # half as real Excel dates, half as text
                        sheet.write_datetime(number, column, value, date_format)
                    else:
                        sheet.write_string(number, column, value.strftime("%d/%m/%Y"))
                elif value:
                    sheet.write_string(number, column, value)
    book.close()


# --- running the import -----------------------------------------------------------------------------
def _env(database_url: str, data_dir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CONGTAM_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CONGTAM_DATA_DIR": str(data_dir),
            "CONGTAM_SECRET_KEY": "benchmark",
            "CONGTAM_AUDIT_KEY": "benchmark",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _run(env: dict, *args: str, timed: bool = False) -> dict:
    """Run ``congtam ARGS``; timed: under ``/usr/bin/time -v`` (wall seconds, peak RSS in MiB)."""
    command = [PYTHON, "-m", "congtam", *args]
    if timed and Path("/usr/bin/time").exists():
        command = ["/usr/bin/time", "-v", *command]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"congtam {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    measured = {"wall": elapsed, "output": result.stdout.strip()}
    if timed:
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
        wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
        if rss:
            measured["rss_mib"] = int(rss.group(1)) / 1024
        user = re.search(r"User time \(seconds\): ([\d.]+)", result.stderr)
        system = re.search(r"System time \(seconds\): ([\d.]+)", result.stderr)
        if user and system:
            measured["cpu"] = float(user.group(1)) + float(system.group(1))
        if wall:
            hours, minutes, seconds = wall.groups()
            measured["wall"] = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return measured


def _load() -> str:
    """The machine's load average: the wall times mean little without it on a shared machine."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _pg_recreate(server_url: str) -> str:
    import psycopg

    with psycopg.connect(server_url.rstrip("/") + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{SCRATCH_DATABASE}"')
    return server_url.rstrip("/") + "/" + SCRATCH_DATABASE


def bench_import(label: str, database_url: str, workbook: Path, data_dir: Path) -> dict:
    env = _env(database_url, data_dir)
    _run(env, "migrate", "--no-input", "-v", "0")
    first = _run(env, "import-org", str(workbook), timed=True)
    again = _run(env, "import-org", str(workbook), timed=True)
    print(
        f"[{label}] first import: {first['wall']:.1f} s wall ({first.get('cpu', float('nan')):.1f} s CPU in the "
        f"import's process), peak {first.get('rss_mib', float('nan')):.0f} MiB; load average {_load()}"
    )
    print(f"[{label}]   {first['output'].splitlines()[0]}")
    print(
        f"[{label}] same file again (no change): {again['wall']:.1f} s wall ({again.get('cpu', float('nan')):.1f} s CPU), "
        f"peak {again.get('rss_mib', float('nan')):.0f} MiB"
    )
    verdict = "OK" if first["wall"] <= TARGET_SECONDS and first.get("rss_mib", 0) <= TARGET_MIB else "OVER TARGET"
    print(f"[{label}] target ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MIB:.0f} MiB: {verdict}")
    return {"first": first, "again": again}


def bench_copy(database_url: str, people) -> float:
    """Seconds to COPY the people rows into a bare table (no index, no constraint)."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_copy_people")
        connection.execute(
            "CREATE TABLE bench_copy_people (staff_code text, full_name text, gender text, birth_date date, "
            "ethnicity text, unit_code text, position_code text, category text, start_date date, email text, "
            "unit_role text)"
        )
        connection.commit()
        started = time.perf_counter()
        with connection.cursor() as cursor, cursor.copy("COPY bench_copy_people FROM STDIN") as copy:
            for row in people:
                copy.write_row(row)
        connection.commit()
        elapsed = time.perf_counter() - started
        count = connection.execute("SELECT count(*) FROM bench_copy_people").fetchone()[0]
        connection.execute("DROP TABLE bench_copy_people")
        connection.commit()
    assert count == len(people), count
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--db", choices=("both", "sqlite", "postgres"), default="both")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", type=Path, help="also keep the generated workbook there")
    options = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congtam.settings")
    with tempfile.TemporaryDirectory(prefix="congtam-import-bench-") as folder:
        folder = Path(folder)
        os.environ.setdefault("CONGTAM_DATA_DIR", str(folder / "parent"))
        os.environ.setdefault("CONGTAM_SECRET_KEY", "benchmark")
        os.environ.setdefault("CONGTAM_AUDIT_KEY", "benchmark")
        import django

        django.setup()
        started = time.perf_counter()
        units, positions, people = generate_rows(options.size)
        workbook = folder / "org.xlsx"
        write_workbook(workbook, units, positions, people)
        print(
            f"Workbook: {len(units)} units, {len(positions)} positions, {len(people)} people, "
            f"{workbook.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s"
        )
        if options.keep:
            options.keep.write_bytes(workbook.read_bytes())

        if options.db in ("both", "sqlite"):
            bench_import("SQLite", f"sqlite:///{folder / 'bench.sqlite3'}", workbook, folder / "sqlite")
        if options.db in ("both", "postgres"):
            url = _pg_recreate(options.pg_url)
            result = bench_import("PostgreSQL", url, workbook, folder / "postgres")
            copy_seconds = bench_copy(url, people)
            ratio = result["first"]["wall"] / copy_seconds
            print(f"[PostgreSQL] bare COPY of the same {len(people)} people rows: {copy_seconds:.2f} s")
            print(
                f"[PostgreSQL] import / COPY: {ratio:.1f}× (the import also checks every row, keeps the indexes, "
                "foreign keys and posting history, and writes one hashed audit entry per row)"
            )


if __name__ == "__main__":
    main()
