from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearendConfig(AppConfig):
    name = "congtam.yearend"
    label = "yearend"
    verbose_name = _("Year-end classification")

    def ready(self):
        # register the year-end audit events
        from congtam.yearend import events
        from congtam.yearend.exports import events as export_events
        from congtam.yearend.meetings import events as meeting_events
        from congtam.yearend.reports import events as report_events

        del events, export_events, meeting_events, report_events
