"""Who may manage API tokens and import work items (the role policy of this app)."""

from __future__ import annotations

from congtam.accounts import policy
from congtam.accounts.models import Role

# People who evaluate others may import their work items; HR and the administrator anyone's.
EVALUATOR_ROLES = frozenset({Role.MANAGER, Role.UNIT_HEAD, Role.LEADERSHIP})


def can_manage_source_systems(viewer) -> bool:
    return policy.can_manage_org(viewer)


def can_import_work_items(viewer) -> bool:
    if policy.can_manage_org(viewer):
        return True
    return (
        viewer is not None
        and getattr(viewer, "is_authenticated", False)
        and viewer.is_active
        and viewer.role in EVALUATOR_ROLES
        and viewer.person_id is not None
    )


def imports_for_everyone(viewer) -> bool:
    """HR and the administrator import for anyone; an evaluator only for the people they evaluate."""
    return policy.can_manage_org(viewer)
