from django import forms
from django.utils.translation import gettext_lazy as _

from congtam.org.models import Category, Unit
from congtam.yearend.models import DISCIPLINE_CHOICES, AppealDecision, FactKind, LevelCode

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    staff_group = forms.ChoiceField(label=_("Staff group"), choices=Category.choices)
    policy_id = forms.CharField(label=_("Policy preset"), max_length=100, initial="nd335")
    units = forms.ModelMultipleChoiceField(
        label=_("Units (with the units below them)"), queryset=Unit.objects.order_by("path")
    )
    appeal_days = forms.IntegerField(
        label=_("Days to appeal after the announcement"),
        min_value=1,
        max_value=90,
        required=False,
        help_text=_("Leave empty to use the policy preset's (15 days in the presets shipped)."),
    )

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The units of the agency HR works in: a year belongs to one agency.
        self.fields["units"].queryset = Unit.objects.filter(agency=agency).order_by("path")


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class LevelChangeForm(VersionedForm):
    level = forms.ChoiceField(label=_("New level"), choices=LevelCode.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class GroupForm(VersionedForm):
    group = forms.CharField(label=_("Group with similar duties"), max_length=100)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class QuotaExceptionForm(forms.Form):
    group = forms.CharField(label=_("Group with similar duties"), max_length=100)
    decision_reference = forms.CharField(label=_("Decision"), max_length=300)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class FactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of fact"), choices=FactKind.choices)
    discipline_measure = forms.ChoiceField(
        label=_("Disciplinary measure"), choices=[("", "—"), *DISCIPLINE_CHOICES], required=False
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=100, required=False)
    decision_date = forms.DateField(label=_("Decision date"), input_formats=DATE_INPUT, required=False)
    violation = forms.CharField(label=_("Violation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    already_counted = forms.BooleanField(label=_("Already used to classify an earlier year"), required=False)
    months = forms.DecimalField(label=_("Months"), max_digits=4, decimal_places=1, required=False)
    old_unit = forms.ModelChoiceField(label=_("Old unit"), queryset=Unit.objects.order_by("path"), required=False)
    old_unit_opinion = forms.CharField(
        label=_("Old unit's opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    document_reference = forms.CharField(label=_("Document"), max_length=300)


class AppealForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for the appeal"), widget=forms.Textarea(attrs={"rows": 3}))
    documents = forms.CharField(
        label=_("Documents (references)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AppealDecisionForm(VersionedForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=AppealDecision.choices)
    new_level = forms.ChoiceField(
        label=_("New level (if changed)"), choices=[("", "—"), *LevelCode.choices], required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
