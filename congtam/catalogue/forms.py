from django import forms
from django.utils.translation import gettext_lazy as _

from congtam.catalogue.models import CatalogueItem
from congtam.org.forms import ImportForm

_REASON_HELP = _("Optional; recorded with the new catalogue version and in the audit trail.")


def _max_length(field: str) -> int:
    return CatalogueItem._meta.get_field(field).max_length


class CatalogueItemForm(forms.Form):
    """A product of a catalogue. The factor is text so that ``1,5`` and ``1.5`` are both read (the
    service parses it and explains a wrong one)."""

    code = forms.CharField(label=_("Product code"), max_length=_max_length("code"))
    name = forms.CharField(label=_("Product name"), max_length=_max_length("name"))
    unit = forms.CharField(label=_("Unit of measure"), max_length=_max_length("unit"), required=False)
    factor = forms.CharField(
        label=_("Conversion factor"), max_length=30, help_text=_("A number greater than 0, e.g. 1,5.")
    )
    quality_requirement = forms.CharField(
        label=_("Quality requirement"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500, help_text=_REASON_HELP)

    def __init__(self, *args, code_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not code_editable:
            # The code names the product: a different code is a different product.
            del self.fields["code"]


class CatalogueItemRetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500, help_text=_REASON_HELP)


class CatalogueImportForm(ImportForm):
    retire_missing = forms.BooleanField(
        label=_("Retire the products the file no longer lists"),
        required=False,
        help_text=_("Only for the job positions in the file; off, such products are kept and listed in the report."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500, help_text=_REASON_HELP)
