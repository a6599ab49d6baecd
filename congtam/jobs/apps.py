from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "congtam.jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        # The Celery application is loaded with Django (here rather than in congtam/__init__.py,
        # so that the pure scoring engine imports neither Celery nor Django): tasks started by the
        # web process then use its configuration.
        from congtam import celery
        from congtam.jobs import events  # registers the audit events of jobs

        del celery, events
        # Each app's ``jobs`` module registers its job kinds, in the web process and the worker.
        autodiscover_modules("jobs")
