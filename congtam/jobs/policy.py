"""Who sees and restarts a background job: the person who started it, HR and the administrator.
The inspector reads but never restarts anything."""

from __future__ import annotations

from congtam.accounts import policy
from congtam.accounts.models import Role

ALL_JOBS_ROLES = frozenset({Role.HR, Role.ADMIN})


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False) and viewer.is_active


def can_see_all_jobs(viewer) -> bool:
    return _signed_in(viewer) and viewer.role in ALL_JOBS_ROLES


def can_view_job(viewer, job) -> bool:
    if not _signed_in(viewer):
        return False
    return can_see_all_jobs(viewer) or (job.created_by_id is not None and job.created_by_id == viewer.pk)


def can_retry_job(job, viewer) -> bool:
    """The permission of the ``retry`` transition (django-fsm passes the instance first)."""
    return can_view_job(viewer, job) and not policy.is_read_only(viewer)


def only_the_system(job, user) -> bool:
    """Transitions the worker takes (run, succeed, fail) are taken by nobody signed in."""
    return user is None
