"""Who reads the audit trail: the inspector and the administrator."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congtam.accounts.permissions import is_admin, is_inspector
from congtam.core.permissions import declare

declare("audit.view", is_inspector | is_admin, _("The audit trail is read by the inspector and the administrator."))
