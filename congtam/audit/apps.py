from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "congtam.audit"
    verbose_name = _("Audit trail")

    def ready(self):
        # Every app registers its event codes when it is loaded.
        from congtam.audit import events, guards

        del events
        guards.install_flush_hatch_if_asked()
