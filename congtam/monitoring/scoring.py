"""The bridge from a period review to the scoring engine: the engine computes every score; this
module only turns rows into the engine's plain inputs and keeps its explanation."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from congtam.monitoring.models import GeneralRating, ItemState, Review, WorkItem
from congtam.scoring import api as engine
from congtam.scoring.explain.build import period_node
from congtam.scoring.messages import message
from congtam.scoring.methods import MethodInputError
from congtam.scoring.methods import WorkItem as EngineItem
from congtam.scoring.policy import POINTS, Policy

COMPLETED_STATES = (ItemState.REPORTED, ItemState.ACCEPTED)


def policy_is_points(policy: Policy) -> bool:
    return policy.model == POINTS


def engine_item(item: WorkItem) -> EngineItem:
    """A reported item counts as completed while its check is pending (a provisional score); at
    submission every item is checked."""
    return EngineItem(
        factor=item.factor,
        completed=item.state in COMPLETED_STATES,
        quality_failures=item.quality_failures,
        late_count=item.late_count,
        objective_cause=item.objective_cause,
        code=item.code or f"#{item.pk}",
    )


@dataclass(frozen=True, slots=True)
class ScoreResult:
    score: Decimal | None
    explanation: dict | None
    problem: str = ""  # why there is no score yet, in words
    rater: str = ""  # whose general-criteria rating was used: "manager", "self" or ""


def review_score(review: Review, items: list[WorkItem], ratings: list[GeneralRating]) -> ScoreResult:
    """The engine's score of ``review`` from its items and the manager's rating (the person's own
    rating stands in, provisionally, until the manager has rated)."""
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    policy = review.period.cycle.engine_policy()
    counted = [engine_item(item) for item in items if item.counts]
    if not counted:
        return ScoreResult(None, None, _("No item is assigned in this period yet."))
    by_role = {rating.rater_role: rating for rating in ratings if rating.levels}
    rating = by_role.get("manager") or by_role.get("self")
    if rating is None:
        return ScoreResult(None, None, _("The general criteria are not rated yet."))
    try:
        levels = {code: int(level) for code, level in rating.levels.items()}
        period = engine.PeriodInput(str(review.period.number), tuple(counted), general_levels=levels)
        result = engine.period_score(period, policy=policy, is_leader=False)
    except MethodInputError as error:
        text = message(error.message_key, "en" if get_language() == "en" else "vi", **error.params)
        return ScoreResult(None, None, _("The score cannot be computed yet: %(error)s") % {"error": text})
    tree = period_node(result, policy)
    tree["policy"] = {"id": policy.id, "version": policy.version}
    tree["rater"] = rating.rater_role
    return ScoreResult(result.score, tree, "", rating.rater_role)
