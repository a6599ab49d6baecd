from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "congtam.monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from congtam.monitoring import events  # registers the monitoring audit events
        from congtam.monitoring.reminders import register as register_reminders
        from congtam.monitoring.summaries import events as summary_events  # and those of the summaries
        from congtam.monitoring.summaries import jobs as summary_jobs  # registers the summary's job kind

        del events, summary_events, summary_jobs
        register_reminders()  # "Việc cần làm" drives the reminders before each deadline
