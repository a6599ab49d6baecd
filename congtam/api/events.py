from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

API_CALL = register("api.call", _("API call by a task or document system"))
ITEMS_IMPORTED = register("api.items.imported", _("Work items imported from Excel"))
