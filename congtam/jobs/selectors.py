"""Reading jobs, as the viewer may see them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from congtam.jobs.models import Job
from congtam.jobs.policy import can_see_all_jobs, can_view_job


def job_list(*, viewer) -> QuerySet[Job]:
    """The viewer's own jobs, newest first; HR and the administrator see everyone's."""
    if not getattr(viewer, "is_authenticated", False):
        raise PermissionError("Sign in to see background jobs")
    jobs = Job.objects.select_related("created_by").defer("params", "result", "error")
    if not can_see_all_jobs(viewer):
        jobs = jobs.filter(created_by=viewer)
    return jobs.order_by("-created_at")


def job_get(*, viewer, job_id) -> Job:
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise Http404
    if not can_view_job(viewer, job):
        raise PermissionDenied
    return job
