"""Scoring methods: each a small pure function from plain inputs to a result with its parts.

Every result keeps the intermediate values that the explanation shows, so that an inspector can
redo each step by hand. Formulas are written in the same order as the explanation's formula
text (see :mod:`congtam.scoring.explain`), because Decimal division is exact only to 28 digits
and the re-computation must give the very same digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache

from congtam.scoring.decimals import HUNDRED, ONE, ZERO


class MethodInputError(ValueError):
    """An input a method cannot score (out of its bounds, missing, inconsistent).

    ``message_key`` and ``params`` name an entry of :mod:`congtam.scoring.messages`.
    """

    def __init__(self, message_key: str, **params: object) -> None:
        super().__init__(f"{message_key}: {params}")
        self.message_key = message_key
        self.params = params


# --- Decree 335: task results over converted work items ------------------------------------


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A product or task assigned in a period, with its catalogue conversion factor."""

    factor: Decimal
    completed: bool
    quality_failures: int = 0
    late_count: int = 0
    objective_cause: bool = False
    code: str = ""


@dataclass(frozen=True, slots=True)
class ItemCredit:
    """How much of one item's converted value counts for each of the three measures."""

    quantity: Decimal
    quality: Decimal
    timeliness: Decimal


@dataclass(frozen=True, slots=True)
class TaskResult:
    """Quantity (a), quality (b) and timeliness (c) as percentages of converted items assigned."""

    items: tuple[WorkItem, ...]
    assigned: Decimal
    completed: Decimal
    quality_credit: Decimal
    timeliness_credit: Decimal
    quantity_percent: Decimal
    quality_percent: Decimal
    timeliness_percent: Decimal


def item_credit(item: WorkItem, *, quality_deduction: Decimal, late_deduction: Decimal) -> ItemCredit:
    """One item's credit: 25% of its points lost per failed check or late delivery.

    An item not completed earns nothing. An objective cause confirmed by the competent authority
    waives the deductions (RULES.md §2.1 b, c); credit never goes below zero.
    """
    if not item.completed:
        return ItemCredit(ZERO, ZERO, ZERO)
    if item.objective_cause:
        return ItemCredit(item.factor, item.factor, item.factor)
    quality = item.factor * max(ZERO, ONE - quality_deduction * item.quality_failures)
    timeliness = item.factor * max(ZERO, ONE - late_deduction * item.late_count)
    return ItemCredit(item.factor, quality, timeliness)


@lru_cache(maxsize=256)
def remaining_share(deduction: Decimal, count: int) -> Decimal:
    """``max(0, 1 − deduction × count)``: what is left of an item after ``count`` deductions."""
    return max(ZERO, ONE - deduction * count)


def task_result(items: Iterable[WorkItem], *, quality_deduction: Decimal, late_deduction: Decimal) -> TaskResult:
    """Decree 335 §a–c over the converted items of one period.

    The loop is :func:`item_credit` inlined (a period is scored millions of times a year in a
    large agency); a property test checks that both give the same numbers.
    """
    kept = tuple(items)
    assigned = completed = quality = timeliness = ZERO
    for item in kept:
        factor = item.factor
        failures, late = item.quality_failures, item.late_count
        if factor <= ZERO:
            raise MethodInputError("item_factor_not_positive", code=item.code, factor=factor)
        if failures < 0 or late < 0:
            raise MethodInputError("item_negative_count", code=item.code)
        assigned += factor
        if not item.completed:
            continue
        completed += factor
        if item.objective_cause:
            quality += factor
            timeliness += factor
            continue
        quality += factor * remaining_share(quality_deduction, failures) if failures else factor
        timeliness += factor * remaining_share(late_deduction, late) if late else factor
    if assigned == ZERO:
        raise MethodInputError("no_items_assigned")
    return TaskResult(
        items=kept,
        assigned=assigned,
        completed=completed,
        quality_credit=quality,
        timeliness_credit=timeliness,
        quantity_percent=HUNDRED * completed / assigned,
        quality_percent=HUNDRED * quality / assigned,
        timeliness_percent=HUNDRED * timeliness / assigned,
    )


@dataclass(frozen=True, slots=True)
class TaskWeights:
    """How quantity, quality and timeliness combine (equal by default: (a + b + c) / 3)."""

    quantity: Decimal = ONE
    quality: Decimal = ONE
    timeliness: Decimal = ONE

    @property
    def total(self) -> Decimal:
        return self.quantity + self.quality + self.timeliness


def weighted_task_sum(result: TaskResult, weights: TaskWeights) -> Decimal:
    return (
        weights.quantity * result.quantity_percent
        + weights.quality * result.quality_percent
        + weights.timeliness * result.timeliness_percent
    )


def task_points(result: TaskResult, *, task_max: Decimal, weights: TaskWeights) -> Decimal:
    """``task_max × (wa·a + wb·b + wc·c) / (Σw × 100)``: 70 × (a + b + c) / 300 by default."""
    return task_max * weighted_task_sum(result, weights) / (weights.total * HUNDRED)


# --- Decree 335: a leader's unit component ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitInput:
    """The unit a leader is in charge of, for one period.

    ``further_percent`` is e of the six-component reading (RULES.md §2.1): a further unit
    criterion from the agency's own catalogue, 0–100. Nothing in the decree's text that we could
    read says what it is, so the engine never invents it: when it is not given, the
    six-component reading refuses to score unless the preset names what stands in for it
    (``leader_further_criterion``); the mean reading does not use it.
    """

    staff_share_complete_or_better: Decimal  # % of staff at HTNV or better, 0–100
    plan_percent: Decimal  # how the unit carried out its plan, 0–100
    further_percent: Decimal | None = None  # e of the six-component reading, 0–100


@dataclass(frozen=True, slots=True)
class UnitResult:
    staff_part: Decimal
    plan_percent: Decimal
    unit_percent: Decimal


def _check_unit(unit: UnitInput) -> None:
    for value in (unit.staff_share_complete_or_better, unit.plan_percent, unit.further_percent):
        if value is not None and not ZERO <= value <= HUNDRED:
            raise MethodInputError("percent_out_of_range", value=value)


def staff_part(share_complete_or_better: Decimal, *, part_if_any_not_complete: Decimal) -> Decimal:
    """100% of staff at HTNV or better counts 100; anyone at KHTNV makes that part count 50."""
    return HUNDRED if share_complete_or_better == HUNDRED else part_if_any_not_complete


def unit_component(
    unit: UnitInput,
    *,
    staff_part_if_any_not_complete: Decimal,
    staff_weight: Decimal,
    plan_weight: Decimal,
) -> UnitResult:
    """100% of staff at HTNV or better counts 100; anyone at KHTNV makes that part count 50."""
    _check_unit(unit)
    staff_part = HUNDRED if unit.staff_share_complete_or_better == HUNDRED else staff_part_if_any_not_complete
    unit_percent = (staff_weight * staff_part + plan_weight * unit.plan_percent) / (staff_weight + plan_weight)
    return UnitResult(staff_part=staff_part, plan_percent=unit.plan_percent, unit_percent=unit_percent)


def leader_task_points(
    own: TaskResult,
    unit: UnitResult,
    *,
    task_max: Decimal,
    weights: TaskWeights,
    own_weight: Decimal,
    unit_weight: Decimal,
) -> tuple[Decimal, Decimal, Decimal]:
    """A leader's task points from own items and the unit: returns (own %, combined %, points)."""
    own_percent = weighted_task_sum(own, weights) / weights.total
    combined = (own_weight * own_percent + unit_weight * unit.unit_percent) / (own_weight + unit_weight)
    return own_percent, combined, task_max * combined / HUNDRED


# The two readings of how a leader's own items and unit combine (preset ``leader_combination``).
OWN_AND_UNIT_MEAN = "own_and_unit_mean"  # (own % + unit %) / 2, with the preset's weights
SIX_COMPONENTS = "six_components"  # (a + b + c + d + đ + e) / 6, equal weights
# What stands in for e when the agency records none (preset ``leader_further_criterion``).
FURTHER_REQUIRED = "required"  # no stand-in: the six-component reading refuses to score
FURTHER_PLAN_STANDS_IN = "plan_stands_in"  # đ, the unit's plan completion, is counted again as e


@dataclass(frozen=True, slots=True)
class SixComponentResult:
    """The six-component reading: the leader's own a, b, c, and the unit's d, đ, e (percent)."""

    staff_share: Decimal  # the input behind d
    staff_part: Decimal  # d: 100, or the preset's part when anyone is at KHTNV
    plan_percent: Decimal  # đ
    further_percent: Decimal  # e
    further_stands_in: bool  # e was not given: the preset let đ stand in for it
    mean_percent: Decimal  # (a + b + c + d + đ + e) / 6


def leader_six_components(
    own: TaskResult,
    unit: UnitInput,
    *,
    task_max: Decimal,
    staff_part_if_any_not_complete: Decimal,
    further_criterion: str,
) -> tuple[SixComponentResult, Decimal]:
    """``task_max × (a + b + c + d + đ + e) / 6 / 100``, in that order (the explanation's formula).

    The six are equal: the preset's task weights and leader weights belong to the other reading.
    Without e, the preset's ``leader_further_criterion`` decides: ``required`` refuses
    (``leader_further_criterion_missing``), ``plan_stands_in`` counts đ again as e, and says so."""
    _check_unit(unit)
    d = staff_part(unit.staff_share_complete_or_better, part_if_any_not_complete=staff_part_if_any_not_complete)
    further, stands_in = unit.further_percent, False
    if further is None:
        if further_criterion != FURTHER_PLAN_STANDS_IN:
            raise MethodInputError("leader_further_criterion_missing")
        further, stands_in = unit.plan_percent, True
    total = own.quantity_percent + own.quality_percent + own.timeliness_percent + d + unit.plan_percent + further
    result = SixComponentResult(
        staff_share=unit.staff_share_complete_or_better,
        staff_part=d,
        plan_percent=unit.plan_percent,
        further_percent=further,
        further_stands_in=stands_in,
        mean_percent=total / 6,
    )
    return result, task_max * total / 6 / HUNDRED


# --- Anchored rating scale -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnchoredScale:
    """Levels 1..N, each with the observable behaviour that earns it."""

    anchors: tuple[str, ...]  # anchors[0] describes level 1

    @property
    def top(self) -> int:
        return len(self.anchors)


def anchored_rating_percent(rating: int, scale: AnchoredScale) -> Decimal:
    """Level 1 is 0%, level N is 100%, linear in between: ``100 × (r − 1) / (N − 1)``."""
    if scale.top < 2:
        raise MethodInputError("scale_too_short", levels=scale.top)
    if not 1 <= rating <= scale.top:
        raise MethodInputError("rating_out_of_range", value=rating, maximum=scale.top)
    return HUNDRED * (rating - 1) / (scale.top - 1)


# --- General criteria: points per sub-criterion, bounded -------------------------------------


@dataclass(frozen=True, slots=True)
class SubCriterion:
    """A share of the general-criteria points; with ``anchors``, rated on an anchored scale.

    ``anchors[0]`` is the (Vietnamese, English) observable behaviour that earns level 1, the last
    one level N. A sub-criterion without anchors is given in points only.
    """

    code: str
    max_points: Decimal
    name_vi: str
    name_en: str
    anchors: tuple[tuple[str, str], ...] = ()

    @property
    def scale(self) -> AnchoredScale:
        return AnchoredScale(tuple(vietnamese for vietnamese, _ in self.anchors))


@dataclass(frozen=True, slots=True)
class GeneralCriteriaResult:
    points: tuple[tuple[str, Decimal], ...]  # (sub-criterion code, points) in preset order
    total: Decimal
    levels: tuple[tuple[str, int], ...] = ()  # (code, level) when the points came from levels


def general_criteria_points(
    points: Mapping[str, Decimal], subcriteria: Sequence[SubCriterion]
) -> GeneralCriteriaResult:
    """Each sub-criterion's points must lie within 0 and its maximum; the total is their sum."""
    known = {criterion.code for criterion in subcriteria}
    for code in points:
        if code not in known:
            raise MethodInputError("unknown_subcriterion", code=code)
    kept: list[tuple[str, Decimal]] = []
    total = ZERO
    for criterion in subcriteria:
        if criterion.code not in points:
            raise MethodInputError("missing_subcriterion", code=criterion.code)
        value = points[criterion.code]
        if not ZERO <= value <= criterion.max_points:
            raise MethodInputError(
                "points_out_of_range", code=criterion.code, value=value, maximum=criterion.max_points
            )
        kept.append((criterion.code, value))
        total += value
    return GeneralCriteriaResult(points=tuple(kept), total=total)


def subcriterion_level_points(criterion: SubCriterion, level: object) -> Decimal:
    """Points earned at ``level`` of the sub-criterion's anchored scale:
    ``max_points × anchored_rating_percent(level) / 100`` (level 1 = 0, level N = max_points)."""
    if len(criterion.anchors) < 2:
        raise MethodInputError("subcriterion_without_levels", code=criterion.code)
    top = len(criterion.anchors)
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= top:
        raise MethodInputError("subcriterion_level_out_of_range", code=criterion.code, value=level, maximum=top)
    return criterion.max_points * anchored_rating_percent(level, criterion.scale) / HUNDRED


def general_criteria_from_levels(
    levels: Mapping[str, object], subcriteria: Sequence[SubCriterion]
) -> GeneralCriteriaResult:
    """Every sub-criterion rated on its anchored scale: the points of each level, and their sum.

    Checked like :func:`general_criteria_points`: an unknown code first, then each sub-criterion
    in preset order (it must have levels, be rated, and the level lie within 1..N).
    """
    known = {criterion.code for criterion in subcriteria}
    for code in levels:
        if code not in known:
            raise MethodInputError("unknown_subcriterion", code=code)
    kept: list[tuple[str, Decimal]] = []
    rated: list[tuple[str, int]] = []
    total = ZERO
    for criterion in subcriteria:
        if criterion.code not in levels:
            missing = "missing_subcriterion_level" if criterion.anchors else "subcriterion_without_levels"
            raise MethodInputError(missing, code=criterion.code)
        level = levels[criterion.code]
        points = subcriterion_level_points(criterion, level)
        kept.append((criterion.code, points))
        rated.append((criterion.code, level))  # type: ignore[arg-type]  # checked to be an int above
        total += points
    return GeneralCriteriaResult(points=tuple(kept), total=total, levels=tuple(rated))


# --- Target versus actual --------------------------------------------------------------------


class Direction(str, Enum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


@dataclass(frozen=True, slots=True)
class TargetRule:
    direction: Direction = Direction.HIGHER_IS_BETTER
    cap_percent: Decimal = HUNDRED  # achievement above this earns no more
    partial_credit: bool = True  # False: anything short of the target earns 0
    floor_percent: Decimal = ZERO  # achievement below this earns 0


def target_achievement_percent(target: Decimal, actual: Decimal, rule: TargetRule) -> Decimal:
    """Achievement of a target, in percent, capped; a zero target is simply met or missed.

    Dividing by a zero target has no meaning, so a zero target is met (100%) when the actual is
    not worse than it — any amount when higher is better, exactly zero when lower is better.
    A zero actual against a positive lower-is-better target is the best possible: the cap.
    """
    if target < ZERO or actual < ZERO:
        raise MethodInputError("negative_target_or_actual", target=target, actual=actual)
    higher = rule.direction is Direction.HIGHER_IS_BETTER
    if target == ZERO:
        met = actual >= target if higher else actual <= target
        achievement = HUNDRED if met else ZERO
    elif higher:
        achievement = HUNDRED * actual / target
    elif actual == ZERO:
        achievement = rule.cap_percent
    else:
        achievement = HUNDRED * target / actual
    achievement = min(achievement, rule.cap_percent)
    if not rule.partial_credit and achievement < HUNDRED:
        return ZERO
    if achievement < rule.floor_percent:
        return ZERO
    return achievement


# --- Checklist -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    label: str
    weight: Decimal
    done: bool


def checklist_percent(items: Sequence[ChecklistItem]) -> Decimal:
    """Weighted share of the items done: ``100 × Σ done weights / Σ weights``."""
    total = sum((item.weight for item in items), ZERO)
    if total <= ZERO or any(item.weight < ZERO for item in items):
        raise MethodInputError("checklist_weights")
    done = sum((item.weight for item in items if item.done), ZERO)
    return HUNDRED * done / total


# --- Bounded points with deductions and bonuses ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Adjustment:
    reason: str
    points: Decimal  # positive: bonus; negative: deduction


def bounded_points(base: Decimal, adjustments: Sequence[Adjustment], *, minimum: Decimal, maximum: Decimal) -> Decimal:
    """``min(maximum, max(minimum, base + Σ adjustments))``: deductions never go below the floor."""
    if minimum > maximum:
        raise MethodInputError("bounds_inverted", minimum=minimum, maximum=maximum)
    total = base + sum((adjustment.points for adjustment in adjustments), ZERO)
    return min(maximum, max(minimum, total))
