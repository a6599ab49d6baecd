"""The form of the self-assessment (criteria model)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from congtam.yearend.models import LevelCode

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
