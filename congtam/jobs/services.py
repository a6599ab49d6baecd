"""Starting, running, finishing and restarting background jobs.

``job_start`` is what other apps call. The Celery task ``run_job`` (``tasks.py``) calls
``job_claim``, the job's function, then ``job_succeed`` or ``job_fail``. Each step is its own
short transaction with its audit entry; the work itself runs outside them (see ``registry``).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from congtam.audit.services import audit_record
from congtam.core.permissions import Refused
from congtam.jobs import events, registry
from congtam.jobs.models import Job, JobState
from congtam.vietnamese import clean_text

logger = logging.getLogger(__name__)


def _job_values(job: Job) -> dict:
    return {"kind": job.kind, "label": job.label, "params": job.params, "key": job.key, "state": job.state}


def _checked_params(params: dict | None) -> dict:
    params = dict(params or {})
    try:
        # Parameters travel as JSON: what does not survive the trip is refused now, not in the worker.
        if json.loads(json.dumps(params)) != params:
            raise TypeError
    except (TypeError, ValueError):
        raise ValidationError(_("The job's parameters must be plain text, numbers, lists or dictionaries.")) from None
    return params


def _existing(key: str) -> Job | None:
    if not key:
        return None
    return Job.objects.exclude(state=JobState.FAILED).filter(key=key).first()


@transaction.atomic
def job_start(*, actor, kind: str, params: dict | None = None, key: str | None = None, label: str = "") -> Job:
    """Create the job and run it once this transaction commits (on a worker, or inline).

    With a ``key``, starting the same work again returns the job already started (waiting,
    running or finished) instead of a second one; only a failed job lets a new one start.
    """
    if not registry.is_registered(kind):
        raise ValidationError(_("Unknown kind of background job: %(kind)s.") % {"kind": kind})
    key = clean_text(key or "")[:200]
    existing = _existing(key)
    if existing is not None:
        return existing
    job = Job(
        kind=kind,
        label=clean_text(str(label or registry.get_kind(kind).label))[:300],
        params=_checked_params(params),
        key=key,
        created_by=actor,
    )
    job.full_clean(exclude=["state"])
    try:
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        # Someone started the same work at the same moment: theirs is the job.
        existing = _existing(key)
        if existing is None:
            raise
        return existing
    audit_record(actor=actor, event=events.JOB_STARTED, subject=job, new=_job_values(job))
    _enqueue_on_commit(job)
    return job


def _enqueue_on_commit(job: Job) -> None:
    job_id = str(job.pk)
    transaction.on_commit(lambda: _enqueue(job_id))


def _enqueue(job_id: str) -> None:
    from congtam.jobs.tasks import run_job

    try:
        run_job.delay(job_id)
    except Exception:  # the broker is unreachable: say so on the job, which can then be restarted
        logger.exception("Could not queue background job %s", job_id)
        job_fail(job_id=job_id, error=_("The job could not be queued: the job server is unreachable. Try again later."))


@transaction.atomic
def job_retry(*, actor, job: Job) -> Job:
    """Run a failed job again with the same kind and parameters. When the same work was
    started again meanwhile, that job is returned instead."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if not has_transition_perm(job.retry, actor):
        if job.state != JobState.FAILED:
            raise ValidationError(_("Only a failed job can be restarted."))
        raise Refused
    started_again = _existing(job.key)
    if started_again is not None:
        return started_again
    job.retry()
    job.save()
    audit_record(actor=actor, event=events.JOB_RETRIED, subject=job, new={"state": job.state})
    _enqueue_on_commit(job)
    return job


# --- the worker's side --------------------------------------------------------------------------
@transaction.atomic
def job_claim(*, job_id: str | uuid.UUID) -> Job | None:
    """Mark the job running for this worker; ``None`` when there is nothing to run (it finished
    already: a duplicate delivery, or a message for a job failed meanwhile)."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or not has_transition_perm(job.run, None):
        return None
    job.run()
    job.save()
    return job


@transaction.atomic
def job_succeed(*, job: Job, result: dict | None) -> Job:
    job = _locked(job.pk, done=job.done, total=job.total)
    if not has_transition_perm(job.succeed, None):
        return job  # failed meanwhile (marked interrupted): that outcome stands
    job.succeed(result=json.loads(json.dumps(result, cls=DjangoJSONEncoder)) if result is not None else None)
    job.save()
    audit_record(actor=None, event=events.JOB_SUCCEEDED, subject=job, new={"state": job.state, "result": job.result})
    _tell_the_creator(job, _("Finished: %(job)s"))
    return job


@transaction.atomic
def job_fail(*, job_id: str | uuid.UUID, error: str, done: int | None = None) -> Job | None:
    """Fail the job; ``done`` is the progress last reported (it may not have been written yet)."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or not has_transition_perm(job.fail, None):
        return None  # finished meanwhile: its outcome stands
    if done is not None:
        job.done = done
    job.fail(error=str(error))
    job.save()
    audit_record(actor=None, event=events.JOB_FAILED, subject=job, new={"state": job.state, "error": job.error})
    _tell_the_creator(job, _("Failed: %(job)s"))
    return job


def _tell_the_creator(job: Job, title: str) -> None:
    """An in-app notification (no e-mail) for the person who started the job."""
    if job.created_by_id is None:
        return
    from congtam.notifications.services import notify

    notify(
        [job.created_by_id],
        kind="jobs.finished",
        title=title % {"job": job.label},
        body=job.error,
        url=reverse("jobs:detail", kwargs={"job_id": job.pk}),
        key=f"jobs.finished:{job.pk}:{job.attempts}",
        email=False,
    )


def _locked(job_id, *, done: int, total: int) -> Job:
    job = Job.objects.select_for_update().get(pk=job_id)
    job.done, job.total = done, total
    return job


def user_message(error: BaseException) -> str:
    """What the person who started the job reads about a failure (the traceback goes to the log)."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    if isinstance(error, SoftTimeLimitExceeded):
        return _("The job took longer than allowed and was stopped. Restart it to continue where it stopped.")
    return _(
        "The job stopped because of an unexpected error; the details are in the server's log. Restart it to continue."
    )


def job_execute(*, job_id: str | uuid.UUID) -> Job | None:
    """Run one job to its end: claim, work (outside any transaction), record the outcome."""
    job = job_claim(job_id=job_id)
    if job is None:
        return None
    try:
        function = registry.get_kind(job.kind).function
        result = function(job, **job.params)
    except Exception as error:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        return job_fail(job_id=job.pk, error=user_message(error), done=job.done)
    return job_succeed(job=job, result=result)


def interrupted_jobs_fail(*, now=None) -> int:
    """Fail the jobs that cannot still be running: waiting or running for longer than a job may
    run (the worker was stopped, the server restarted during an inline job). They can then be
    restarted, and continue where they stopped."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.CONGTAM_JOB_TIME_LIMIT + 5 * 60)
    stale = Job.objects.filter(state__in=[JobState.QUEUED, JobState.RUNNING], created_at__lt=limit).exclude(
        started_at__gte=limit
    )
    failed = 0
    for job_id in stale.values_list("pk", flat=True):
        if job_fail(
            job_id=job_id,
            error=_("The job was interrupted (the server or the worker stopped). Restart it to continue."),
        ):
            failed += 1
    return failed
