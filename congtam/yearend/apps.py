from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearendConfig(AppConfig):
    name = "congtam.yearend"
    label = "yearend"
    verbose_name = _("Year-end classification")

    def ready(self):
        from congtam.yearend import events, export_events, report_events  # register the year-end audit events

        del events, export_events, report_events
