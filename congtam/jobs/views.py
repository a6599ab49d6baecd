"""Pages of background jobs: the list, one job with its progress bar (polled by htmx), restart."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congtam.core.permissions import has_perm
from congtam.jobs import selectors, services


@require_GET
def job_list_view(request):
    page = Paginator(selectors.job_list(viewer=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page, "everyone": has_perm(request.user, "jobs.view_all")})


def _context(request, job) -> dict:
    return {"job": job, "can_retry": job.state == "failed" and has_perm(request.user, "jobs.retry_job", job)}


@require_http_methods(["GET", "POST"])
def job_detail_view(request, job_id):
    job = selectors.job_get(viewer=request.user, job_id=job_id)
    if request.method == "POST":
        try:
            restarted = services.job_retry(actor=request.user, job=job)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The job was restarted."))
            return redirect("jobs:detail", job_id=restarted.pk)
        return redirect("jobs:detail", job_id=job.pk)
    return render(request, "jobs/job_detail.html", _context(request, job))


@require_GET
def job_progress_view(request, job_id):
    """The progress fragment; it keeps polling itself until the job has finished."""
    job = selectors.job_get(viewer=request.user, job_id=job_id)
    return render(request, "jobs/_progress.html", _context(request, job))
