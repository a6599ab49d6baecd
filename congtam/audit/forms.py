from django import forms
from django.utils.translation import gettext_lazy as _

from congtam.audit import events


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False)
    subject = forms.CharField(label=_("Subject"), required=False)
    event = forms.ChoiceField(label=_("Event"), required=False)
    date_from = forms.DateField(label=_("From (dd/mm/yyyy)"), required=False)
    date_to = forms.DateField(label=_("To (dd/mm/yyyy)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [
            ("", _("All events")),
            *[(code, f"{label} ({code})") for code, label in events.choices()],
        ]
