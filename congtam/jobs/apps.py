from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "congtam.jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from congtam.jobs import events  # registers the audit events of jobs

        del events
        # Each app's ``jobs`` module registers its job kinds, in the web process and the worker.
        autodiscover_modules("jobs")
