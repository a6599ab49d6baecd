"""The year-end background jobs: the engine's proposals started from the year's page (progress,
result, who was left out shown on the year's page afterwards, a double click, a refusal, a change
made while the run computes), and the forms archive rendered by worker processes (the same
archive, each form rendered outside the job's own process, and on a real Celery prefork worker)."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from congtam.accounts.models import Role
from congtam.jobs.models import Job
from congtam.jobs.services import job_execute, job_start
from congtam.yearend import approval, calibration, jobs, proposals, services
from congtam.yearend.models import Classification, LevelChange
from tests.yearend.conftest import approve_scores
from tests.yearend.test_pages import _add_people

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are matched by their English text."""
    with translation.override("en"):
        yield


def _year_url(year_end):
    return reverse("yearend:year", kwargs={"pk": year_end.year.pk})


def _propose_url(year_end):
    return reverse("yearend:year_action", kwargs={"pk": year_end.year.pk, "action": "propose"})


# --- the proposals job -----------------------------------------------------------------------------
def test_hr_starts_the_proposals_as_a_job_whose_result_the_year_page_shows(year_end, client_as):
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])  # Bình has no approved score
    client = client_as(Role.HR)
    assert 'data-testid="last-run"' not in client.get(_year_url(year_end)).content.decode()

    response = client.post(_propose_url(year_end))
    job = Job.objects.get(kind=jobs.PROPOSALS)
    assert response.status_code == 302 and response.url == reverse("jobs:detail", kwargs={"job_id": job.pk})
    assert job.params == {"year_id": year_end.year.pk} and job.state == "queued"
    assert not Classification.objects.exists()  # nothing computed in the request

    with translation.override("en"):  # the worker's language
        job = job_execute(job_id=job.pk)
    assert job.state == "succeeded", job.error
    assert job.result == {"url": _year_url(year_end), "classified": 4, "missing": 1}
    assert (job.done, job.total) == (proposals.PROPOSAL_STEPS, proposals.PROPOSAL_STEPS)
    assert job.message == "Writing each person's proposal and its explanation…"
    assert Classification.objects.filter(year=year_end.year).count() == 4

    page = client.get(job.result["url"]).content.decode()
    last_run = page[page.index('data-testid="last-run"') :]
    assert " 4 " in last_run[: last_run.index("</p>")]  # people classified
    assert "NV022 Đặng Thị Bình" in page.split('data-testid="missing"')[1]
    assert year_end.year.classifications.filter(person=year_end.person("an")).exists()


def test_the_last_run_is_read_from_the_audit_trail_whoever_started_it(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    assert proposals.proposals_last_run(year_end.year) is None
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    first = proposals.proposals_last_run(year_end.year)
    assert (first.classified, first.missing) == (4, ["NV022 Đặng Thị Bình"])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    second = proposals.proposals_last_run(year_end.year)
    assert (second.classified, second.missing) == (5, []) and second.seq > first.seq


def test_asking_again_before_the_run_has_finished_gives_the_same_job(year_end, client_as):
    client = client_as(Role.HR)
    first = client.post(_propose_url(year_end))
    second = client.post(_propose_url(year_end))
    assert first.url == second.url and Job.objects.filter(kind=jobs.PROPOSALS).count() == 1
    job_execute(job_id=Job.objects.get().pk)
    client.post(_propose_url(year_end))  # after a finished run: a new run
    assert Job.objects.filter(kind=jobs.PROPOSALS).count() == 2


def test_a_year_past_calibration_refuses_at_once_and_starts_no_job(year_end, client_as):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    hr = year_end.user(Role.HR)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    approval.year_submit_for_approval(actor=hr, year=year_end.year)
    response = client_as(Role.HR).post(_propose_url(year_end), follow=True)
    assert response.redirect_chain[-1][0] == _year_url(year_end)
    assert [message.level_tag for message in response.context["messages"]] == ["error"]
    assert not Job.objects.filter(kind=jobs.PROPOSALS).exists()


def test_only_hr_starts_the_proposals(year_end, client_as):
    for role in (Role.UNIT_HEAD, Role.LEADERSHIP, Role.INSPECTOR, Role.STAFF):
        assert client_as(role).post(_propose_url(year_end)).status_code == 403
    assert not Job.objects.exists()


def test_a_failed_run_says_why_and_a_restart_finishes_it(year_end, monkeypatch):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    job = jobs.proposals_start(actor=year_end.user(Role.HR), year=year_end.year)
    original = proposals._proposals_write

    def broken(actor, plan):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(proposals, "_proposals_write", broken)
    failed = job_execute(job_id=job.pk)
    assert failed.state == "failed" and "unexpected error" in failed.error
    assert not Classification.objects.exists()  # all or nothing
    monkeypatch.setattr(proposals, "_proposals_write", original)
    from congtam.jobs.services import job_retry

    job_retry(actor=year_end.user(Role.HR), job=failed)
    assert job_execute(job_id=job.pk).state == "succeeded"
    assert Classification.objects.filter(year=year_end.year).count() == 4


def test_a_run_again_writes_the_same_rows_and_keeps_calibrations(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    approve_scores(year_end.cycle, year_end.person("binh"), [60, 60, 60, 60])
    hr = year_end.user(Role.HR)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    fields = (
        "person",
        "unit",
        "group",
        "evaluator",
        "approver",
        "score_exact",
        "proposed_level",
        "qualified_level",
        "over_quota",
        "rank_in_group",
        "explanation",
        "pivotal_periods",
    )
    before = list(Classification.objects.order_by("pk").values_list(*fields))
    binh = year_end.classification("binh")
    calibration.level_change(
        actor=hr, classification=binh, expected_version=binh.version, level="HTTNV", reason="Có đóng góp chưa được tính"
    )
    proposals.proposals_compute(actor=hr, year=year_end.year)
    assert list(Classification.objects.order_by("pk").values_list(*fields)) == before
    binh = year_end.classification("binh")
    assert (binh.state, binh.level, binh.calibration_reason) == ("calibrated", "HTTNV", "Có đóng góp chưa được tính")
    assert binh.version == 3  # proposed, calibrated, proposed again


def test_a_calibration_made_while_the_run_computes_is_not_overwritten(year_end, monkeypatch):
    """The run reads and classifies outside its transaction; a change made meanwhile to a row it
    will write (here HR's group, then a level) makes it compute again from what is there now."""
    approve_scores(year_end.cycle, year_end.person("an"), [92, 92, 92, 92])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    hr = year_end.user(Role.HR)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    plan = proposals._proposals_plan
    plans = []

    def plan_then_someone_edits(year, say):
        computed = plan(year, say)
        plans.append(computed)
        if len(plans) == 1:
            binh = year_end.classification("binh")
            calibration.group_set(
                actor=hr,
                classification=binh,
                expected_version=binh.version,
                group="Pháp chế",
                reason="Cùng nhiệm vụ pháp chế",
            )
        return computed

    monkeypatch.setattr(proposals, "_proposals_plan", plan_then_someone_edits)
    run = proposals.proposals_compute(actor=hr, year=year_end.year)
    assert len(plans) == 2 and run.classified == 5
    binh = year_end.classification("binh")
    assert binh.group == "Pháp chế" and binh.group_set_by_hr and binh.explanation["tree"]["group"] == "Pháp chế"
    assert binh.version == 3  # proposed, group set, proposed again (the stale write never happened)


def test_a_fact_recorded_while_the_run_computes_is_taken_into_account(year_end, monkeypatch):
    from datetime import date

    approve_scores(year_end.cycle, year_end.person("an"), [95, 95, 95, 95])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    hr = year_end.user(Role.HR)
    plan = proposals._proposals_plan
    plans = []

    def plan_then_a_fact(year, say):
        computed = plan(year, say)
        plans.append(computed)
        if len(plans) == 1:
            services.fact_record(
                actor=hr,
                year=year_end.year,
                person=year_end.person("an"),
                kind="discipline",
                discipline_measure="khien_trach",
                decision_number="12/QĐ-VPQH",
                decision_date=date(2026, 6, 3),
                violation="Vi phạm quy chế làm việc",
                document_reference="12/QĐ-VPQH",
            )
        return computed

    monkeypatch.setattr(proposals, "_proposals_plan", plan_then_a_fact)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    assert len(plans) == 2 and year_end.classification("an").proposed_level == "KHTNV"
    assert not LevelChange.objects.exists()


def test_a_run_that_never_settles_gives_up_with_a_clear_message(year_end, monkeypatch):
    from django.core.exceptions import ValidationError

    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    hr = year_end.user(Role.HR)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    plan = proposals._proposals_plan

    def plan_then_calibrate(year, say):
        computed = plan(year, say)
        an = year_end.classification("an")
        calibration.level_change(
            actor=hr,
            classification=an,
            expected_version=an.version,
            level="HTNV" if an.level != "HTNV" else "HTTNV",
            reason="Điều chỉnh",
        )
        return computed

    monkeypatch.setattr(proposals, "_proposals_plan", plan_then_calibrate)
    with pytest.raises(ValidationError, match="kept changing"):
        proposals.proposals_compute(actor=hr, year=year_end.year)


# --- the forms archive, rendered by worker processes -----------------------------------------------
def _archive(year_end, code="VPL"):
    job = job_start(
        actor=year_end.user(Role.HR),
        kind=jobs.FORMS_ARCHIVE,
        params={"year_id": year_end.year.pk, "unit_code": code},
        key=f"test:{code}:{os.urandom(4).hex()}",
    )
    job = job_execute(job_id=job.pk)
    assert job.state == "succeeded", job.error
    return job, zipfile.ZipFile(jobs.archive_path(job.pk))


def test_the_archive_from_two_processes_is_the_archive_from_one(year_end, settings, tmp_path):
    from tests.documents.reading import docx_text

    settings.DATA_DIR = tmp_path
    _add_people(year_end.world, year_end.cycle, 7, 300)
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    settings.CONGTAM_ARCHIVE_PROCESSES = 1
    one_job, one = _archive(year_end)
    settings.CONGTAM_ARCHIVE_PROCESSES = 2
    two_job, two = _archive(year_end)
    assert jobs.archive_processes(two_job.result["people"]) == 2
    assert two.namelist() == one.namelist() and len(one.namelist()) == 2 * 12
    assert (two_job.done, two_job.total) == (12, 12)
    assert two_job.result == {**one_job.result, "url": two_job.result["url"]}
    for name in one.namelist():
        if name.endswith(".docx"):
            assert docx_text(two.read(name)) == docx_text(one.read(name))


def test_the_forms_are_rendered_in_worker_processes_not_in_the_jobs_own(year_end, settings, tmp_path, monkeypatch):
    """The renderers are looked up when a form is rendered: replaced by one that writes the
    rendering process's id, they show where each form was made."""
    from congtam.documents import bundles

    settings.DATA_DIR = tmp_path
    settings.CONGTAM_ARCHIVE_PROCESSES = 2
    _add_people(year_end.world, year_end.cycle, 10, 300)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    monkeypatch.setattr(
        bundles,
        "RENDERERS",
        {"docx": lambda form: str(os.getpid()).encode(), "pdf": lambda form: str(os.getpid()).encode()},
    )
    _job, archive = _archive(year_end, code="VPL-P1")
    makers = {archive.read(name).decode() for name in archive.namelist()}
    assert makers and str(os.getpid()) not in makers and len(makers) <= 2


def test_a_form_that_fails_to_render_fails_the_job_and_leaves_no_archive(year_end, settings, tmp_path, monkeypatch):
    from congtam.documents import bundles

    settings.DATA_DIR = tmp_path
    settings.CONGTAM_ARCHIVE_PROCESSES = 2
    _add_people(year_end.world, year_end.cycle, 4, 300)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)

    def broken(form):
        raise ValueError("template missing")

    monkeypatch.setattr(bundles, "RENDERERS", {"docx": broken, "pdf": broken})
    job = job_start(
        actor=year_end.user(Role.HR),
        kind=jobs.FORMS_ARCHIVE,
        params={"year_id": year_end.year.pk, "unit_code": "VPL-P1"},
        key="test:broken",
    )
    job = job_execute(job_id=job.pk)
    assert job.state == "failed" and not jobs.archive_path(job.pk).exists()


def test_a_small_scope_is_rendered_by_one_process(settings):
    settings.CONGTAM_ARCHIVE_PROCESSES = 2
    assert (jobs.archive_processes(0), jobs.archive_processes(1), jobs.archive_processes(5000)) == (1, 1, 2)


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_prefork_worker_builds_the_archive_with_its_own_worker_processes(world, today, tmp_path):
    """A prefork worker's process is daemonic: the standard library would refuse to start the
    rendering processes from it. Through Redis, on a real worker (with CI=true an unreachable Redis fails it)."""
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from django.db import connection

    from congtam.celery import app
    from congtam.jobs.models import JobState
    from tests.jobs.test_worker import REDIS_URL, ROOT, _database_url, _forget_queue, _use_broker, require_redis
    from tests.yearend.conftest import open_year

    require_redis()
    year_end = open_year(world)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    prefix = f"congtam-test-{uuid.uuid4().hex[:12]}:"
    log_file = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "congtam.settings",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CONGTAM_BROKER_URL": REDIS_URL,
        "CONGTAM_BROKER_KEY_PREFIX": prefix,
        "CONGTAM_DATA_DIR": str(tmp_path),
        "CONGTAM_CONN_MAX_AGE": "0",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "congtam",
        "worker",
        "--pool=prefork",
        "-c",
        "1",
        "-n",
        f"{prefix.rstrip(':')}@%h",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
        "-l",
        "INFO",
    ]
    with open(log_file, "w") as log:
        worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    before = (app.conf.broker_url, app.conf.task_always_eager)
    _use_broker(app, url=REDIS_URL, prefix=prefix, eager=False)
    try:
        job = job_start(
            actor=year_end.user(Role.HR),
            kind=jobs.FORMS_ARCHIVE,
            params={"year_id": year_end.year.pk, "unit_code": "VPL"},
            key="test:worker",
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state in (JobState.SUCCEEDED, JobState.FAILED) or worker.poll() is not None:
                break
            time.sleep(0.2)
        log = log_file.read_text(errors="replace")[-3000:]
        assert job.state == JobState.SUCCEEDED, f"{job.state} {job.error}\n{log}"
        archive = zipfile.ZipFile(io.BytesIO((tmp_path / "exports" / f"{job.pk}.zip").read_bytes()))
        assert len(archive.namelist()) == 2 * job.result["people"] > 0
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        _use_broker(app, url=before[0], prefix=None, eager=before[1])
        _forget_queue(prefix)
