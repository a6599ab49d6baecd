"""The bridge from a period review to the scoring engine: the engine computes every score; this
module only turns rows into the engine's plain inputs and keeps its explanation.

A head's or deputy's review is scored as a leader's: with their unit's part (see
:mod:`congtam.monitoring.leaders`), once every staff review of the period is approved."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from congtam.monitoring import leaders
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


def leader_waiting_message(not_approved: int) -> str:
    """Why a head's or deputy's score waits: their staff's reviews still to approve."""
    from django.utils.translation import ngettext

    return ngettext(
        "A head's or deputy's score includes their unit: one staff review of the period is not approved "
        "yet, and the score is computed once it is.",
        "A head's or deputy's score includes their unit: %(count)s staff reviews of the period are not "
        "approved yet, and the score is computed once they all are.",
        not_approved,
    ) % {"count": not_approved}


def review_score(
    review: Review,
    items: list[WorkItem],
    ratings: list[GeneralRating],
    *,
    unit_parts: Mapping[int, leaders.UnitPart] | None = None,
) -> ScoreResult:
    """The engine's score of ``review`` from its items and the manager's rating (the person's own
    rating stands in, provisionally, until the manager has rated).

    A leader's review also takes their unit's part: from ``unit_parts`` (by unit id, computed for
    a whole period at once by :func:`congtam.monitoring.leaders.unit_parts`) or else read now.
    Until every staff review of the period is approved there is no score, and the problem says
    how many wait."""
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
    part = None
    if review.is_leader:
        if unit_parts is not None:
            part = unit_parts.get(review.unit_id, leaders.UnitPart())
        else:
            part = leaders.unit_part_for(review)
        if not part.ready:
            return ScoreResult(None, None, leader_waiting_message(part.not_approved))
    try:
        levels = {code: int(level) for code, level in rating.levels.items()}
        unit = part.engine_input() if part is not None else None
        period = engine.PeriodInput(str(review.period.number), tuple(counted), general_levels=levels, unit=unit)
        result = engine.period_score(period, policy=policy, is_leader=review.is_leader)
    except MethodInputError as error:
        text = message(error.message_key, "en" if get_language() == "en" else "vi", **error.params)
        return ScoreResult(None, None, _("The score cannot be computed yet: %(error)s") % {"error": text})
    tree = period_node(result, policy)
    tree["policy"] = {"id": policy.id, "version": policy.version}
    tree["rater"] = rating.rater_role
    if part is not None:
        # What the unit part was, in the leader's explanation: the facts behind d and đ, and the
        # preset's reading of how they combine with the leader's own items.
        values = policy.settings.values
        tree["leader"] = {
            **part.facts(),
            **_unit_values(tree),
            "reading": values["leader_combination"],
            "further_criterion": values["leader_further_criterion"],
        }
    return ScoreResult(result.score, tree, "", rating.rater_role)


def _unit_values(tree: dict) -> dict:
    """The staff part d (and, in the mean reading, the unit part), as the engine's explanation
    states them, for the page's sentence about the unit."""
    task = tree["inputs"]["t"]["inputs"]
    if "d" in task:  # the six-component reading
        return {"staff_part": task["d"]["value"], "unit_percent": None, "further_percent": task["e"]["value"]}
    if "combined" in task:
        unit = task["combined"]["inputs"]["unit"]
        return {"staff_part": unit["inputs"]["staff"]["value"], "unit_percent": unit["value"], "further_percent": None}
    return {"staff_part": None, "unit_percent": None, "further_percent": None}  # nobody to answer for
