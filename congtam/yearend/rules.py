"""Who may take each year-end transition: the predicates named in the ``@transition``
declarations of :mod:`congtam.yearend.models`. Permissions take ``(instance, user)``. Nothing
here writes.

The transitions declare no conditions: :func:`congtam.monitoring.workflow.refusal` only knows
monitoring's condition messages, so the year-end services check their own conditions and say why.
"""

from __future__ import annotations

from congtam.accounts.models import Role


def _active(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _person_id(user) -> int | None:
    return getattr(user, "person_id", None) if _active(user) else None


def is_hr(_instance, user) -> bool:
    return _active(user) and user.role in (Role.HR, Role.ADMIN)


def is_classified_person(classification, user) -> bool:
    person_id = _person_id(user)
    return person_id is not None and person_id == classification.person_id


def is_competent_authority(classification, user) -> bool:
    """The approver of the authority model, never the person themselves."""
    person_id = _person_id(user)
    return person_id is not None and person_id == classification.approver_id and person_id != classification.person_id


def is_appeal_decider(classification, user) -> bool:
    """The level above the approver, recorded on the appeal when it was submitted."""
    person_id = _person_id(user)
    appeal = getattr(classification, "appeal", None)
    return (
        person_id is not None
        and appeal is not None
        and person_id == appeal.decider_id
        and person_id not in (classification.person_id, classification.approver_id)
    )
