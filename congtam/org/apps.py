from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "congtam.org"
    verbose_name = _("Organisation")

    def ready(self):
        from congtam.org import events  # registers the organisation's audit events

        del events
