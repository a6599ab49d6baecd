"""What each role may do. Selectors and views ask these functions; nothing else decides.

Roles add to a staff member's rights; they never take them away:

* everyone signed in sees the organisation: units, people's names, positions, unit history and
  who evaluates and approves them;
* sensitive personal data (gender, birth date, ethnicity) is shown only to HR, the administrator
  and the person themselves;
* HR (and the administrator) manage the organisation: import, export, authority overrides and the
  list of people without a valid authority; leadership may read that list;
* the inspector (and the administrator) read the audit trail; the inspector changes nothing;
* nobody decides on their own record (a level, a fact, an amendment, an approval, the minutes
  about them, who evaluates them), whatever their role: a colleague with the same authority does.
  The law lets the person act on their own record only to assess themselves, acknowledge their
  result and appeal it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from congtam.accounts.models import Role

SENSITIVE_ROLES = frozenset({Role.HR, Role.ADMIN})
ORG_MANAGER_ROLES = frozenset({Role.HR, Role.ADMIN})
AUTHORITY_REPORT_ROLES = frozenset({Role.HR, Role.ADMIN, Role.LEADERSHIP})
AUDIT_ROLES = frozenset({Role.INSPECTOR, Role.ADMIN})


def _role(viewer) -> str | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return None
    return viewer.role


def can_view_sensitive(viewer, person) -> bool:
    role = _role(viewer)
    if role is None:
        return False
    return role in SENSITIVE_ROLES or (viewer.person_id is not None and viewer.person_id == person.pk)


def can_manage_org(viewer) -> bool:
    return _role(viewer) in ORG_MANAGER_ROLES


def can_view_authority_report(viewer) -> bool:
    return _role(viewer) in AUTHORITY_REPORT_ROLES


def can_view_audit(viewer) -> bool:
    return _role(viewer) in AUDIT_ROLES


def can_use_admin(viewer) -> bool:
    return _role(viewer) in ORG_MANAGER_ROLES


def is_read_only(viewer) -> bool:
    return _role(viewer) == Role.INSPECTOR


def is_own_record(actor, person_id: int | None) -> bool:
    """Whether ``actor`` is the person whose record ``person_id`` is."""
    own = getattr(actor, "person_id", None)
    return own is not None and person_id is not None and own == person_id


def refuse_own_record(actor, person_id: int | None) -> None:
    """Refuse a decision on one's own record (called first by every service that decides on a person)."""
    if is_own_record(actor, person_id):
        raise PermissionDenied(_("Nobody decides on their own record: a colleague with the same authority must do it."))
