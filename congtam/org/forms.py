from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congtam.org.models import AuthorityKind, Person


class AuthorityOverrideForm(forms.Form):
    kind = forms.ChoiceField(label=_("Authority"), choices=AuthorityKind.choices)
    authority_code = forms.CharField(label=_("Staff code of the person assigned"), max_length=50)
    effective_from = forms.DateField(label=_("Effective from (dd/mm/yyyy)"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason (e.g. the decision number)"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency

    def clean_authority_code(self):
        """A person of the agency, or of the agency above it (the outside authority's head)."""
        code = self.cleaned_data["authority_code"].strip()
        agencies = [self.agency.pk, self.agency.parent_id] if self.agency is not None else []
        found = list(Person.objects.filter(agency__in=agencies, staff_code=code).order_by("-agency__depth")[:1])
        try:
            return found[0]
        except IndexError:
            raise forms.ValidationError(_("No person has the staff code %(code)s.") % {"code": code}) from None


class AuthorityOverrideEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ends on (dd/mm/yyyy)"), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason (e.g. the decision number)"), widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    workbook = forms.FileField(label=_("Workbook (.xlsx)"))

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        if upload.size > settings.CONGTAM_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (at most %(size)d MB).")
                % {"size": settings.CONGTAM_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload
