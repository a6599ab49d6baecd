from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "congtam.core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.backends.signals import connection_created

        from congtam.core.files import sqlite_file_private

        connection_created.connect(sqlite_file_private, dispatch_uid="congtam.core.sqlite_file_private")

        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("permissions")  # each app's declared permissions (congtam.core.permissions)
