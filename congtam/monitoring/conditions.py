"""What each workflow transition of :mod:`congtam.monitoring.models` requires: its conditions,
each with the message a refusal gives (so a refused transition always says why), and the review
states in which the plan may change, work may be reported and items checked. Nothing here
writes; who may take a transition is in :mod:`congtam.monitoring.permissions`.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congtam.core.workflow import condition

# Review states in which the plan may change, work may be reported, items checked.
PLAN_OPEN_STATES = ("planning", "in_progress")
WORK_OPEN_STATES = ("in_progress", "self_assessed", "returned")
CHECK_OPEN_STATES = ("in_progress", "self_assessed", "returned")


@condition(_("The plan has no assigned item yet."))
def has_assigned_items(review) -> bool:
    from congtam.monitoring.models import ItemState

    return review.items.filter(state=ItemState.ASSIGNED).exists()


@condition(_("Some proposed items still await the manager's answer."))
def no_pending_proposals(review) -> bool:
    from congtam.monitoring.models import ItemState

    return not review.items.filter(state=ItemState.PROPOSED).exists()


@condition(_("Some reported items still await the manager's check."))
def nothing_awaiting_check(review) -> bool:
    from congtam.monitoring.models import ItemState

    return not review.items.filter(state=ItemState.REPORTED).exists()


def _rating_complete(review, role: str) -> bool:
    rating = review.ratings.filter(rater_role=role).only("levels", "submitted_at").first()
    return rating is not None and rating.submitted_at is not None


@condition(_("Rate every general criterion before submitting the self-assessment."))
def self_rating_complete(review) -> bool:
    return _rating_complete(review, "self")


@condition(_("Rate every general criterion before submitting."))
def manager_rating_complete(review) -> bool:
    return _rating_complete(review, "manager")


@condition(_("The person has not self-assessed yet and the self-rating deadline has not passed."))
def self_assessed_or_overdue(review) -> bool:
    """Self-assessment comes first; if the person lets the deadline pass, the manager goes on."""
    return review.state != "in_progress" or timezone.localdate() > review.period.self_rating_due


def _staff_waiting(review) -> str:
    from congtam.monitoring import leaders
    from congtam.monitoring.scoring import leader_waiting_message

    return leader_waiting_message(leaders.unit_part_for(review).not_approved)


@condition(_staff_waiting)
def staff_reviews_approved(review) -> bool:
    """A head's or deputy's score includes their unit's: it waits for every staff review of the
    period to be approved (the refusal says how many are not)."""
    from congtam.monitoring import leaders

    part = leaders.unit_part_for(review)
    return part is None or part.ready


@condition(_("Some reviews of the period are not approved yet."))
def all_reviews_approved(period) -> bool:
    return not period.reviews.exclude(state="approved").exists()


@condition(_("The plan can no longer change: the period's review has moved on."))
def plan_open(item) -> bool:
    return item.review.state in PLAN_OPEN_STATES


@condition(_("Items can be reported only after the plan is acknowledged and before the review is submitted."))
def work_open(item) -> bool:
    return item.review.state in WORK_OPEN_STATES


@condition(_("Items can be checked only while the review is in progress."))
def checks_open(item) -> bool:
    return item.review.state in CHECK_OPEN_STATES


@condition(_("This score's approver has an account here: they approve it themselves."))
def approver_outside(review) -> bool:
    """The approver is the authority outside the installation named for the agency."""
    return review.approver_id is None and bool(review.external_approver)
