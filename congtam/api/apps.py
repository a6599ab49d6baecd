from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "congtam.api"
    verbose_name = _("API for task and document systems")

    def ready(self) -> None:
        from congtam.api import events  # noqa: F401  (registers the audit event codes)
