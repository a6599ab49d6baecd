"""Year-end pages. Thin: each parses its form, calls one service or selector, and on a refusal
shows the page again with the message and what the user typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congtam.accounts.permissions import is_own_record, is_read_only
from congtam.core import permissions
from congtam.core.views import attach_errors
from congtam.monitoring.forms import OutsideDecisionForm
from congtam.org.agencies import current_agency
from congtam.org.models import Person, Unit
from congtam.yearend import appeals, approval, calibration, jobs, proposals, selectors, services
from congtam.yearend.forms import (
    AppealDecisionForm,
    AppealForm,
    FactForm,
    GroupForm,
    LevelChangeForm,
    QuotaExceptionForm,
    VersionedForm,
    YearForm,
)
from congtam.yearend.models import Appeal, Classification, Year

YEAR_STEPS = {
    "propose": proposals.proposals_compute,
    "submit": approval.year_submit_for_approval,
    "announce": approval.announce,
    "close": services.year_close,
}


def _hr(request) -> None:
    permissions.require(request.user, "yearend.run_year")


def _report_quota(request, report) -> None:
    """Every change of a level re-checks the quota of the person's unit and group: say what it found."""
    if report is None:
        return
    if report.now_fit:
        messages.info(
            request,
            _("A place within the quota is free: %(names)s, over quota before, now fit.")
            % {"names": ", ".join(row.name for row in report.now_fit)},
        )
    else:
        messages.info(
            request,
            _("The quota of the unit and of the group was checked again: within the cap, and nobody else is affected."),
        )


@require_GET
def years_view(request):
    return render(
        request,
        "yearend/years.html",
        {
            "years": selectors.years_list(viewer=request.user),
            "is_hr": permissions.has_perm(request.user, "yearend.run_year"),
            "is_inspector": is_read_only(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def year_open_view(request):
    _hr(request)
    form = YearForm(request.POST or None, agency=current_agency(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            year = services.year_open(
                actor=request.user,
                agency=data["units"][0].agency,
                year=data["year"],
                staff_group=data["staff_group"],
                policy_id=data["policy_id"],
                units=data["units"],
                appeal_days=data["appeal_days"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            return redirect("yearend:year", pk=year.pk)
    return render(request, "yearend/year_open.html", {"form": form})


@require_GET
def year_view(request, pk):
    permissions.require(request.user, "yearend.read_year")
    year = get_object_or_404(Year, pk=pk)
    units = Unit.objects.filter(pk__in=year.classifications.values("unit_id")).order_by("path")
    return render(
        request,
        "yearend/year.html",
        {
            "year": year,
            "units": units,
            "steps": YEAR_STEPS,
            "exception_form": QuotaExceptionForm(),
            "is_hr": permissions.has_perm(request.user, "yearend.run_year"),
            "exceptions": year.quota_exceptions.order_by("group"),
            "last_run": proposals.proposals_last_run(year),
        },
    )


@require_POST
def year_action_view(request, pk, action):
    _hr(request)
    year = get_object_or_404(Year, pk=pk)
    if action not in YEAR_STEPS:
        raise Http404
    if action == "propose":
        # A background job (100,000 people take seconds): its page shows the progress, then links
        # back to the year, which lists who was left out for lack of data.
        try:
            job = jobs.proposals_start(actor=request.user, year=year)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("yearend:year", pk=year.pk)
        return redirect("jobs:detail", job_id=job.pk)
    try:
        YEAR_STEPS[action](actor=request.user, year=year)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect("yearend:year", pk=year.pk)


@require_POST
def quota_exception_view(request, pk):
    _hr(request)
    year = get_object_or_404(Year, pk=pk)
    form = QuotaExceptionForm(request.POST)
    if form.is_valid():
        try:
            calibration.quota_exception_record(actor=request.user, year=year, **form.cleaned_data)
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The exception is recorded; compute the proposals again to apply it."))
            return redirect("yearend:year", pk=year.pk)
    units = Unit.objects.filter(pk__in=year.classifications.values("unit_id")).order_by("path")
    return render(
        request,
        "yearend/year.html",
        {
            "year": year,
            "units": units,
            "steps": YEAR_STEPS,
            "exception_form": form,
            "is_hr": True,
            "exceptions": year.quota_exceptions.all(),
            "missing": [],
        },
        status=400,
    )


def _calibration_page(request, year, unit, forms=None, status=200, group_forms=None):
    forms = forms or {}
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    view = selectors.calibration_view(
        viewer=request.user,
        year=year,
        unit=unit,
        group=request.GET.get("group"),
        page=page,
        showing={*forms, *(group_forms or {})},
    )
    can_change = permissions.has_perm(request.user, "yearend.run_year") and year.state == "calibrating"
    can_amend = permissions.has_perm(request.user, "yearend.run_year") and year.state == "closed"
    if can_change or can_amend:
        for group in view.groups:
            for row in group.rows:
                if is_own_record(request.user, row.person.pk):
                    continue  # nobody decides on their own record: no form to offer
                row.form = forms.get(row.pk) or LevelChangeForm(
                    prefix=f"c{row.pk}", initial={"version": row.version, "level": row.level}
                )
    if can_change or (permissions.has_perm(request.user, "yearend.run_year") and year.state == "open"):
        for group in view.groups:
            for row in group.rows:
                if is_own_record(request.user, row.person.pk):
                    continue
                row.group_form = (group_forms or {}).get(row.pk) or GroupForm(
                    prefix=f"g{row.pk}", initial={"version": row.version, "group": row.group}
                )
    return render(
        request,
        "yearend/calibration.html",
        {"view": view, "can_change": can_change, "can_amend": can_amend},
        status=status,
    )


@require_GET
def calibration_view(request, pk, code):
    year = get_object_or_404(Year, pk=pk)
    unit = get_object_or_404(Unit, agency=year.agency_id, code=code)
    return _calibration_page(request, year, unit)


@require_POST
def level_change_view(request, pk):
    _hr(request)
    classification = get_object_or_404(Classification.objects.select_related("year", "unit"), pk=pk)
    form = LevelChangeForm(request.POST, prefix=f"c{classification.pk}")
    if form.is_valid():
        try:
            report = calibration.level_change(
                actor=request.user,
                classification=classification,
                expected_version=form.cleaned_data["version"],
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The level is changed."))
            _report_quota(request, report)
            return redirect("yearend:calibration", pk=classification.year_id, code=classification.unit.code)
    return _calibration_page(request, classification.year, classification.unit, {classification.pk: form}, status=400)


@require_POST
def group_set_view(request, pk):
    """HR moves a person to another group with similar duties, with a reason."""
    _hr(request)
    classification = get_object_or_404(Classification.objects.select_related("year", "unit"), pk=pk)
    form = GroupForm(request.POST, prefix=f"g{classification.pk}")
    if form.is_valid():
        try:
            calibration.group_set(
                actor=request.user,
                classification=classification,
                expected_version=form.cleaned_data["version"],
                group=form.cleaned_data["group"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request, _("The group is changed. Compute the proposals again to apply the quota of the new group.")
            )
            return redirect("yearend:calibration", pk=classification.year_id, code=classification.unit.code)
    return _calibration_page(
        request, classification.year, classification.unit, status=400, group_forms={classification.pk: form}
    )


@require_http_methods(["GET", "POST"])
def facts_view(request, pk, staff_code):
    year = get_object_or_404(Year, pk=pk)
    person = get_object_or_404(Person, agency=year.agency_id, staff_code=staff_code)
    if request.method == "POST":
        _hr(request)
    permissions.require(request.user, "yearend.see_facts", (year, person))
    form = FactForm(request.POST or None) if permissions.has_perm(request.user, "yearend.run_year") else None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
            try:
                services.fact_record(actor=request.user, year=year, person=person, **data)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                messages.success(request, _("The fact is recorded."))
                return redirect("yearend:facts", pk=year.pk, staff_code=staff_code)
        status = 400
    facts = selectors.facts_for(viewer=request.user, year=year, person=person)
    return render(
        request, "yearend/facts.html", {"year": year, "person": person, "facts": facts, "form": form}, status=status
    )


@require_GET
def approval_view(request, pk):
    year = get_object_or_404(Year, pk=pk)
    return _approval_page(request, year)


def _approval_page(request, year, decision_forms=None, status=200):
    rows = list(selectors.awaiting_approval(viewer=request.user, year=year))
    for row in rows:
        row.form = VersionedForm(initial={"version": row.version})
    outside = list(selectors.awaiting_outside_decision(viewer=request.user, year=year))
    for row in outside:
        row.form = (decision_forms or {}).get(row.pk) or OutsideDecisionForm(
            prefix=f"d{row.pk}", initial={"version": row.version}
        )
    units = sorted({row.unit for row in rows}, key=lambda unit: unit.path)
    return render(
        request,
        "yearend/approval.html",
        {"year": year, "rows": rows, "units": units, "outside": outside},
        status=status,
    )


@require_POST
def approve_by_decision_view(request, pk):
    """HR records the outside authority's signed decision that fixes this level."""
    classification = get_object_or_404(Classification.objects.select_related("year"), pk=pk)
    permissions.require(request.user, "yearend.record_outside_decision", classification)
    form = OutsideDecisionForm(request.POST, request.FILES, prefix=f"d{classification.pk}")
    if form.is_valid():
        try:
            approval.approve_by_decision(actor=request.user, classification=classification, **form.decision())
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The decision was recorded: the level is approved."))
            return redirect("yearend:approval", pk=classification.year_id)
    return _approval_page(request, classification.year, {classification.pk: form}, status=400)


@require_POST
def approve_view(request, pk):
    classification = get_object_or_404(Classification, pk=pk)
    permissions.require(request.user, "yearend.change_level", classification)
    form = VersionedForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Reload the page and try again."))
        approval.approve(
            actor=request.user, classification=classification, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The level is approved."))
    return redirect("yearend:approval", pk=classification.year_id)


@require_POST
def approve_unit_view(request, pk, code):
    year = get_object_or_404(Year, pk=pk)
    unit = get_object_or_404(Unit, agency=year.agency_id, code=code)
    try:
        count = approval.approve_unit(actor=request.user, year=year, unit=unit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, ngettext("%(count)s level approved.", "%(count)s levels approved.", count) % {"count": count}
        )
    return redirect("yearend:approval", pk=year.pk)


@require_GET
def my_result_view(request, pk):
    year = get_object_or_404(Year, pk=pk)
    classification = selectors.my_result(viewer=request.user, year=year)
    return _result_page(request, year, classification)


def _result_page(request, year, classification, appeal_form=None, status=200):
    context = {"year": year, "classification": classification}
    if classification is not None:
        context["deadline"] = appeals.appeal_deadline(year)
        context["changes"] = list(classification.changes.order_by("changed_at", "pk"))
        context["appeal"] = Appeal.objects.filter(classification=classification).first()
        context["acknowledge_form"] = VersionedForm(initial={"version": classification.version})
        context["appeal_form"] = appeal_form or AppealForm(initial={"version": classification.version})
        context["reasons"] = classification.explanation.get("reasons", {}).get(
            "en" if request.LANGUAGE_CODE == "en" else "vi", []
        )
        context["evidence"] = selectors.result_evidence(classification=classification)
    return render(request, "yearend/my_result.html", context, status=status)


def _own(request, pk) -> Classification:
    classification = get_object_or_404(Classification.objects.select_related("year"), pk=pk)
    permissions.require(request.user, "yearend.respond_to_level", classification)
    return classification


@require_POST
def acknowledge_view(request, pk):
    classification = _own(request, pk)
    form = VersionedForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Reload the page and try again."))
        appeals.acknowledge(
            actor=request.user, classification=classification, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("You have acknowledged your result."))
    return redirect("yearend:my_result", pk=classification.year_id)


@require_POST
def appeal_view(request, pk):
    classification = _own(request, pk)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            appeals.appeal_submit(
                actor=request.user,
                classification=classification,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                documents=form.cleaned_data["documents"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("Your appeal is sent to the level above the approver."))
            return redirect("yearend:my_result", pk=classification.year_id)
    return _result_page(request, classification.year, classification, appeal_form=form, status=400)


@require_GET
def public_list_view(request, pk):
    year = get_object_or_404(Year, pk=pk)
    return render(
        request,
        "yearend/public_list.html",
        {"year": year, "rows": selectors.public_list(viewer=request.user, year=year)},
    )


@require_GET
def appeals_view(request):
    awaiting = list(selectors.appeals_awaiting(viewer=request.user))
    for appeal in awaiting:
        appeal.form = AppealDecisionForm(prefix=f"a{appeal.pk}", initial={"version": appeal.classification.version})
    return render(request, "yearend/appeals.html", {"appeals": awaiting})


@require_POST
def appeal_decide_view(request, pk):
    appeal = get_object_or_404(Appeal.objects.select_related("classification__person", "classification__year"), pk=pk)
    permissions.require(request.user, "yearend.decide_appeal", appeal.classification)
    form = AppealDecisionForm(request.POST, prefix=f"a{appeal.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = appeals.appeal_decide(
                actor=request.user,
                appeal=appeal,
                expected_version=data["version"],
                decision=data["decision"],
                new_level=data["new_level"],
                reason=data["reason"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The appeal is decided."))
            _report_quota(request, report)
            return redirect("yearend:appeals")
    appeal.form = form
    others = [other for other in selectors.appeals_awaiting(viewer=request.user) if other.pk != appeal.pk]
    for other in others:
        other.form = AppealDecisionForm(prefix=f"a{other.pk}", initial={"version": other.classification.version})
    return render(request, "yearend/appeals.html", {"appeals": [appeal, *others]}, status=400)


@require_POST
def amend_view(request, pk):
    _hr(request)
    classification = get_object_or_404(Classification.objects.select_related("year", "unit"), pk=pk)
    form = LevelChangeForm(request.POST, prefix=f"c{classification.pk}")
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a level and give the reason."))
        calibration.amend_after_close(
            actor=request.user,
            classification=classification,
            expected_version=form.cleaned_data["version"],
            level=form.cleaned_data["level"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The amendment is recorded; the approved level stays readable."))
    return redirect("yearend:calibration", pk=classification.year_id, code=classification.unit.code)
