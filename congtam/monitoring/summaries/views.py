"""Downloads of the period summaries and of a person's period score sheet. Thin: the scope and
who may export it are decided in ``rows``, the writing in ``workbook`` and ``pdf``, the audit
entry and the background job in ``services``. A scope of more people than the threshold is built
in the background: the page offers to start the job, and the file is downloaded from the job."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from congtam.core import permissions
from congtam.core.views import XLSX
from congtam.documents.archive import safe_filename
from congtam.jobs.models import Job, JobState
from congtam.monitoring.summaries import rows, services
from congtam.monitoring.summaries.jobs import summary_path
from congtam.monitoring.summaries.sheet import review_for_sheet, score_sheet

CONTENT_TYPES = {"xlsx": XLSX, "pdf": "application/pdf"}


def _attachment(content: bytes, extension: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response


def _summary(request, period_id: int, code: str | None, extension: str) -> HttpResponse:
    if extension not in services.FORMATS:
        raise Http404(extension)
    scope = rows.summary_scope(viewer=request.user, period_id=period_id, unit_code=code)
    people = scope.people()
    too_large_for_pdf = extension == "pdf" and people > rows.pdf_limit()
    if too_large_for_pdf or people > rows.job_threshold():
        context = {
            "scope": scope,
            "people": people,
            "extension": extension,
            "too_large_for_pdf": too_large_for_pdf,
            "pdf_limit": rows.pdf_limit(),
        }
        return render(request, "monitoring/summaries/background.html", context)
    if extension == "xlsx":
        from congtam.monitoring.summaries.workbook import summary_xlsx

        content, counts = summary_xlsx(scope)
    else:
        from congtam.monitoring.summaries.pdf import summary_pdf

        content, counts = summary_pdf(scope)
    services.summary_downloaded(actor=request.user, scope=scope, extension=extension, counts=counts)
    return _attachment(content, extension, rows.summary_filename(scope, extension))


@require_GET
def period_summary_view(request, period, extension):
    return _summary(request, period, None, extension)


@require_GET
def unit_summary_view(request, period, code, extension):
    return _summary(request, period, code, extension)


@require_POST
def summary_start_view(request, period):
    extension = request.POST.get("format", "xlsx")
    if extension not in services.FORMATS:
        raise Http404(extension)
    scope = rows.summary_scope(viewer=request.user, period_id=period, unit_code=request.POST.get("unit", "").strip())
    if extension == "pdf" and scope.people() > rows.pdf_limit():
        raise Http404(extension)  # the page offers only Excel for a scope this large
    try:
        job = services.summary_job_start(actor=request.user, scope=scope, extension=extension)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("monitoring:cycle", pk=scope.period.cycle_id)
    return redirect("jobs:detail", job_id=job.pk)


@require_GET
def summary_download_view(request, job_id):
    job = get_object_or_404(Job, pk=job_id, kind=services.SUMMARY_JOB)
    permissions.require(request.user, "jobs.view_job", job)
    params = job.params
    # The job's creator may have lost the right to this scope since: asked again at each download.
    scope = rows.summary_scope(viewer=request.user, period_id=params["period_id"], unit_code=params.get("unit_code"))
    extension = params.get("extension", "xlsx")
    path = summary_path(job.pk, extension)
    if job.state != JobState.SUCCEEDED or extension not in services.FORMATS or not path.is_file():
        raise Http404(job_id)
    services.summary_downloaded(actor=request.user, scope=scope, extension=extension, counts=None, job=job)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=safe_filename(rows.summary_filename(scope, extension)),
        content_type=CONTENT_TYPES[extension],
    )


@require_GET
def score_sheet_view(request, pk):
    from congtam.monitoring.summaries.pdf import score_sheet_pdf

    review = review_for_sheet(viewer=request.user, pk=pk)
    content = score_sheet_pdf(score_sheet(review))
    services.score_sheet_downloaded(actor=request.user, review=review)
    filename = f"{review.person.full_name} - {review.period.label.replace('/', '-')}.pdf"
    return _attachment(content, "pdf", filename)
