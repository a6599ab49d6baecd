"""Downloads of the official year-end documents: one person's form (DOCX, PDF), the summary of a
unit or of the agency (Excel), and the archive of a scope's forms built by a background job. Each
download is recorded in the audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from congtam.core import permissions
from congtam.core.views import XLSX
from congtam.documents import evaluation_form_docx, evaluation_form_filename, evaluation_form_pdf, unit_summary_xlsx
from congtam.documents.archive import safe_filename
from congtam.jobs import services as job_services
from congtam.jobs.models import Job, JobState
from congtam.org.models import Unit
from congtam.yearend.exports import build
from congtam.yearend.jobs import FORMS_ARCHIVE, archive_path
from congtam.yearend.models import Classification, Year

RENDERERS = {
    "docx": (evaluation_form_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": (evaluation_form_pdf, "application/pdf"),
}


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response


@require_GET
def form_download_view(request, pk, extension):
    if extension not in RENDERERS:
        raise Http404
    classification = get_object_or_404(Classification.objects.select_related("year", "person"), pk=pk)
    permissions.require(request.user, "yearend.download_form", classification)
    data = build.form_data(classification)
    render_form, content_type = RENDERERS[extension]
    content = render_form(data)
    build.form_downloaded(actor=request.user, classification=classification, extension=extension)
    return _attachment(content, content_type, evaluation_form_filename(data, extension))


def _summary(request, year: Year, unit: Unit | None) -> HttpResponse:
    permissions.require(request.user, "yearend.download_summary", unit)
    facts = build.SummaryFacts()
    rows = build.summary_rows(
        year, unit, facts_visible=permissions.has_perm(request.user, "yearend.see_facts_in_summary"), tally=facts
    )
    content = unit_summary_xlsx(rows, title=build.summary_title(year, unit))
    build.summary_downloaded(actor=request.user, year=year, unit=unit, facts=facts)
    scope_name = unit.name if unit is not None else year.agency.name
    return _attachment(content, XLSX, f"Tổng hợp xếp loại - {scope_name} - {year.year}.xlsx")


@require_GET
def agency_summary_view(request, pk):
    year = get_object_or_404(Year.objects.select_related("agency"), pk=pk)
    return _summary(request, year, None)


@require_GET
def unit_summary_view(request, pk, code):
    year = get_object_or_404(Year.objects.select_related("agency"), pk=pk)
    unit = get_object_or_404(Unit, agency=year.agency_id, code=code)
    return _summary(request, year, unit)


def _units(year: Year):
    return Unit.objects.filter(pk__in=year.classifications.values("unit_id")).order_by("path")


@require_GET
def exports_view(request, pk):
    """The year's documents: the summaries for those who may read them, and the archive for HR."""
    year = get_object_or_404(Year.objects.select_related("agency"), pk=pk)
    permissions.require(request.user, "yearend.download_summary", None)
    return render(
        request,
        "yearend/exports/exports.html",
        {
            "year": year,
            "units": _units(year),
            "can_build": permissions.has_perm(request.user, "yearend.build_archive"),
            "archives": Job.objects.filter(kind=FORMS_ARCHIVE, params__year_id=year.pk).order_by("-created_at")[:20]
            if permissions.has_perm(request.user, "yearend.build_archive")
            else [],
        },
    )


def _archive_key(year: Year, unit: Unit | None) -> str:
    """The same scope with nothing changed since is the same archive; any change makes a new one."""
    totals = build.scope(year, unit).aggregate(people=Count("pk"), versions=Sum("version"))
    return (
        f"{FORMS_ARCHIVE}:{year.pk}:{unit.code if unit else ''}:{year.version}:{totals['people']}:{totals['versions']}"
    )


@require_POST
def forms_archive_start_view(request, pk):
    permissions.require(request.user, "yearend.build_archive")
    year = get_object_or_404(Year.objects.select_related("agency"), pk=pk)
    code = request.POST.get("unit", "").strip()
    unit = get_object_or_404(Unit, agency=year.agency_id, code=code) if code else None
    try:
        job = job_services.job_start(
            actor=request.user,
            kind=FORMS_ARCHIVE,
            params={"year_id": year.pk, "unit_code": code},
            key=_archive_key(year, unit),
            label=build.archive_title(year, unit),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("yearend:exports", pk=year.pk)
    return redirect("jobs:detail", job_id=job.pk)


@require_GET
def forms_archive_download_view(request, job_id):
    job = get_object_or_404(Job, pk=job_id, kind=FORMS_ARCHIVE)
    permissions.require(request.user, "jobs.view_job", job)
    path = archive_path(job.pk)
    if job.state != JobState.SUCCEEDED or not path.is_file():
        raise Http404
    build.archive_downloaded(actor=request.user, job=job)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=safe_filename(f"{job.label}.zip"), content_type="application/zip"
    )
