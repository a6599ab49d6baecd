"""job_start: the row, the audit entry, the run once the transaction commits, idempotency."""

import pytest
from django.core.exceptions import ValidationError

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.jobs import services
from congtam.jobs.models import Job, JobState

pytestmark = pytest.mark.django_db


def test_a_job_runs_inline_after_commit_with_its_progress_and_result(world, kinds, django_capture_on_commit_callbacks):
    hr = world.users[Role.HR]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = services.job_start(actor=hr, kind="tests.count_to", params={"n": 25, "batch": 10})
        assert kinds.CALLS == []  # nothing runs before the commit
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert (job.done, job.total, job.percent) == (25, 25, 100)
    assert job.result == {"counted": 25, "url": "/org/units/?counted=25"}
    assert job.result_url == "/org/units/?counted=25"
    assert job.attempts == 1 and job.started_at and job.finished_at
    assert job.label == "Đếm đến n" and job.created_by == hr
    assert [(str(job.pk), {"n": 25, "batch": 10, "fail_at": None})] == kinds.CALLS


def test_start_and_finish_are_audited_and_the_creator_is_notified(world, kinds, django_capture_on_commit_callbacks):
    hr = world.users[Role.HR]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=hr, kind="tests.count_to", params={"n": 3})
    entries = list(AuditEntry.objects.filter(subject_id=str(job.pk)).order_by("seq"))
    assert [entry.event for entry in entries] == ["jobs.job.started", "jobs.job.succeeded"]
    assert entries[0].actor_label == "hoa" and entries[0].new["params"] == {"n": 3}
    assert entries[1].actor_label == "system"
    notification = hr.notifications.get()
    assert notification.kind == "jobs.finished" and notification.url == f"/jobs/{job.pk}/"
    assert "Đếm đến n" in notification.title


def test_the_same_key_returns_the_same_job_and_runs_it_once(world, kinds, django_capture_on_commit_callbacks):
    hr = world.users[Role.HR]
    with django_capture_on_commit_callbacks(execute=True):
        first = services.job_start(actor=hr, kind="tests.count_to", params={"n": 5}, key="open-periods:2026-01")
        second = services.job_start(actor=hr, kind="tests.count_to", params={"n": 5}, key="open-periods:2026-01")
    assert second.pk == first.pk
    assert Job.objects.count() == 1
    assert len(kinds.CALLS) == 1
    # Finished, it still stands for that work: starting it again does nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        third = services.job_start(actor=hr, kind="tests.count_to", params={"n": 5}, key="open-periods:2026-01")
    assert third.pk == first.pk and len(kinds.CALLS) == 1


def test_different_keys_or_no_key_make_different_jobs(world, kinds):
    hr = world.users[Role.HR]
    jobs = {
        services.job_start(actor=hr, kind="tests.count_to", params={"n": 1}, key="a").pk,
        services.job_start(actor=hr, kind="tests.count_to", params={"n": 1}, key="b").pk,
        services.job_start(actor=hr, kind="tests.count_to", params={"n": 1}).pk,
        services.job_start(actor=hr, kind="tests.count_to", params={"n": 1}).pk,
    }
    assert len(jobs) == 4


def test_the_database_refuses_a_second_active_job_with_the_same_key(world):
    from django.db import IntegrityError, transaction

    Job.objects.create(kind="tests.count_to", label="x", key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind="tests.count_to", label="x", key="k")


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.job_start(actor=world.users[Role.HR], kind="nobody.knows", params={})
    assert "nobody.knows" in str(error.value)
    assert not Job.objects.exists()


def test_parameters_that_are_not_json_are_refused(world, kinds):
    from datetime import date

    with pytest.raises(ValidationError):
        services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": date(2026, 1, 1)})
    assert not Job.objects.exists()


def test_the_state_is_never_assigned_directly(world):
    job = Job.objects.create(kind="tests.count_to", label="x")
    with pytest.raises(AttributeError):
        job.state = JobState.SUCCEEDED


def test_a_message_delivered_twice_runs_the_job_once(world, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": 2})
    assert services.job_execute(job_id=job.pk) is None
    assert len(kinds.CALLS) == 1


def test_a_job_given_back_by_a_lost_worker_runs_again(world, kinds):
    """acks_late: the broker redelivers the message of a worker that died; the job was running."""
    job = services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": 4})
    services.job_claim(job_id=job.pk)  # the first worker took it, then died
    finished = services.job_execute(job_id=job.pk)
    assert finished.state == JobState.SUCCEEDED and finished.attempts == 2
