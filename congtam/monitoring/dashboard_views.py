"""The pages of “Việc cần làm” and the dashboards. Thin: each reads one selector and renders;
who may see what is decided in the selectors (:mod:`congtam.monitoring.todo`,
:mod:`congtam.monitoring.dashboards`)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from congtam.monitoring import dashboards, todo
from congtam.monitoring.dashboards import CHART_BOTTOM, CHART_HEIGHT, CHART_LEFT, CHART_TOP, CHART_WIDTH, chart_y


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
def todo_view(request):
    tasks = todo.todo_for(request.user, timezone.localdate())
    return render(
        request,
        "monitoring/dash/todo.html",
        {
            "tasks": tasks,
            "overdue_count": sum(1 for task in tasks if task.overdue),
            "has_person": request.user.person_id is not None,
        },
    )


def _chart_frame() -> dict:
    bands = [{"score": score, "y": chart_y(score)} for score in (50, 70, 90)]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - 20,
        "top": CHART_TOP,
        "axis_label_x": CHART_LEFT - 6,
        "bottom": CHART_HEIGHT - CHART_BOTTOM,
        "label_y": CHART_HEIGHT - CHART_BOTTOM + 18,
        "bands": bands,
        "zero": chart_y(0),
        "hundred": chart_y(100),
    }


@require_GET
def my_scores_view(request):
    staff_code = (request.GET.get("person") or "").strip()
    if not staff_code and request.user.person_id is None:
        return render(request, "monitoring/dash/my_scores.html", {"no_person": True})
    person = dashboards.person_for_scores(
        viewer=request.user, staff_code=staff_code or None, agency_id=_int(request.GET.get("agency"))
    )
    scores = dashboards.person_scores(viewer=request.user, person=person, year=_int(request.GET.get("year")))
    points = " ".join(f"{point.x},{point.y}" for point in scores.chart)
    return render(
        request,
        "monitoring/dash/my_scores.html",
        {
            "scores": scores,
            "frame": _chart_frame(),
            "polyline": points,
            "staff_code": staff_code,
            "agency_id": _int(request.GET.get("agency")),
        },
    )


@require_GET
def unit_period_view(request, period, code):
    page = dashboards.unit_period(viewer=request.user, period_id=period, unit_code=code, today=timezone.localdate())
    me = request.user.person_id
    awaiting_mine = sum(
        1
        for row in page.rows
        if row.review.state == "submitted"
        and me is not None
        and row.review.approver_id == me
        and row.review.person_id != me
    )
    return render(request, "monitoring/dash/unit_period.html", {"page": page, "awaiting_mine": awaiting_mine})


@require_GET
def completion_view(request):
    result = dashboards.completion(
        viewer=request.user,
        today=timezone.localdate(),
        year=_int(request.GET.get("year")),
        period_id=_int(request.GET.get("period")),
        unit_code=request.GET.get("unit") or None,
    )
    return render(request, "monitoring/dash/completion.html", {"result": result})
