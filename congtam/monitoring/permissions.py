"""Who may see and do what in the monthly and quarterly reviews: declared once here, asked by the
services, selectors, views and templates, and named in the ``@transition`` declarations of
:mod:`congtam.monitoring.models` (so the pages' buttons follow them).

A review's permissions take the review, or anything of it (a work item, an observation): the
person, their evaluator and their approver are those of the review. Nobody evaluates or approves
themselves.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from congtam.accounts.permissions import is_hr, is_inspector, is_leadership, is_signed_in, person_id
from congtam.core.permissions import declare


def _review(obj):
    """The review of a review, a work item or an observation."""
    from congtam.monitoring.models import Review

    return obj if isinstance(obj, Review) else obj.review


@rules.predicate
def is_reviewed_person(user, obj) -> bool:
    own = person_id(user)
    return own is not None and obj is not None and own == _review(obj).person_id


@rules.predicate
def is_evaluator(user, obj) -> bool:
    own = person_id(user)
    if own is None or obj is None:
        return False
    review = _review(obj)
    return own == review.evaluator_id and own != review.person_id


@rules.predicate
def is_approver(user, obj) -> bool:
    own = person_id(user)
    if own is None or obj is None:
        return False
    review = _review(obj)
    return own == review.approver_id and own != review.person_id


@rules.predicate
def is_source_system(user) -> bool:
    """A task-assignment system's token that is not revoked (the API checks its scope of units)."""
    from congtam.api.models import SourceSystem

    return isinstance(user, SourceSystem) and user.revoked_at is None


sees_every_review = is_hr | is_inspector | is_leadership
takes_part = is_reviewed_person | is_evaluator | is_approver

# --- periods and cycles ---------------------------------------------------------------------------
declare("monitoring.view", is_signed_in, _("Sign in to see the reviews."))
declare("monitoring.manage_periods", is_hr, _("Only HR and the administrator manage the periods."))
# --- reviews --------------------------------------------------------------------------------------
declare("monitoring.see_all_reviews", sees_every_review)
declare("monitoring.see_review", sees_every_review | takes_part, _("You may not see this review."))
declare(
    "monitoring.see_evidence",
    # Evidence is for the people in the review, HR and the inspector, not the leadership browsing.
    is_hr | is_inspector | takes_part,
    _("The evidence is seen by the people in the review, HR and the inspector."),
)
declare("monitoring.self_assess", is_reviewed_person, _("You may not take this action."))
declare("monitoring.evaluate_review", is_evaluator, _("You may not take this action."))
declare("monitoring.approve_review", is_approver, _("You may not take this action."))
declare("monitoring.correct_review", is_hr, _("Only HR corrects an approved review."))


@rules.predicate
def is_decided_person(user, decision) -> bool:
    own = person_id(user)
    return own is not None and decision is not None and own == decision.person_id


declare(
    "monitoring.see_decision",
    is_hr | is_inspector | is_decided_person,
    _("A decision is seen by the person it is about, HR and the inspector."),
)
declare(
    "monitoring.record_outside_decision",
    is_hr,
    _("Only HR records the decision of an authority outside the installation."),
)
declare("monitoring.discuss_review", is_reviewed_person | is_evaluator, _("You may not take this action."))
# --- work items -----------------------------------------------------------------------------------
declare("monitoring.plan_item", is_evaluator, _("You may not take this action."))
declare("monitoring.propose_item", is_reviewed_person, _("You may not take this action."))
declare("monitoring.report_item", is_reviewed_person, _("You may not take this action."))
declare("monitoring.report_item_from_system", is_source_system)
declare("monitoring.check_item", is_evaluator, _("You may not take this action."))
declare("monitoring.confirm_objective_cause", is_approver, _("You may not take this action."))
declare("monitoring.check_items", is_evaluator | is_approver, _("You may not take this action."))
# --- observations ---------------------------------------------------------------------------------
declare("monitoring.observe", is_evaluator, _("Only the person's evaluator writes observations."))
declare("monitoring.answer_observation", is_reviewed_person, _("Only the person observed answers an observation."))


# --- period summaries and score sheets (congtam.monitoring.summaries) --------------------------------
@rules.predicate
def leads_unit_or_above(user, unit) -> bool:
    """The head or a deputy of the unit or of a unit above it (a summary of the agency has no unit)."""
    from congtam.org.models import Person, UnitRole

    own = person_id(user)
    return (
        own is not None
        and unit is not None
        and Person.objects.filter(
            pk=own,
            is_active=True,
            unit_role__in=(UnitRole.HEAD, UnitRole.DEPUTY),
            unit_id__in=[*unit.ancestor_ids(), unit.pk],
        ).exists()
    )


declare(
    "monitoring.export_summary",
    sees_every_review | leads_unit_or_above,
    _("A period summary is downloaded by HR, the leadership, the inspector and the unit's heads and deputies."),
)
declare(
    "monitoring.see_score_sheet",
    is_hr | is_inspector | takes_part,
    _("A score sheet is seen by the person, their evaluator and approver, HR and the inspector."),
)


def visible_reviews(user, reviews):
    """``monitoring.see_review`` as a queryset: the reviews of ``reviews`` the user may see."""
    from django.db.models import Q

    if sees_every_review(user):
        return reviews
    own = person_id(user)
    if own is None:
        return reviews.none()
    return reviews.filter(Q(person_id=own) | Q(evaluator_id=own) | Q(approver_id=own))
