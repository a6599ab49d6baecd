"""The forms of the review page. Each keeps what the user typed when a service refuses it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from congtam.monitoring.models import CheckResult

DATE_HELP = _("dd/mm/yyyy")


class ItemForm(forms.Form):
    """An item for the plan: a catalogue code, or a name, factor and reason for an ad hoc item."""

    catalogue_code = forms.CharField(label=_("Catalogue product"), required=False, max_length=50)
    name = forms.CharField(label=_("Or: product or task outside the catalogue"), required=False, max_length=500)
    factor = forms.CharField(label=_("Conversion factor"), required=False, max_length=20)
    ad_hoc_reason = forms.CharField(label=_("Reason for an item outside the catalogue"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
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
    comment = forms.CharField(label=_("Comment (required for a failure: cite the error)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class MoveDueForm(VersionedForm):
    new_due_on = forms.DateField(label=_("New due date"), help_text=DATE_HELP)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Document"), required=False)
    link = forms.URLField(label=_("Or: link to the record in the document system"), required=False, max_length=1000,
                          assume_scheme="https")
    description = forms.CharField(label=_("Description"), required=False, max_length=500)


class CommentForm(VersionedForm):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ObservationForm(forms.Form):
    observed_on = forms.DateField(label=_("Observed on"), help_text=DATE_HELP)
    text = forms.CharField(label=_("What you observed (behaviour, not personality)"), widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 2}))
