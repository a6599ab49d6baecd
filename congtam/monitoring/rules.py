"""Who may take each workflow transition, and what it requires: the predicates named in the
``@transition`` declarations of :mod:`congtam.monitoring.models`.

Permissions take ``(instance, user)``; conditions take ``(instance)``. Each condition has a
message (:data:`CONDITION_MESSAGES`) that the services give when it does not hold, so a refused
transition always says why. Nothing here writes.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congtam.accounts.models import Role

# Review states in which the plan may change, work may be reported, items checked.
PLAN_OPEN_STATES = ("planning", "in_progress")
WORK_OPEN_STATES = ("in_progress", "self_assessed", "returned")
CHECK_OPEN_STATES = ("in_progress", "self_assessed", "returned")


def _person_id(user) -> int | None:
    return getattr(user, "person_id", None) if user is not None and user.is_authenticated and user.is_active else None


# --- permissions -------------------------------------------------------------------------------
def is_hr(_instance, user) -> bool:
    return user is not None and user.is_authenticated and user.is_active and user.role in (Role.HR, Role.ADMIN)


def is_reviewed_person(review, user) -> bool:
    person_id = _person_id(user)
    return person_id is not None and person_id == review.person_id


def is_evaluator(review, user) -> bool:
    person_id = _person_id(user)
    return person_id is not None and person_id == review.evaluator_id and person_id != review.person_id


def is_approver(review, user) -> bool:
    person_id = _person_id(user)
    return person_id is not None and person_id == review.approver_id and person_id != review.person_id


def is_source_system(_item, user) -> bool:
    """A task-assignment system's token (the API checks its scope of units)."""
    from congtam.monitoring.models import SourceSystem

    return isinstance(user, SourceSystem) and user.revoked_at is None


def is_item_person(item, user) -> bool:
    return is_reviewed_person(item.review, user)


def is_item_evaluator(item, user) -> bool:
    return is_evaluator(item.review, user)


def is_item_approver(item, user) -> bool:
    return is_approver(item.review, user)


# --- conditions --------------------------------------------------------------------------------
def has_assigned_items(review) -> bool:
    from congtam.monitoring.models import ItemState

    return review.items.filter(state=ItemState.ASSIGNED).exists()


def no_pending_proposals(review) -> bool:
    from congtam.monitoring.models import ItemState

    return not review.items.filter(state=ItemState.PROPOSED).exists()


def nothing_awaiting_check(review) -> bool:
    from congtam.monitoring.models import ItemState

    return not review.items.filter(state=ItemState.REPORTED).exists()


def _rating_complete(review, role: str) -> bool:
    rating = review.ratings.filter(rater_role=role).only("levels", "submitted_at").first()
    return rating is not None and rating.submitted_at is not None


def self_rating_complete(review) -> bool:
    return _rating_complete(review, "self")


def manager_rating_complete(review) -> bool:
    return _rating_complete(review, "manager")


def self_assessed_or_overdue(review) -> bool:
    """Self-assessment comes first; if the person lets the deadline pass, the manager goes on."""
    return review.state != "in_progress" or timezone.localdate() > review.period.self_rating_due


def all_reviews_approved(period) -> bool:
    return not period.reviews.exclude(state="approved").exists()


def plan_open(item) -> bool:
    return item.review.state in PLAN_OPEN_STATES


def work_open(item) -> bool:
    return item.review.state in WORK_OPEN_STATES


def checks_open(item) -> bool:
    return item.review.state in CHECK_OPEN_STATES


CONDITION_MESSAGES = {
    "has_assigned_items": _("The plan has no assigned item yet."),
    "no_pending_proposals": _("Some proposed items still await the manager's answer."),
    "nothing_awaiting_check": _("Some reported items still await the manager's check."),
    "self_rating_complete": _("Rate every general criterion before submitting the self-assessment."),
    "manager_rating_complete": _("Rate every general criterion before submitting."),
    "self_assessed_or_overdue": _("The person has not self-assessed yet and the self-rating deadline has not passed."),
    "all_reviews_approved": _("Some reviews of the period are not approved yet."),
    "plan_open": _("The plan can no longer change: the period's review has moved on."),
    "work_open": _("Items can be reported only after the plan is acknowledged and before the review is submitted."),
    "checks_open": _("Items can be checked only while the review is in progress."),
}
