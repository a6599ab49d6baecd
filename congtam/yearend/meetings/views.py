"""Pages of the unit meeting and of colleague feedback. Thin: each parses its form, calls one service
or selector, and on a refusal shows the page again with the message and what the user typed."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from congtam.core import permissions
from congtam.core.views import attach_errors, require
from congtam.org.models import Person, Unit
from congtam.yearend.meetings import feedback_form, selectors, services
from congtam.yearend.models import LevelCode, Year

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]


# --- forms -----------------------------------------------------------------------------------
class _UnitPeopleForm(forms.Form):
    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(unit=unit, is_active=True).order_by("sort_key", "staff_code")
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = people


class MeetingForm(_UnitPeopleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    date = forms.DateField(
        label=gettext_lazy("Date of the meeting"),
        input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=300)
    chair = forms.ModelChoiceField(label=gettext_lazy("Chair"), queryset=Person.objects.none())
    secretary = forms.ModelChoiceField(label=gettext_lazy("Secretary"), queryset=Person.objects.none())
    agenda = forms.CharField(label=gettext_lazy("Agenda"), widget=forms.Textarea(attrs={"rows": 3}))
    present = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Present"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )


class DiscussionForm(_UnitPeopleForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    person = forms.ModelChoiceField(label=gettext_lazy("Person discussed"), queryset=Person.objects.none())
    presentation = forms.CharField(
        label=gettext_lazy("Summary of the person's presentation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    comments = forms.CharField(
        label=gettext_lazy("Colleagues' comments"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposed_level = forms.ChoiceField(label=gettext_lazy("Proposed level"), choices=LevelCode.choices)
    vote_held = forms.BooleanField(label=gettext_lazy("A vote was held"), required=False)
    votes_for = forms.IntegerField(label=gettext_lazy("Votes for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=gettext_lazy("Votes against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=gettext_lazy("Abstentions"), min_value=0, required=False)
    party_committee_opinion = forms.CharField(
        label=gettext_lazy("Party committee's opinion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required for a head or deputy head."),
    )

    def discussion(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version"), data.pop("person"), data.pop("reason", None)
        return data


class AmendmentForm(DiscussionForm):
    reason = forms.CharField(label=gettext_lazy("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2}))


class FeedbackForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in feedback_form.QUESTIONS:
            self.fields[question.field] = forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                widget=forms.RadioSelect,
                choices=[
                    (level, f"{level} — {anchor}") for level, anchor in zip(feedback_form.LEVELS, question.anchors)
                ],
            )


# --- helpers ---------------------------------------------------------------------------------
def _year_and_unit(pk, code) -> tuple[Year, Unit]:
    year = get_object_or_404(Year, pk=pk)
    return year, get_object_or_404(Unit, agency=year.agency_id, code=code)


def _meeting_page(request, year, unit, bound=None, status=200):
    minutes = selectors.meeting_minutes(viewer=request.user, year=year, unit=unit)
    bound = bound or {}
    context = {
        "year": year,
        "unit": unit,
        "minutes": minutes,
        "can_manage": permissions.has_perm(request.user, "yearend.manage_meeting", unit),
    }
    if context["can_manage"]:
        meeting = minutes.meeting
        version = meeting.version if meeting else None
        initial = {"version": version}
        if meeting and not meeting.adopted:
            initial.update(
                date=meeting.date,
                place=meeting.place,
                chair=meeting.chair,
                secretary=meeting.secretary,
                agenda=meeting.agenda,
                present=minutes.present,
            )
        context["meeting_form"] = bound.get("meeting") or MeetingForm(unit=unit, initial=initial)
        context["discussion_form"] = bound.get("discussion") or DiscussionForm(unit=unit, initial={"version": version})
        context["amendment_form"] = bound.get("amendment") or AmendmentForm(unit=unit, initial={"version": version})
    return render(request, "yearend/meetings/meeting.html", context, status=status)


def _meeting_or_404(year, unit):
    meeting = year.meetings.filter(unit=unit).select_related("year", "unit").first()
    if meeting is None:
        raise Http404
    return meeting


# --- the unit meeting ------------------------------------------------------------------------
@require_GET
def meeting_view(request, pk, code):
    year, unit = _year_and_unit(pk, code)
    return _meeting_page(request, year, unit)


@require_POST
def meeting_record_view(request, pk, code):
    year, unit = _year_and_unit(pk, code)
    permissions.require(request.user, "yearend.manage_meeting", unit)
    form = MeetingForm(request.POST, unit=unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_record(
                actor=request.user,
                year=year,
                unit=unit,
                date=data["date"],
                place=data["place"],
                chair=data["chair"],
                secretary=data["secretary"],
                agenda=data["agenda"],
                present=[person.pk for person in data["present"]],
                version=data["version"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The meeting is recorded."))
            return redirect("yearend:meeting", pk=year.pk, code=unit.code)
    return _meeting_page(request, year, unit, {"meeting": form}, status=400)


@require_POST
def meeting_discussion_view(request, pk, code):
    year, unit = _year_and_unit(pk, code)
    permissions.require(request.user, "yearend.manage_meeting", unit)
    meeting = _meeting_or_404(year, unit)
    form = DiscussionForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            services.meeting_discussion_record(
                actor=request.user,
                meeting=meeting,
                person=form.cleaned_data["person"],
                version=form.cleaned_data["version"],
                **form.discussion(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The discussion is recorded."))
            return redirect("yearend:meeting", pk=year.pk, code=unit.code)
    return _meeting_page(request, year, unit, {"discussion": form}, status=400)


@require_POST
def meeting_adopt_view(request, pk, code):
    year, unit = _year_and_unit(pk, code)
    permissions.require(request.user, "yearend.manage_meeting", unit)
    meeting = _meeting_or_404(year, unit)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.meeting_adopt(actor=request.user, meeting=meeting, version=version)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _meeting_page(request, year, unit, status=400)
    messages.success(request, _("The minutes are adopted; from now on they change only by amendment."))
    return redirect("yearend:meeting", pk=year.pk, code=unit.code)


@require_POST
def meeting_amend_view(request, pk, code):
    year, unit = _year_and_unit(pk, code)
    permissions.require(request.user, "yearend.manage_meeting", unit)
    meeting = _meeting_or_404(year, unit)
    form = AmendmentForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            services.meeting_amend(
                actor=request.user,
                meeting=meeting,
                person=form.cleaned_data["person"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                **form.discussion(),
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(request, _("The amendment is recorded."))
            return redirect("yearend:meeting", pk=year.pk, code=unit.code)
    return _meeting_page(request, year, unit, {"amendment": form}, status=400)


# --- colleague feedback ----------------------------------------------------------------------
@require_GET
def unit_feedback_view(request, pk, code):
    year, unit = _year_and_unit(pk, code)
    permissions.require(request.user, "yearend.see_unit_feedback", unit)
    feedback_round = selectors.feedback_round(year, unit)
    aggregates = (
        selectors.feedback_unit_aggregates(viewer=request.user, feedback_round=feedback_round) if feedback_round else []
    )
    return render(
        request,
        "yearend/meetings/unit_feedback.html",
        {
            "year": year,
            "unit": unit,
            "round": feedback_round,
            "aggregates": aggregates,
            "questions": feedback_form.QUESTIONS,
            "minimum": feedback_form.MIN_ANSWERS,
            "can_open": permissions.has_perm(request.user, "yearend.run_year") and feedback_round is None,
            "can_close": permissions.has_perm(request.user, "yearend.run_year")
            and feedback_round is not None
            and feedback_round.closed_at is None,
            "total": selectors.feedback_answer_total(feedback_round) if feedback_round else 0,
        },
    )


@require_POST
def feedback_open_view(request, pk, code):
    permissions.require(request.user, "yearend.run_year")
    year, unit = _year_and_unit(pk, code)
    try:
        services.feedback_open(actor=request.user, year=year, unit=unit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Colleague feedback is open for %(unit)s.") % {"unit": unit.name})
    return redirect("yearend:unit_feedback", pk=year.pk, code=unit.code)


@require_POST
def feedback_close_view(request, pk, code):
    permissions.require(request.user, "yearend.run_year")
    year, unit = _year_and_unit(pk, code)
    feedback_round = selectors.feedback_round(year, unit)
    if feedback_round is None:
        raise Http404
    try:
        services.feedback_close(actor=request.user, feedback_round=feedback_round)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The round is closed: the aggregates are shown."))
    return redirect("yearend:unit_feedback", pk=year.pk, code=unit.code)


@require_GET
def my_feedback_view(request, pk):
    year = get_object_or_404(Year, pk=pk)
    rounds = [
        {
            "round": feedback_round,
            "colleagues": selectors.feedback_colleagues(viewer=request.user, feedback_round=feedback_round),
            "own": selectors.feedback_own_aggregate(viewer=request.user, feedback_round=feedback_round),
        }
        for feedback_round in selectors.feedback_rounds_of(viewer=request.user, year=year)
    ]
    return render(
        request,
        "yearend/meetings/my_feedback.html",
        {"year": year, "rounds": rounds, "questions": feedback_form.QUESTIONS, "minimum": feedback_form.MIN_ANSWERS},
    )


@require_http_methods(["GET", "POST"])
def feedback_answer_view(request, pk, staff_code):
    year = get_object_or_404(Year, pk=pk)
    subject = get_object_or_404(Person, agency=year.agency_id, staff_code=staff_code, is_active=True)
    feedback_round = selectors.feedback_round(year, subject.unit)
    require(
        feedback_round is not None
        and permissions.has_perm(request.user, "yearend.answer_feedback", feedback_round)
        and subject.pk != request.user.person_id
    )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(
                actor=request.user, feedback_round=feedback_round, subject=subject, answers=form.cleaned_data
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you: your feedback on %(name)s is recorded, without your name.") % {"name": subject.full_name},
            )
            return redirect("yearend:my_feedback", pk=year.pk)
    return render(
        request,
        "yearend/meetings/feedback_answer.html",
        {"year": year, "subject": subject, "form": form},
        status=400 if form.errors else 200,
    )
