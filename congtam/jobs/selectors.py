"""Reading jobs, as the viewer may see them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from congtam.core.permissions import has_perm, require
from congtam.jobs.models import Job


def job_list(*, viewer) -> QuerySet[Job]:
    """The viewer's own jobs, newest first; HR and the administrator see everyone's."""
    require(viewer, "jobs.view")
    jobs = Job.objects.select_related("created_by").defer("params", "result", "error")
    if not has_perm(viewer, "jobs.view_all"):
        jobs = jobs.filter(created_by=viewer)
    return jobs.order_by("-created_at")


def job_get(*, viewer, job_id) -> Job:
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        raise Http404
    require(viewer, "jobs.view_job", job)
    return job
