"""The forms of the review page. Each keeps what the user typed when a service refuses it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congtam.monitoring.evidence import check_link
from congtam.monitoring.models import CheckResult, Frequency
from congtam.org.models import Category, Unit

DATE_HELP = _("dd/mm/yyyy")


class ItemForm(forms.Form):
    """An item for the plan: a catalogue code, or a name, factor and reason for an ad hoc item."""

    catalogue_code = forms.CharField(label=_("Catalogue product"), required=False, max_length=50)
    name = forms.CharField(label=_("Or: product or task outside the catalogue"), required=False, max_length=500)
    factor = forms.CharField(label=_("Conversion factor"), required=False, max_length=20)
    ad_hoc_reason = forms.CharField(
        label=_("Reason for an item outside the catalogue"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_on = forms.DateField(label=_("Due on"), help_text=DATE_HELP)

    def __init__(self, *args, catalogue=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— outside the catalogue —"))] + [
            (entry.code, f"{entry.code} — {entry.name} (×{entry.factor.normalize()})") for entry in catalogue
        ]
        self.fields["catalogue_code"] = forms.ChoiceField(label=_("Catalogue product"), choices=choices, required=False)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(VersionedForm):
    completed_on = forms.DateField(label=_("Completed on"), help_text=DATE_HELP)
    note = forms.CharField(label=_("Report"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CheckForm(VersionedForm):
    result = forms.ChoiceField(label=_("Result"), choices=CheckResult.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (required for a failure: cite the error)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveDueForm(VersionedForm):
    new_due_on = forms.DateField(label=_("New due date"), help_text=DATE_HELP)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Document"), required=False)
    link = forms.URLField(
        label=_("Or: link to the record in the document system"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        validators=[check_link],
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=500)


class SubmitForm(VersionedForm):
    early_reason = forms.CharField(
        label=_("Why send it before the period ends"),
        help_text=_("For example: the person is leaving the agency, or starts a long leave."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutsideDecisionForm(VersionedForm):
    """HR records the signed decision of the authority outside the installation (see
    congtam.monitoring.decisions)."""

    number = forms.CharField(label=_("Decision number"), max_length=100, help_text=_("For example: 125/QĐ-UBTVQH15."))
    signed_on = forms.DateField(label=_("Signed on"), help_text=DATE_HELP)
    signer = forms.CharField(label=_("Signed by (name and title)"), max_length=200)
    file = forms.FileField(label=_("The signed decision (PDF or a scan)"))

    def decision(self) -> dict:
        """The arguments of the services that approve by a decision."""
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "number": data["number"],
            "signed_on": data["signed_on"],
            "signer": data["signer"],
            "upload": data["file"],
        }


class CommentForm(VersionedForm):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ObservationForm(forms.Form):
    observed_on = forms.DateField(label=_("Observed on"), help_text=DATE_HELP)
    text = forms.CharField(
        label=_("What you observed (behaviour, not personality)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 2}))


class CycleForm(forms.Form):
    """HR opens a year's periods for a staff group in a scope of units."""

    year = forms.IntegerField(label=_("Year"), min_value=2026, max_value=2100)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Frequency.choices)
    staff_group = forms.ChoiceField(label=_("Staff group"), choices=Category.choices, initial=Category.CONG_CHUC)
    policy_id = forms.ChoiceField(label=_("Policy preset"))
    units = forms.ModelMultipleChoiceField(
        label=_("Units (with the units below them)"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    assignment_days = forms.IntegerField(
        label=_("Plan of work: days after the period starts"), min_value=0, max_value=60, initial=5
    )
    reporting_days = forms.IntegerField(
        label=_("Reporting: days after the period ends"), min_value=0, max_value=60, initial=3
    )
    self_rating_days = forms.IntegerField(
        label=_("Self-rating: days after the period ends"), min_value=0, max_value=60, initial=5
    )
    manager_rating_days = forms.IntegerField(
        label=_("Manager's rating: days after the period ends"), min_value=0, max_value=60, initial=8
    )
    approval_days = forms.IntegerField(
        label=_("Approval: days after the period ends"), min_value=0, max_value=90, initial=10
    )

    def __init__(self, *args, presets=(), agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_id"].choices = list(presets)
        # The units of the agency HR works in: a cycle belongs to one agency.
        self.fields["units"].queryset = Unit.objects.filter(agency=agency, depth__lte=1).order_by("path")

    def clean(self):
        data = super().clean()
        order = ["reporting_days", "self_rating_days", "manager_rating_days", "approval_days"]
        values = [data.get(name) for name in order]
        if None not in values and values != sorted(values):
            raise forms.ValidationError(
                _("The steps must follow one another: reporting, self-rating, manager's rating, approval.")
            )
        return data


class AmendmentForm(forms.Form):
    """HR corrects one item of a locked review; the score is computed again and the original kept."""

    item = forms.TypedChoiceField(label=_("Item"), coerce=int)
    quality_failures = forms.IntegerField(label=_("Quality checks failed"), min_value=0, max_value=15)
    objective_cause = forms.BooleanField(label=_("Objective cause confirmed"), required=False)
    completed_on = forms.DateField(label=_("Completed on"), required=False, help_text=DATE_HELP)
    reason = forms.CharField(label=_("Reason (e.g. the decision number)"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (item.pk, f"{item.code} — {item.name}" if item.code else item.name) for item in items
        ]
