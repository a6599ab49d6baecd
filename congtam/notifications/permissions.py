"""Everyone signed in reads their own notifications; nobody reads another person's."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congtam.accounts.permissions import is_signed_in
from congtam.core.permissions import declare

declare("notifications.view", is_signed_in, _("Sign in to see your notifications."))
