"""Who may manage the task systems' tokens and import work items (see
:mod:`congtam.accounts.permissions`)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from congtam.accounts.models import Role
from congtam.accounts.permissions import has_role, is_hr, person_id
from congtam.core.permissions import declare

# People who evaluate others may import their work items; HR and the administrator anyone's.
is_evaluating_role = has_role(Role.MANAGER, Role.UNIT_HEAD, Role.LEADERSHIP)


@rules.predicate
def has_staff_record(user) -> bool:
    return person_id(user) is not None


declare("api.manage_source_systems", is_hr, _("Only HR and the administrator manage the task systems' tokens."))
declare(
    "api.import_work_items",
    is_hr | (is_evaluating_role & has_staff_record),
    _("Only HR and the people who evaluate others import work items."),
)
declare("api.import_for_everyone", is_hr)
