"""Speed of the year-end classification (issue 6, "Speed", on PostgreSQL):

(1) propose the levels, with the quota, for 100,000 people from a year of monthly scores: the
    background job ``yearend.proposals`` end to end, target ≤ 30 s (first run: every row created;
    run again during calibration: every row updated); baseline: a bare SQL AVG of the same
    approved scores grouped by person;
(2) the calibration page of a unit holding a group of 5,000 people (the group's figures and
    quota from all of them, its ranking 20 people to a page, each with its forms), as HR sees it
    during calibration: median server time, target ≤ 200 ms; baseline: the bare SQL SELECT of the
    unit's rows with their names;
(3) the agency's summary for 100,000 people as Excel, through its download view: target ≤ 30 s
    and ≤ 1 GiB peak memory; baseline: the same rows read by one SQL query and written with bare
    xlsxwriter;
(4) one person's DOCX and PDF forms through their download views: median of the pair, target
    ≤ 1 s; baseline: the same two documents rendered from their data alone (no request, no query);
(5) the forms archive job with 2 worker processes: on the smallest unit of 1,000 people or more
    (and, with ``--full-archive``, once on a department of 10,000 people), target 10,000 forms
    ≤ 10 min —
    the slice's time is scaled to 10,000 to compare; baseline: the same slice with one process.

Steps: a scratch database ``congtam_ye_bench`` (dropped and created again unless ``--reuse``),
``congtam demo --size N --year no``; then, not timed: every active person made a civil servant
(a year-end classification covers one staff group: the 100,000 are one cohort), 5,000 members
moved into one division with one position (the group of the calibration page), members moved
into another division of its department to make that department 10,000 people (the scope of the
full archive), a monthly cycle of 2026 opened through the services (one review per person and
month, 1.2 million), every review approved with a score in quarter points written by SQL (each
person's own level, month to month noise), and the year-end year 2026 opened under nd335. Each
measure then runs in its own process under ``/usr/bin/time -v`` (wall time and peak resident
memory of that process). With ``--reuse``, the classifications of the last run are first deleted
in a process of their own (not measured). After the proposals, the table is vacuumed (not timed), as autovacuum
does after a run's 100,000 updates.

The jobs run inline (no broker): the same code a Celery worker runs. The machine's load average
is printed with each figure: the machine may be shared.

Usage (from the repository's root)::

    .venv/bin/python benchmarks/yearend_bench.py                    # build 100,000 people, measure
    .venv/bin/python benchmarks/yearend_bench.py --reuse            # measure again on the last build
    .venv/bin/python benchmarks/yearend_bench.py --reuse --full-archive   # and the 10,000-form archive
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATABASE = "congtam_ye_bench"
YEAR = 2026
GROUP_SIZE = 5_000
SLICE, FULL = 1_000, 10_000
TARGETS = {
    "proposals": 30.0,
    "calibration": 0.200,
    "summary": 30.0,
    "summary_memory_mib": 1024.0,
    "forms": 1.0,
    "archive_10k": 600.0,
}


# --- building the agency (not timed) ------------------------------------------------------------
def _prepare(pg_url: str, size: int, env: dict) -> None:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    congtam = str(ROOT / ".venv" / "bin" / "congtam")
    subprocess.run([congtam, "migrate", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [congtam, "demo", "--size", str(size), "--year", "no"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    print(f"demo agency of {size:,} people loaded in {time.perf_counter() - started:.1f} s", flush=True)


def _big_group():
    """5,000 members in one division, all with the position most held in the agency."""
    from django.db.models import Count

    from congtam.org.models import Person, Unit, UnitRole

    position_id = (
        Person.objects.filter(is_active=True, unit_role=UnitRole.MEMBER, position__isnull=False)
        .values("position_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("position_id", flat=True)[0]
    )
    division = (
        Unit.objects.filter(people__position_id=position_id, people__unit_role=UnitRole.MEMBER)
        .annotate(n=Count("people"))
        .order_by("-n")
        .first()
    )
    moved = list(
        Person.objects.filter(is_active=True, unit_role=UnitRole.MEMBER)
        .exclude(unit=division)
        .order_by("pk")
        .values_list("pk", flat=True)[:GROUP_SIZE]
    )
    Person.objects.filter(pk__in=moved).update(unit=division, position_id=position_id)
    Person.objects.filter(unit=division, unit_role=UnitRole.MEMBER).update(position_id=position_id)
    return division


def _archive_scope(division) -> None:
    """The department above the calibration group's division brought to 10,000 people (members moved
    into another of its divisions): the scope of the full archive."""
    from congtam.org.models import Person, Unit, UnitRole

    department = division.parent or division
    missing = FULL - Person.objects.filter(is_active=True, unit__path__startswith=department.path).count()
    other = (
        Unit.objects.filter(path__startswith=department.path)
        .exclude(pk__in=[division.pk, department.pk])
        .order_by("path")
        .first()
        or division
    )
    if missing > 0:
        moved = list(
            Person.objects.filter(is_active=True, unit_role=UnitRole.MEMBER)
            .exclude(unit__path__startswith=department.path)
            .order_by("pk")
            .values_list("pk", flat=True)[:missing]
        )
        Person.objects.filter(pk__in=moved).update(unit=other)


def build() -> None:
    from django.db import connection

    from congtam.accounts.models import Role, User
    from congtam.monitoring import cycles
    from congtam.org.models import Agency, Category, Person, Unit
    from congtam.yearend import services

    started = time.perf_counter()
    Person.objects.filter(is_active=True).update(category=Category.CONG_CHUC)
    division = _big_group()
    _archive_scope(division)
    hr = User.objects.get(role=Role.HR)
    agency = Agency.objects.get()
    root = list(Unit.objects.filter(parent__isnull=True))
    cycle = cycles.cycle_open(
        actor=hr,
        agency=agency,
        year=YEAR,
        frequency="monthly",
        staff_group=Category.CONG_CHUC,
        policy_id="nd335",
        units=root,
    )
    cycles.reviews_open(cycle, actor=hr)
    print(
        f"    {cycle.periods.count()} monthly periods, reviews opened in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    with connection.cursor() as cursor:
        # Each person's own level (60 to 100), each month within ±4 points of it, in quarter points;
        # score_exact as the engine writes it (exact_text: no trailing zeros).
        cursor.execute("""
            UPDATE monitoring_review r SET state = 'approved', score = s.score, version = r.version + 6,
                   score_exact = trim(trailing '.' from trim(trailing '0' from s.score::text)),
                   acknowledged_version = 1, approved_at = now(), scored_at = now()
            FROM (SELECT id, least(100, greatest(0, 60 + (person_id * 7919) % 41
                                                      + ((id * 104729) % 33 - 16) / 4.0))::numeric(20, 2) AS score
                  FROM monitoring_review) s
            WHERE r.id = s.id""")
        cursor.execute("UPDATE monitoring_period SET state = 'closed'")
    services.year_open(
        actor=hr, agency=agency, year=YEAR, staff_group=Category.CONG_CHUC, policy_id="nd335", units=root
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"    (not timed) scores approved, year opened; the group of the calibration page: {division.code} "
        f"({Person.objects.filter(unit=division).count():,} people); {time.perf_counter() - started:.1f} s",
        flush=True,
    )


# --- the measures (each in its own process) -----------------------------------------------------
def _emit(**figures) -> None:
    """The step's figures, for the parent process to collect."""
    figures["load"] = os.getloadavg()[0]
    print("RESULT " + json.dumps(figures), flush=True)


def _year():
    from congtam.yearend.models import Year

    return Year.objects.select_related("agency").get(year=YEAR)


def _hr():
    from congtam.accounts.models import Role, User

    return User.objects.filter(role=Role.HR, is_active=True).order_by("pk").first()


def _job_seconds(job) -> float:
    return (job.finished_at - job.started_at).total_seconds()


def _run_job(kind: str, params: dict, key: str):
    from congtam.jobs.models import Job
    from congtam.jobs.services import job_start

    started = time.perf_counter()
    job = job_start(actor=_hr(), kind=kind, params=params, key=key)  # inline: runs when this commits
    wall = time.perf_counter() - started
    job = Job.objects.get(pk=job.pk)
    assert job.state == "succeeded", (job.state, job.error)
    return job, wall


def step_reset() -> None:
    """The year back to open, without the last run's classifications (in its own process: the
    deletion reads every row, and its memory is not the proposals')."""
    from django.db import connection

    from congtam.yearend.models import Classification, Year

    year = _year()
    Classification.objects.filter(year=year).delete()
    Year.objects.filter(pk=year.pk).update(state="open")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE yearend_classification")
    _emit()


def step_proposals() -> None:
    """The job twice: every row created, then every row updated (run again during calibration)."""
    from django.db import connection

    from congtam.yearend.models import Classification

    year = _year()
    # Baseline: the bare SQL mean of the same approved scores, per person, every row to the client.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.person_id, avg(r.score) FROM monitoring_review r
            JOIN monitoring_period p ON p.id = r.period_id JOIN monitoring_cycle c ON c.id = p.cycle_id
            WHERE c.year = %s AND c.agency_id = %s AND r.state = 'approved' GROUP BY r.person_id""",
            [YEAR, year.agency_id],
        )
        baseline_rows = len(cursor.fetchall())
    baseline = time.perf_counter() - started
    first, first_wall = _run_job("yearend.proposals", {"year_id": year.pk}, f"bench-proposals-{time.time()}")
    again, again_wall = _run_job("yearend.proposals", {"year_id": year.pk}, f"bench-proposals-again-{time.time()}")
    _emit(
        baseline=baseline,
        baseline_rows=baseline_rows,
        first=_job_seconds(first),
        first_wall=first_wall,
        again=_job_seconds(again),
        again_wall=again_wall,
        classified=first.result["classified"],
        missing=first.result["missing"],
        reviews=Classification.objects.filter(year=year).count(),
    )


def _calibration_unit(year):
    from django.db.models import Count

    from congtam.org.models import Unit

    unit_id, people = (
        year.classifications.order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("unit_id", "n")[0]
    )
    return Unit.objects.get(pk=unit_id), people


def _median_ms(call, requests: int, warm_up: int = 2) -> tuple[float, float]:
    for _ in range(warm_up):
        call()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def _client():
    from django.conf import settings
    from django.test import Client

    # The test client's host name is allowed. (Not setup_test_environment(): it instruments every
    # template render to record its context, a cost no real request pays.)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(_hr())
    return client


def step_calibration(requests: int) -> None:
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    year = _year()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE yearend_classification")  # autovacuum's work after the run again
    unit, people = _calibration_unit(year)
    group, in_group = (
        year.classifications.filter(unit=unit)
        .order_by()
        .values("group")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("group", "n")[0]
    )
    client = _client()
    url = reverse("yearend:calibration", kwargs={"pk": year.pk, "code": unit.code})

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    median, slowest = _median_ms(page, requests)
    with CaptureQueriesContext(connection) as queries:
        rows = page().content.decode().count('data-testid="row-')

    def bare():  # the page's rows, bare: one SQL query, every row to the client
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.id, c."group", c.proposed_level, c.calibrated_level, c.score_exact, c.rank_in_group,
                       c.over_quota, p.full_name, p.staff_code
                FROM yearend_classification c JOIN org_person p ON p.id = c.person_id
                WHERE c.year_id = %s AND c.unit_id = %s ORDER BY c."group", c.rank_in_group, p.sort_key""",
                [year.pk, unit.pk],
            )
            cursor.fetchall()

    baseline, _slowest = _median_ms(bare, requests)
    _emit(
        median_ms=median,
        max_ms=slowest,
        queries=len(queries),
        rows=rows,
        people=people,
        group=group,
        in_group=in_group,
        unit=unit.code,
        baseline_ms=baseline,
        requests=requests,
    )


def step_summary() -> None:
    from django.urls import reverse

    year = _year()
    client = _client()
    started = time.perf_counter()
    response = client.get(reverse("yearend:agency_summary", kwargs={"pk": year.pk}))
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    _emit(seconds=seconds, bytes=len(response.content), people=year.classifications.count())


def step_summary_baseline() -> None:
    """The same rows as the summary, read by one SQL query and written by bare xlsxwriter."""
    import io

    import xlsxwriter
    from django.db import connection

    year = _year()
    started = time.perf_counter()
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.full_name, u.name, coalesce(pos.title, ''), p.category, c.score_exact, c.proposed_level,
                   coalesce(nullif(c.amended_level, ''), c.approved_level), c."group"
            FROM yearend_classification c JOIN org_person p ON p.id = c.person_id JOIN org_unit u ON u.id = c.unit_id
            LEFT JOIN org_position pos ON pos.id = p.position_id
            WHERE c.year_id = %s ORDER BY u.path, c."group", p.sort_key, c.id""",
            [year.pk],
        )
        number = 0
        while rows := cursor.fetchmany(5000):
            for name, unit, position, category, score, proposed, result, group in rows:
                number += 1
                sheet.write_number(number, 0, number)
                sheet.write_string(number, 1, name)
                sheet.write_string(number, 2, unit)
                sheet.write_string(number, 3, position)
                sheet.write_string(number, 4, category)
                if score:
                    sheet.write_number(number, 5, float(score))
                sheet.write_string(number, 6, proposed)
                sheet.write_string(number, 7, result)
                sheet.write_string(number, 8, group)
    workbook.close()
    _emit(seconds=time.perf_counter() - started, bytes=len(output.getvalue()), people=number)


def step_forms(requests: int) -> None:
    from django.urls import reverse

    from congtam.documents import evaluation_form_docx, evaluation_form_pdf
    from congtam.yearend.exports.build import form_data

    year = _year()
    classification = year.classifications.order_by("pk").first()
    client = _client()
    urls = [
        reverse("yearend:form_download", kwargs={"pk": classification.pk, "extension": extension})
        for extension in ("docx", "pdf")
    ]

    def both():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

    median, slowest = _median_ms(both, requests)
    data = form_data(classification)
    baseline, _slowest = _median_ms(lambda: (evaluation_form_docx(data), evaluation_form_pdf(data)), requests)
    _emit(median_ms=median, max_ms=slowest, baseline_ms=baseline, requests=requests)


def _unit_of_about(year, people: int):
    """The unit whose subtree holds the fewest classifications, ``people`` or more (a slice too small
    would weigh the job's start, forking its processes and loading the fonts, more than it should)."""
    from collections import Counter

    from django.db.models import Count

    from congtam.org.models import Unit

    own = dict(year.classifications.order_by().values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    paths = dict(Unit.objects.values_list("pk", "path"))
    subtree = Counter()
    for unit_id, count in own.items():
        for part in paths[unit_id].split("/"):
            if part:
                subtree[int(part)] += count
    best = min(subtree, key=lambda unit_id: (subtree[unit_id] < people, abs(subtree[unit_id] - people), unit_id))
    return Unit.objects.get(pk=best), subtree[best]


def step_archive(people: int, processes: int) -> None:
    from django.conf import settings

    settings.CONGTAM_ARCHIVE_PROCESSES = processes
    year = _year()
    unit, _found = _unit_of_about(year, people)
    job, wall = _run_job(
        "yearend.forms_archive",
        {"year_id": year.pk, "unit_code": unit.code},
        f"bench-archive-{processes}-{time.time()}",
    )
    from congtam.yearend.jobs import archive_path

    size = archive_path(job.pk).stat().st_size
    archive_path(job.pk).unlink()
    _emit(
        seconds=_job_seconds(job),
        wall=wall,
        people=job.result["people"],
        files=job.result["files"],
        unit=unit.code,
        bytes=size,
        processes=processes,
    )


STEPS = {
    "build": lambda options: build(),
    "reset": lambda options: step_reset(),
    "proposals": lambda options: step_proposals(),
    "calibration": lambda options: step_calibration(options.requests),
    "summary": lambda options: step_summary(),
    "summary_baseline": lambda options: step_summary_baseline(),
    "forms": lambda options: step_forms(options.requests),
    "archive": lambda options: step_archive(options.people, options.processes),
}


# --- running ----------------------------------------------------------------------------------------
def _child(name: str, env: dict, *extra: str) -> tuple[dict, float]:
    """Run one step under /usr/bin/time -v; its figures and its peak resident memory (MiB)."""
    command = ["/usr/bin/time", "-v", sys.executable, __file__, "--step", name, *extra]
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    if finished.returncode:
        sys.stderr.write(finished.stdout[-3000:] + finished.stderr[-5000:])
        raise SystemExit(f"step {name} failed")
    figures = json.loads(next(line for line in finished.stdout.splitlines() if line.startswith("RESULT "))[7:])
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", finished.stderr).group(1)) / 1024
    return figures, peak


def _row(measure: str, target: str, measured: str, baseline: str, ratio: str, memory: str, load: float) -> None:
    print(f"| {measure} | {target} | {measured} | {baseline} | {ratio} | {memory} | {load:.2f} |", flush=True)


def measure(env: dict, options) -> None:
    print(
        f"\nyear-end speed on PostgreSQL ({DATABASE}), {os.cpu_count()} cores; load average when each step "
        f"ended in the last column\n",
        flush=True,
    )
    print("| measure | target | measured | baseline | ratio to baseline | peak memory | load |")
    print("|---|---|---|---|---|---|---|")
    _child("reset", env)  # the last run's classifications deleted (not measured)
    proposals, memory = _child("proposals", env)
    for label, seconds in (
        ("first run, every row created", proposals["first"]),
        ("run again in calibration, every row updated", proposals["again"]),
    ):
        _row(
            f"(1) proposals job, {proposals['classified']:,} people ({proposals['missing']} without data), {label}",
            f"≤ {TARGETS['proposals']:.0f} s",
            f"{seconds:.1f} s",
            f"bare SQL AVG per person: {proposals['baseline']:.2f} s",
            f"{seconds / proposals['baseline']:.0f}×",
            f"{memory:,.0f} MiB (both runs)",
            proposals["load"],
        )
    calibration, memory = _child("calibration", env, "--requests", str(options.requests))
    _row(
        f"(2) calibration page, unit {calibration['unit']} ({calibration['people']:,} people; group "
        f"{calibration['group']} of {calibration['in_group']:,}; {calibration['rows']:,} rows, "
        f"{calibration['queries']} queries), median of {calibration['requests']}",
        f"≤ {TARGETS['calibration'] * 1000:.0f} ms",
        f"{calibration['median_ms']:.0f} ms (max {calibration['max_ms']:.0f})",
        f"bare SQL of the unit's {calibration['people']:,} rows: {calibration['baseline_ms']:.0f} ms",
        f"{calibration['median_ms'] / calibration['baseline_ms']:.1f}×",
        f"{memory:,.0f} MiB",
        calibration["load"],
    )
    summary, memory = _child("summary", env)
    bare, bare_memory = _child("summary_baseline", env)
    _row(
        f"(3) agency summary xlsx, {summary['people']:,} people ({summary['bytes'] / 2**20:.1f} MiB)",
        f"≤ {TARGETS['summary']:.0f} s, ≤ 1 GiB",
        f"{summary['seconds']:.1f} s, {memory:,.0f} MiB",
        f"SQL + bare xlsxwriter: {bare['seconds']:.1f} s, {bare_memory:,.0f} MiB",
        f"{summary['seconds'] / bare['seconds']:.1f}×",
        f"{memory:,.0f} MiB",
        summary["load"],
    )
    forms, memory = _child("forms", env, "--requests", str(options.requests))
    _row(
        f"(4) one person's DOCX + PDF through the views, median of {forms['requests']}",
        f"≤ {TARGETS['forms']:.0f} s",
        f"{forms['median_ms']:.0f} ms (max {forms['max_ms']:.0f})",
        f"the two rendered from their data: {forms['baseline_ms']:.0f} ms",
        f"{forms['median_ms'] / forms['baseline_ms']:.2f}×",
        f"{memory:,.0f} MiB",
        forms["load"],
    )
    sizes = [SLICE] + ([FULL] if options.full_archive else [])
    for people in sizes:
        two, memory = _child("archive", env, "--people", str(people), "--processes", "2")
        if people == SLICE:
            one, _memory = _child("archive", env, "--people", str(people), "--processes", "1")
            baseline, ratio = (f"1 process: {one['seconds']:.0f} s", f"{two['seconds'] / one['seconds']:.2f}×")
        else:
            baseline, ratio = ("—", "—")
        scaled = two["seconds"] * FULL / two["people"] / 60
        measured = f"{two['seconds']:.0f} s" + (
            f" ({scaled:.1f} min)" if two["people"] == FULL else f" (scaled to 10,000: {scaled:.1f} min)"
        )
        _row(
            f"(5) forms archive job, 2 worker processes, unit {two['unit']}: {two['people']:,} people, "
            f"{two['files']:,} files ({two['bytes'] / 2**20:.0f} MiB)",
            f"10,000 forms ≤ {TARGETS['archive_10k'] / 60:.0f} min",
            measured,
            baseline,
            ratio,
            f"{memory:,.0f} MiB (job's process)",
            two["load"],
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reuse", action="store_true", help="Measure again on the database of the last run.")
    parser.add_argument("--build-only", action="store_true", help="Build the database, measure nothing.")
    parser.add_argument("--full-archive", action="store_true", help="Also build the archive of about 10,000 people.")
    parser.add_argument("--requests", type=int, default=20, help="Requests per page measured (after 2 of warm-up).")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, default=SLICE, help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        import django

        django.setup()
        STEPS[options.step](options)
        return 0
    data_dir = Path(tempfile.mkdtemp(prefix="congtam-ye-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{options.pg_url}/{DATABASE}",
        "CONGTAM_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "congtam.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("CONGTAM_BROKER_URL", None)
    congtam = str(ROOT / ".venv" / "bin" / "congtam")
    if options.reuse:
        subprocess.run([congtam, "migrate", "-v0"], env=env, check=True)
    else:
        _prepare(options.pg_url, options.size, env)
        subprocess.run([sys.executable, __file__, "--step", "build"], env=env, check=True)
    if options.build_only:
        return 0
    # The pages are served as in production: static files collected, with their manifest.
    subprocess.run([congtam, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    measure(env, options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
