from django import forms
from django.utils.translation import gettext_lazy as _

from congtam.org.models import Unit


class SourceSystemIssueForm(forms.Form):
    name = forms.CharField(label=_("Name of the system"), max_length=200)
    units = forms.ModelMultipleChoiceField(
        label=_("Units it may send work for (with the units below them)"),
        queryset=Unit.objects.order_by("path").only("id", "code", "name", "depth"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A system's token is scoped to units of one agency: the one HR works in.
        self.fields["units"].queryset = self.fields["units"].queryset.filter(agency=agency)
        self.fields["units"].label_from_instance = lambda unit: f"{'— ' * unit.depth}{unit.name} ({unit.code})"


class SourceSystemRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
