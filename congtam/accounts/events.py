from django.utils.translation import gettext_lazy as _

from congtam.audit.events import register

ACCOUNT_CREATED = register("accounts.user.created", _("Account created"))
ACCOUNT_ROLE_CHANGED = register("accounts.user.role_changed", _("Account role changed"))
ACCOUNT_LINKED = register("accounts.user.linked", _("Account linked to a staff record"))
ACCOUNT_CHANGED = register("accounts.user.changed", _("Account changed"))
ACCOUNT_PASSWORD_CHANGED = register("accounts.user.password_changed", _("Account password changed"))
ACCOUNT_DELETED = register("accounts.user.deleted", _("Account deleted"))
