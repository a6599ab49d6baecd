"""The self-assessment of the criteria model: the person writes theirs and proposes their own
level; HR records one from a paper report; HR and the inspector see who has written theirs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from congtam.core import permissions
from congtam.core.permissions import Refused
from congtam.core.views import attach_errors, require
from congtam.org.models import Person, Unit
from congtam.scoring.policy import CRITERIA
from congtam.yearend.assessments import selectors, services
from congtam.yearend.assessments.forms import SelfAssessmentForm
from congtam.yearend.models import CriteriaSelfAssessment, Year, YearState


def _criteria_year(pk) -> Year:
    year = get_object_or_404(Year, pk=pk)
    if year.model != CRITERIA:
        raise Http404
    return year


def _initial(assessment: CriteriaSelfAssessment | None) -> dict:
    if assessment is None:
        return {"version": 0, "shared_criteria_met": True}
    fields = (
        "report",
        "shared_criteria_met",
        "completion_percent",
        "exceeded_percent",
        "short_percent",
        "proposed_level",
        *CriteriaSelfAssessment.UNIT_FIELDS,
    )
    initial = {name: getattr(assessment, name) for name in fields}
    for name, value in initial.items():
        if hasattr(value, "normalize"):
            initial[name] = f"{value.normalize():f}"
        elif value is None:
            initial[name] = ""
    return {**initial, "version": assessment.version}


def _self_assessment_page(request, year: Year, person: Person, *, may_edit: bool, redirect_to: str):
    assessment = selectors.self_assessment(viewer=request.user, year=year, person=person)
    leader = services.is_leader(person)
    editable = may_edit and year.state == YearState.OPEN
    form = None
    status = 200
    if editable:
        form = SelfAssessmentForm(request.POST or None, leader=leader, initial=_initial(assessment))
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.criteria_record(
                        actor=request.user,
                        year=year,
                        person=person,
                        report=data["report"],
                        shared_criteria_met=data["shared_criteria_met"],
                        completion_percent=data["completion_percent"],
                        exceeded_percent=data["exceeded_percent"],
                        short_percent=data["short_percent"],
                        proposed_level=data["proposed_level"],
                        unit_results=form.unit_results(),
                        expected_version=data["version"],
                    )
                except ValidationError as error:  # a stale version too: ConcurrentEditError
                    attach_errors(form, error)
                else:
                    messages.success(request, _("The self-assessment is saved."))
                    return redirect(redirect_to)
            status = 400
    elif request.method == "POST":
        raise Refused
    return render(
        request,
        "yearend/self_assessment.html",
        {
            "year": year,
            "person": person,
            "assessment": assessment,
            "form": form,
            "leader": leader,
            "own": request.user.person_id == person.pk,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def self_assessment_view(request, pk):
    """The signed-in person's own self-assessment."""
    year = _criteria_year(pk)
    person = Person.objects.filter(pk=request.user.person_id).select_related("unit").first()
    require(person is not None and selectors.in_year(year, person))
    return _self_assessment_page(request, year, person, may_edit=True, redirect_to=request.path)


@require_http_methods(["GET", "POST"])
def self_assessment_for_view(request, pk, staff_code):
    """Someone's self-assessment: HR records it (from a paper report); the unit's heads and the
    inspector read it."""
    year = _criteria_year(pk)
    person = get_object_or_404(Person.objects.select_related("unit"), agency=year.agency_id, staff_code=staff_code)
    if request.method == "POST":
        permissions.require(request.user, "yearend.run_year")
    require(selectors.in_year(year, person))
    return _self_assessment_page(
        request, year, person, may_edit=permissions.has_perm(request.user, "yearend.run_year"), redirect_to=request.path
    )


@require_GET
def self_assessments_view(request, pk):
    """Who of the year has written their self-assessment, by unit, missing ones first if asked."""
    year = _criteria_year(pk)
    permissions.require(request.user, "yearend.read_year")
    unit = Unit.objects.filter(agency=year.agency_id, code=request.GET.get("unit", "")).first()
    missing_only = request.GET.get("missing") == "1"
    people = selectors.self_assessment_list(viewer=request.user, year=year, unit=unit, missing_only=missing_only)
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    units = Unit.objects.filter(pk__in=year.units.values("pk")).order_by("path")
    return render(
        request,
        "yearend/self_assessments.html",
        {
            "year": year,
            "page": page,
            "rows": selectors.assessment_rows(page.object_list),
            "unit": unit,
            "missing_only": missing_only,
            "units": units,
            "is_hr": permissions.has_perm(request.user, "yearend.run_year"),
        },
    )
