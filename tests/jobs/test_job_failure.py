"""A failed job keeps a message for the person, the traceback goes to the log, and it can be
restarted: the same kind and parameters run again."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.jobs import services
from congtam.jobs.models import Job, JobState

pytestmark = pytest.mark.django_db


def _failed(world, kinds, capture, actor_role=Role.HR, key=None):
    with capture(execute=True):
        job = services.job_start(
            actor=world.users[actor_role], kind="tests.count_to", params={"n": 30, "batch": 10, "fail_at": 15}, key=key
        )
    job.refresh_from_db()
    return job


def test_an_unexpected_error_fails_the_job_with_a_translated_message_and_logs_the_traceback(
    world, kinds, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.ERROR, logger="congtam.jobs.services"):
        job = _failed(world, kinds, django_capture_on_commit_callbacks)
    assert job.state == JobState.FAILED
    assert "lỗi ngoài dự kiến" in job.error  # Vietnamese, for the person
    assert "disk is full" not in job.error  # the technical detail stays in the log
    assert job.done == 10 and job.total == 30  # the batch committed before the failure counts
    record = next(r for r in caplog.records if r.name == "congtam.jobs.services")
    assert record.exc_info and "the disk is full" in str(record.exc_info[1])
    assert AuditEntry.objects.filter(subject_id=str(job.pk), event="jobs.job.failed").exists()
    assert world.users[Role.HR].notifications.filter(kind="jobs.finished", body=job.error).exists()


def test_a_validation_error_is_shown_as_it_was_written(world, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.users[Role.HR], kind="tests.refuse", params={"reason": "Kỳ đã khóa."})
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "Kỳ đã khóa."


def test_retry_runs_the_same_kind_and_parameters_again(world, kinds, django_capture_on_commit_callbacks):
    job = _failed(world, kinds, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        retried = services.job_retry(actor=world.users[Role.HR], job=job)
    assert retried.pk == job.pk
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.attempts == 2 and job.error == ""
    assert job.done == 30 and job.result["counted"] == 30
    assert [params for _, params in kinds.CALLS] == [{"n": 30, "batch": 10, "fail_at": 15}] * 2
    events = list(AuditEntry.objects.filter(subject_id=str(job.pk)).order_by("seq").values_list("event", flat=True))
    assert events == ["jobs.job.started", "jobs.job.failed", "jobs.job.retried", "jobs.job.succeeded"]


def test_only_a_failed_job_can_be_restarted(world, kinds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": 1})
    with pytest.raises(ValidationError):
        services.job_retry(actor=world.users[Role.HR], job=job)


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER, Role.UNIT_HEAD, Role.LEADERSHIP, Role.INSPECTOR])
def test_others_may_not_restart_a_job(world, kinds, django_capture_on_commit_callbacks, role):
    job = _failed(world, kinds, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.job_retry(actor=world.users[role], job=job)
    job.refresh_from_db()
    assert job.state == JobState.FAILED


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_the_creator_and_the_administrator_may_restart_it(world, kinds, django_capture_on_commit_callbacks, role):
    job = _failed(world, kinds, django_capture_on_commit_callbacks, actor_role=Role.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(actor=world.users[role], job=job)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED


def test_after_a_failure_the_same_key_starts_a_new_job_and_retrying_the_old_one_finds_it(
    world, kinds, django_capture_on_commit_callbacks
):
    failed = _failed(world, kinds, django_capture_on_commit_callbacks, key="k")
    new = services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": 1}, key="k")
    assert new.pk != failed.pk
    assert services.job_retry(actor=world.users[Role.HR], job=failed).pk == new.pk
    failed.refresh_from_db()
    assert failed.state == JobState.FAILED


def test_an_unreachable_broker_fails_the_job_so_that_it_can_be_restarted(
    world, kinds, django_capture_on_commit_callbacks, monkeypatch
):
    from congtam.jobs import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(tasks.run_job, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": 1})
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "không kết nối được" in job.error
    assert kinds.CALLS == []


def test_jobs_that_cannot_still_be_running_are_failed_and_can_be_restarted(world, kinds, settings):
    from datetime import timedelta

    from django.utils import timezone

    old = services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": 1})
    services.job_claim(job_id=old.pk)
    recent = services.job_start(actor=world.users[Role.HR], kind="tests.count_to", params={"n": 1})
    long_ago = timezone.now() - timedelta(seconds=settings.CONGTAM_JOB_TIME_LIMIT + 3600)
    Job.objects.filter(pk=old.pk).update(created_at=long_ago, started_at=long_ago)
    assert services.interrupted_jobs_fail() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == JobState.FAILED and "bị gián đoạn" in old.error
    assert recent.state == JobState.QUEUED
