from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "congtam.catalogue"
    verbose_name = _("Product catalogues")

    def ready(self):
        from congtam.catalogue import events  # registers the catalogues' audit events

        del events
