"""The year-end reports: the figures by level with their charts, their workbook, and the talent
list. Thin: each reads one selector of :mod:`congtam.yearend.reports.figures`, which decides who
sees what."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congtam.core.views import XLSX
from congtam.documents.archive import safe_filename
from congtam.org.agencies import current_agency
from congtam.yearend.models import LevelCode
from congtam.yearend.reports import charts, figures
from congtam.yearend.reports.workbook import report_xlsx


def _levels() -> list[tuple[str, str, str]]:
    """(code, what the table's header shows, the level's full name), in the page's language."""
    return [(level, figures.level_short(level), str(LevelCode(level).label)) for level in figures.LEVELS]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(request) -> dict:
    return {
        "year": _int(request.GET.get("year")),
        "staff_group": (request.GET.get("group") or "").strip(),
        "unit_code": (request.GET.get("unit") or "").strip(),
    }


def _scope_name(scope) -> str:
    if scope.unit is not None:
        return scope.unit.name
    return scope.agency.name if scope.agency is not None else ""


@require_GET
def reports_view(request):
    filters = _filters(request)
    page = figures.report(
        viewer=request.user,
        agency=current_agency(request),
        dimension=(request.GET.get("dimension") or figures.UNIT).strip(),
        **filters,
    )
    query = {"year": page.year or "", "group": page.staff_group}
    if page.dimension == figures.UNIT and filters["unit_code"]:
        query["unit"] = filters["unit_code"]
    unit_query = {"year": page.year or "", "group": page.staff_group, "dimension": figures.UNIT}
    return render(
        request,
        "yearend/reports/reports.html",
        {
            "page": page,
            "levels": _levels(),
            "unit_query": urlencode(unit_query),
            "stacked": charts.stacked(page.rows),
            "grouped": charts.grouped(page.trend),
            "stacked_title": charts.chart_title(page.dimension_label, page.year, page.staff_group_label),
            "scope_name": _scope_name(page.scope),
            "export_query": urlencode(query),
            "may_see_talent": page.scope.sees_talent,
        },
    )


@require_GET
def reports_xlsx_view(request):
    tables = figures.report_tables(viewer=request.user, agency=current_agency(request), **_filters(request))
    scope_name = _scope_name(tables.scope)
    content = report_xlsx(tables, scope_name=scope_name)
    figures.report_downloaded(actor=request.user, tables=tables)
    response = HttpResponse(content, content_type=XLSX)
    filename = _("Classification report %(year)s - %(scope)s.xlsx") % {"year": tables.year or "", "scope": scope_name}
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response


@require_GET
def talent_view(request):
    entries = figures.talent_list(viewer=request.user, agency=current_agency(request))
    return render(request, "yearend/reports/talent.html", {"entries": entries})
