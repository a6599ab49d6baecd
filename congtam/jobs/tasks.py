"""Celery tasks of background jobs. The job's own state lives on its row; the task only carries
its id, so a message delivered twice runs nothing twice (``job_claim`` refuses a finished job)."""

from celery import shared_task
from django.conf import settings

from congtam.jobs import services


@shared_task(
    soft_time_limit=settings.CONGTAM_JOB_TIME_LIMIT,
    time_limit=settings.CONGTAM_JOB_TIME_LIMIT + 60,
)
def run_job(job_id: str) -> None:
    services.job_execute(job_id=job_id)


@shared_task
def fail_interrupted_jobs() -> int:
    return services.interrupted_jobs_fail()
