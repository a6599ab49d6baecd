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


PERCENT = forms.TextInput(attrs={"inputmode": "decimal", "size": 6})
PROPOSABLE_LEVELS = [(code, label) for code, label in LevelCode.choices if code != LevelCode.NOT_CLASSIFIED]


class SelfAssessmentForm(forms.Form):
    """The self-assessment (criteria model). The percentages are checked by the service, which
    reads a decimal comma too; a head or deputy also gives the unit's results."""

    version = forms.IntegerField(widget=forms.HiddenInput, initial=0)
    report = forms.CharField(
        label=_("Self-assessment report"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The tasks you were assigned, what you delivered and when, the evidence, and what fell short."),
    )
    shared_criteria_met = forms.BooleanField(
        label=_("I met the shared criteria (political quality, ethics, lifestyle, working style, discipline)"),
        required=False,
    )
    # Not required here: the service checks every figure and says everything refused at once.
    completion_percent = forms.CharField(label=_("Tasks completed (%)"), widget=PERCENT, required=False)
    exceeded_percent = forms.CharField(label=_("Tasks exceeded (%)"), widget=PERCENT, required=False)
    short_percent = forms.CharField(
        label=_("Tasks short on quality, time or efficiency (%)"), widget=PERCENT, required=False
    )
    proposed_level = forms.ChoiceField(
        label=_("The level I propose"), choices=[("", "—"), *PROPOSABLE_LEVELS], required=False
    )

    def __init__(self, *args, leader: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if leader:
            self.fields["targets_completed_percent"] = forms.CharField(
                label=_("Targets of the unit in my charge completed (%)"), widget=PERCENT, required=False
            )
            self.fields["targets_exceeded_percent"] = forms.CharField(
                label=_("Targets of the unit exceeded (%)"), widget=PERCENT, required=False
            )
            self.fields["on_time_percent"] = forms.CharField(
                label=_("Targets of the unit on time and to quality (%)"), widget=PERCENT, required=False
            )
            self.fields["subunits_complete_or_better_percent"] = forms.CharField(
                label=_("Units I directly manage at HTNV or better (%)"),
                widget=PERCENT,
                required=False,
                help_text=_("Leave both shares empty if you manage no unit directly."),
            )
            self.fields["subunits_good_or_better_percent"] = forms.CharField(
                label=_("Units I directly manage at HTTNV or better (%)"), widget=PERCENT, required=False
            )

    OWN_FIELDS = (
        "report",
        "shared_criteria_met",
        "completion_percent",
        "exceeded_percent",
        "short_percent",
        "proposed_level",
    )

    def own_fields(self):
        return [self[name] for name in self.OWN_FIELDS]

    def unit_fields(self):
        return [self[name] for name in self.fields if name not in self.OWN_FIELDS and name != "version"]

    def unit_results(self) -> dict:
        from congtam.yearend.models import CriteriaSelfAssessment

        return {name: self.cleaned_data.get(name) for name in CriteriaSelfAssessment.UNIT_FIELDS if name in self.fields}
