from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

ITEM_CREATED = register("catalogue.item.created", _("Catalogue product added"))
ITEM_UPDATED = register("catalogue.item.updated", _("Catalogue product changed"))
ITEM_RETIRED = register("catalogue.item.retired", _("Catalogue product retired"))
CATALOGUE_IMPORTED = register("catalogue.import.completed", _("Product catalogues imported"))
