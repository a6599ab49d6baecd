from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "congtam.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from congtam.accounts import events  # registers the account events

        del events
