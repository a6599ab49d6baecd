"""Speed of the two big background jobs of monitoring (issue 5, "Speed", on PostgreSQL):

(a) open a year of monthly periods for 100,000 people — the job that creates every person's
    review in each of the 12 periods (1.2 million reviews, with evaluator and approver), target
    ≤ 60 s;
(b) score and lock one month for 100,000 people with 10 items each — the job that computes every
    review's score again with the engine from its rows (1 million items), checks it against the
    approved one, and locks the period; target ≤ 60 s;
(c) the heads' and deputies' unit part inside that job (issue 13): the job's check of every
    score timed with the unit part and without it (every leader then scored on own items only,
    as before issue 13), best of two alternated runs each; target: the unit part adds ≤ 10%.

Steps: a scratch database ``congtam_mon_bench`` (dropped and created again), ``congtam demo
--size N --year no``; then (a) through ``job_start`` (the job runs inline: no broker; the same
code a Celery worker runs), for every staff group of the whole agency, timed from the jobs'
``started_at`` to ``finished_at``; then, not timed, January is filled in bulk with 10 catalogue
items per review, two ratings, the engine's score and an approval (the heads' and deputies'
scores last, with their unit part); then (b) through ``job_start``, timed the same way; then (c). Figures are printed with the ratio to the target; the
process's peak memory (ru_maxrss) too.

Usage (from the repository's root)::

    .venv/bin/python benchmarks/monitoring_jobs_bench.py                 # 100,000 people
    .venv/bin/python benchmarks/monitoring_jobs_bench.py --size 10000
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 60.0


def _prepare(pg_url: str, size: int, data_dir: Path, database: str = "congtam_mon_bench") -> str:
    import psycopg

    with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    url = f"{pg_url}/{database}"
    env = {**os.environ, "DATABASE_URL": url, "CONGTAM_DATA_DIR": str(data_dir)}
    env.pop("CONGTAM_BROKER_URL", None)
    congtam = str(ROOT / ".venv" / "bin" / "congtam")
    subprocess.run([congtam, "migrate", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [congtam, "demo", "--size", str(size), "--year", "no"], env=env, check=True, stdout=subprocess.DEVNULL
    )
    print(f"demo agency of {size:,} people loaded in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def _job_seconds(jobs) -> float:
    return sum((job.finished_at - job.started_at).total_seconds() for job in jobs)


def _fill_january(period, rng: random.Random) -> int:
    """Ten catalogue items per review, accepted; both ratings; the engine's score; approved.
    Written as plain rows (COPY), as the reviews themselves are."""
    import json

    from django.db import transaction
    from django.utils import timezone

    from congtam.catalogue.models import CatalogueItem
    from congtam.core.bulk import insert_rows
    from congtam.monitoring.cycles import _ItemRow, _RatingRow
    from congtam.monitoring.leaders import unit_parts
    from congtam.monitoring.models import GeneralRating, ItemState, Origin, Review, ReviewState, WorkItem
    from congtam.monitoring.scoring import review_score

    catalogues: dict[int, list] = {}
    for entry in CatalogueItem.objects.filter(version_to__isnull=True):
        catalogues.setdefault(entry.position_id, []).append(entry)
    fallback = next(iter(catalogues.values()))
    levels = {"chinh_tri_dao_duc": 4, "van_hoa_ky_luat": 4, "trach_nhiem_phuc_vu": 5, "doi_moi_sang_tao": 3}
    ratings_rows = [_RatingRow("self", levels), _RatingRow("manager", levels)]
    now = timezone.now()
    ids = list(period.reviews.order_by("pk").values_list("pk", flat=True))
    item_fields = (
        "review",
        "catalogue_item",
        "code",
        "name",
        "unit_of_measure",
        "factor",
        "quality_requirement",
        "ad_hoc_reason",
        "origin",
        "state",
        "decline_reason",
        "due_on",
        "missed_deadlines",
        "completed_on",
        "report_note",
        "quality_failures",
        "objective_cause",
        "in_plan_version",
        "source_id",
        "created_at",
        "version",
    )
    rating_fields = ("review", "rater_role", "levels", "comments", "submitted_at", "version")
    total = 0
    no_unit: dict = {}  # leaders are scored again below, once their staff are approved
    own_items: dict[int, list] = {}
    for start in range(0, len(ids), 10_000):
        reviews = list(Review.objects.filter(pk__in=ids[start : start + 10_000]).select_related("period__cycle"))
        items, ratings, updates = [], [], []
        for review in reviews:
            pool = catalogues.get(review.position_id) or fallback
            mine = []
            for index in range(10):
                entry = pool[index % len(pool)]
                due = period.starts_on + timedelta(days=rng.randint(3, 27))
                completed = due + timedelta(days=1 if rng.random() < 0.1 else 0)
                failures = 1 if rng.random() < 0.05 else 0
                items.append(
                    (
                        review.pk,
                        entry.pk,
                        entry.code,
                        entry.name,
                        entry.unit,
                        entry.factor,
                        "",
                        "",
                        Origin.MANAGER,
                        ItemState.ACCEPTED,
                        "",
                        due,
                        0,
                        completed,
                        "",
                        failures,
                        False,
                        1,
                        "",
                        now,
                        1,
                    )
                )
                mine.append(
                    _ItemRow(0, entry.code, entry.factor, ItemState.ACCEPTED, due, completed, 0, failures, False)
                )
            if review.is_leader:
                own_items[review.pk] = mine
            for role in ("self", "manager"):
                ratings.append((review.pk, role, json.dumps(levels), "{}", now, 1))
            update = Review(
                pk=review.pk,
                state=ReviewState.APPROVED,
                acknowledged_version=1,
                approved_at=now,
                explanation=None,
                version=review.version + 1,
            )
            update.set_score(review_score(review, mine, ratings_rows, unit_parts=no_unit).score)
            updates.append(update)
        with transaction.atomic():
            insert_rows(WorkItem, item_fields, items)
            insert_rows(GeneralRating, rating_fields, ratings)
            _write_scores(updates)
        total += len(items)
    # Every staff review approved: the heads' and deputies' scores with their unit part.
    parts = unit_parts(period)
    updates = []
    for review in Review.objects.filter(pk__in=list(own_items)).select_related("period__cycle"):
        update = Review(pk=review.pk)
        update.set_score(review_score(review, own_items[review.pk], ratings_rows, unit_parts=parts).score)
        updates.append(update)
    with transaction.atomic():
        _write_scores(updates)
    return total


def _write_scores(updates) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_scores (id bigint, score numeric, score_exact text) ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_scores (id, score, score_exact) FROM STDIN") as copy:
            for update in updates:
                copy.write_row((update.pk, update.score, update.score_exact))
        cursor.execute(
            "UPDATE monitoring_review r SET state = 'approved', acknowledged_version = 1, approved_at = now(), "
            "score = s.score, score_exact = s.score_exact, version = r.version + 1 "
            "FROM bench_scores s WHERE r.id = s.id"
        )


def _unit_part_cost(periods) -> None:
    """(c): the closing job's check of every score, with the leaders' unit part and without it."""
    from unittest import mock

    from congtam.monitoring import cycles, leaders
    from congtam.monitoring.models import Review

    def check(with_unit: bool) -> float:
        started = time.perf_counter()
        for period in periods:
            if with_unit:
                cycles.period_check_scores(period)
            else:
                with mock.patch.object(leaders, "unit_parts", lambda period, units=None: {}):
                    cycles.period_check_scores(period)
        return time.perf_counter() - started

    runs: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(2):  # alternated, so that neither is always the first on a cold cache
        for with_unit in (False, True):
            runs[with_unit].append(check(with_unit))
    without, with_unit = min(runs[False]), min(runs[True])
    started = time.perf_counter()
    for period in periods:
        leaders.unit_parts(period)
    parts = time.perf_counter() - started
    count = Review.objects.filter(period__in=periods, is_leader=True).count()
    added = (with_unit - without) / without
    print(
        f"(c) leaders' unit part in the closing job: {count:,} heads and deputies; the check of every score "
        f"without it {without:.1f} s, with it {with_unit:.1f} s: {added:+.1%} (target ≤ 10%); "
        f"the unit parts alone {parts:.2f} s"
    )


def measure(size: int) -> None:
    import django

    django.setup()

    from congtam.accounts.models import Role, User
    from congtam.jobs.models import Job
    from congtam.jobs.services import job_start
    from congtam.monitoring import cycles
    from congtam.monitoring.models import Review
    from congtam.org.models import Agency, Category, Person, Unit

    hr = User.objects.get(role=Role.HR)
    agency = Agency.objects.get()
    root = list(Unit.objects.filter(parent__isnull=True))
    groups = [group for group in Category.values if Person.objects.filter(category=group, is_active=True).exists()]
    jobs = []
    for group in groups:
        cycle = cycles.cycle_open(
            actor=hr, agency=agency, year=2026, frequency="monthly", staff_group=group, policy_id="nd335", units=root
        )
        jobs.append(
            job_start(
                actor=hr, kind="monitoring.open_reviews", params={"cycle_id": cycle.pk}, key=f"bench-open-{cycle.pk}"
            )
        )
    jobs = [Job.objects.get(pk=job.pk) for job in jobs]
    assert all(job.state == "succeeded" for job in jobs), [(job.state, job.error) for job in jobs]
    reviews = Review.objects.count()
    opened = _job_seconds(jobs)
    print(
        f"(a) open a year of monthly periods: {reviews:,} reviews for {reviews // 12:,} people in "
        f"{len(jobs)} jobs: {opened:.1f} s (target ≤ {TARGET:.0f} s; {opened / TARGET:.2f} of it)",
        flush=True,
    )

    items = 0
    closes = []
    started = time.perf_counter()
    rng = random.Random(7)
    from congtam.demo.catalogues import load_demo_catalogues

    load_demo_catalogues(agency, rng)
    for cycle_job in jobs:
        from congtam.monitoring.models import Period

        period = Period.objects.get(cycle_id=cycle_job.params["cycle_id"], number=1)
        items += _fill_january(period, rng)
    print(
        f"    (not timed) January filled: {items:,} items, approved, in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    for cycle_job in jobs:
        period = Period.objects.get(cycle_id=cycle_job.params["cycle_id"], number=1)
        closes.append(
            job_start(
                actor=hr,
                kind="monitoring.close_period",
                params={"period_id": period.pk},
                key=f"bench-close-{period.pk}",
            )
        )
    closes = [Job.objects.get(pk=job.pk) for job in closes]
    assert all(job.state == "succeeded" and job.result["closed"] for job in closes), [job.result for job in closes]
    checked = sum(job.result["checked"] for job in closes)
    closed = _job_seconds(closes)
    print(
        f"(b) score and lock one month: {checked:,} reviews, {items:,} items: {closed:.1f} s "
        f"(target ≤ {TARGET:.0f} s; {closed / TARGET:.2f} of it)"
    )
    _unit_part_cost([Period.objects.get(cycle_id=job.params["cycle_id"], number=1) for job in jobs])
    print(
        f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--database", default="congtam_mon_bench", help="the scratch database's name (dropped and created again)"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.size)
        return 0
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        url = _prepare(options.pg_url, options.size, Path(folder), options.database)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "CONGTAM_DATA_DIR": folder,
            "DJANGO_SETTINGS_MODULE": "congtam.settings",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("CONGTAM_BROKER_URL", None)
        return subprocess.run([sys.executable, __file__, "--measure", "--size", str(options.size)], env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
