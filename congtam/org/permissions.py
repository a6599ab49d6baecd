"""Who may read and manage the organisation (see :mod:`congtam.accounts.permissions`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from congtam.accounts.permissions import is_hr, is_leadership, is_signed_in
from congtam.core.permissions import declare

declare("org.view", is_signed_in, _("Sign in to see the organisation."))
declare("org.manage", is_hr, _("Only HR and the administrator manage the organisation."))
declare(
    "org.view_authority_report",
    is_hr | is_leadership,
    _("The list of people without a valid authority is for HR and the leadership."),
)
