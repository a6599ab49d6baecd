"""What the rest of the product calls, in-process.

- :func:`period_score` — one person's score for one period (Decree 335) from work items and
  general-criteria points, with every intermediate value kept.
- :func:`classify_cohort` — yearly levels for a cohort: score or criteria, overriding facts,
  quota per unit and per group; the result explains each person on demand.
- :func:`load_policy` — a shipped preset by id, or an agency's own preset file, with overrides.
- :func:`general_levels` — each general sub-criterion's anchored scale (the behaviour and the
  points of every level), for the pages where people rate; :func:`general_points_from_levels` —
  the points of the levels chosen.

Everything runs in the engine's own Decimal context, whatever the caller's.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, Rounded, getcontext, localcontext
from itertools import compress
from operator import attrgetter, mul, not_

from congtam.scoring.classify import (
    Classification,
    CriteriaInput,
    PeriodDetail,
    PeriodScore,
    Person,
    classify_criteria,
    classify_points,
)
from congtam.scoring.classify import pivotal_periods as _pivotal_periods
from congtam.scoring.decimals import ENGINE_CONTEXT, HUNDRED, ONE, ZERO
from congtam.scoring.explain.build import Node, explanation_tree
from congtam.scoring.explain.reasons import reasons
from congtam.scoring.methods import (
    SIX_COMPONENTS,
    GeneralCriteriaResult,
    MethodInputError,
    UnitInput,
    WorkItem,
    general_criteria_from_levels,
    general_criteria_points,
    leader_six_components,
    leader_task_points,
    remaining_share,
    subcriterion_level_points,
    task_points,
    task_result,
    unit_component,
)
from congtam.scoring.policy import POINTS, Policy, load_preset
from congtam.scoring.quota import Outcome, QuotaScope, apply_quota


@contextmanager
def _bulk_work() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    A 100,000-person cohort allocates millions of tuples and dicts; each allocation burst would
    otherwise trigger full collections that find nothing (reference counting frees them all).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_policy(policy_id_or_path: str, overrides: Iterable[tuple[str, str]] = ()) -> Policy:
    policy = load_preset(policy_id_or_path)
    overrides = list(overrides)
    return policy.with_overrides(overrides) if overrides else policy


@dataclass(frozen=True, slots=True)
class PeriodInput:
    """One person's period (Decree 335): work items, general criteria, and for a leader the unit
    in their charge.

    The general criteria come either as points — ``general_points`` maps sub-criterion code to
    points, or is a single total — or as levels: ``general_levels`` maps each sub-criterion code
    to the level (1..N) chosen on its anchored scale, and the engine converts them to points (the
    explanation then shows each level and its scale). With levels, ``general_points`` is best
    left out; if given, it must equal the converted points, or the period is refused.
    """

    period: str
    items: tuple[WorkItem, ...]
    general_points: Mapping[str, Decimal] | Decimal | None = None
    unit: UnitInput | None = None
    general_levels: Mapping[str, int] | None = None


def _general(period: PeriodInput, policy: Policy) -> GeneralCriteriaResult:
    if period.general_levels is not None:
        result = general_criteria_from_levels(period.general_levels, policy.subcriteria)
        if period.general_points is not None:
            _check_points_match_levels(period.general_points, result)
        return result
    points = period.general_points
    if points is None:
        raise MethodInputError("general_criteria_missing", period=period.period)
    if isinstance(points, Decimal):
        maximum = policy.settings.decimal("general_criteria_max_points")
        if not ZERO <= points <= maximum:
            raise MethodInputError("points_out_of_range", code="total", value=points, maximum=maximum)
        return GeneralCriteriaResult(points=(("total", points),), total=points)
    return general_criteria_points(points, policy.subcriteria)


def _check_points_match_levels(given: Mapping[str, Decimal] | Decimal, converted: GeneralCriteriaResult) -> None:
    """Points given alongside levels must be the levels' own points (per code, or their total)."""
    if isinstance(given, Decimal):
        if given != converted.total:
            raise MethodInputError(
                "general_points_disagree_with_levels", code="total", given=given, expected=converted.total
            )
        return
    expected = dict(converted.points)
    for code in given:
        if code not in expected:
            raise MethodInputError("unknown_subcriterion", code=code)
    for code, points in converted.points:
        if given.get(code) != points:
            raise MethodInputError(
                "general_points_disagree_with_levels", code=code, given=given.get(code, "—"), expected=points
            )


def general_points_from_levels(levels: Mapping[str, int], policy: Policy) -> dict[str, Decimal]:
    """Points per sub-criterion from the level chosen on each anchored scale:
    ``max_points × anchored_rating_percent(level) / 100`` — level 1 earns 0, level N the maximum.

    Every sub-criterion of the policy must be rated; raises :class:`MethodInputError`
    (``unknown_subcriterion``, ``missing_subcriterion_level``, ``subcriterion_without_levels``,
    ``subcriterion_level_out_of_range``) otherwise."""
    if policy.model != POINTS:
        raise MethodInputError("policy_not_points", policy=policy.id)
    with localcontext(ENGINE_CONTEXT):
        return dict(general_criteria_from_levels(levels, policy.subcriteria).points)


def general_levels(policy: Policy) -> list[dict[str, object]]:
    """Each general sub-criterion with its anchored scale, in preset order, for the rating pages::

        {"code", "name_vi", "name_en", "max_points",
         "levels": [{"level": 1, "points": Decimal("0"), "vi": …, "en": …}, …]}

    ``levels`` is empty for a sub-criterion the preset gives no levels (rated in points only)."""
    if policy.model != POINTS:
        raise MethodInputError("policy_not_points", policy=policy.id)
    with localcontext(ENGINE_CONTEXT):
        return [
            {
                "code": criterion.code,
                "name_vi": criterion.name_vi,
                "name_en": criterion.name_en,
                "max_points": criterion.max_points,
                "levels": [
                    {
                        "level": level,
                        "points": subcriterion_level_points(criterion, level),
                        "vi": vietnamese,
                        "en": english,
                    }
                    for level, (vietnamese, english) in enumerate(criterion.anchors, start=1)
                ],
            }
            for criterion in policy.subcriteria
        ]


def period_score(period: PeriodInput, *, policy: Policy, is_leader: bool = False) -> PeriodScore:
    """General criteria (≤ 30) + task results (≤ 70); leaders also answer for their unit.

    The score is computed at once; its detail (every intermediate value, for the explanation) is
    recomputed from the kept input when read — see :class:`DeferredPeriodDetail`."""
    if policy.model != POINTS:
        raise MethodInputError("policy_not_points", policy=policy.id)
    with localcontext(ENGINE_CONTEXT):
        return _period_score_deferred(period, policy, is_leader)


def period_scores(
    periods: Iterable[PeriodInput], *, policy: Policy, is_leader: bool = False
) -> tuple[PeriodScore, ...]:
    """:func:`period_score` for each of one person's periods, in one arithmetic context."""
    if policy.model != POINTS:
        raise MethodInputError("policy_not_points", policy=policy.id)
    with localcontext(ENGINE_CONTEXT):
        return tuple([_period_score_deferred(period, policy, is_leader) for period in periods])


class DeferredPeriodDetail:
    """A period's :class:`PeriodDetail`, recomputed on demand from the period's own input.

    A cohort scored from work items keeps, per period, only its input (the items, the general
    points, the unit) and its score; the detail behind an explanation — each item's credits, a, b,
    c, the task points — is computed again, by the same code and in the same context, when it is
    read. Reading an attribute (``detail.task``) works as on a :class:`PeriodDetail`;
    :meth:`resolve` gives the whole detail at once.
    """

    __slots__ = ("is_leader", "policy", "source")

    def __init__(self, source: PeriodInput, policy: Policy, is_leader: bool) -> None:
        self.source = source
        self.policy = policy
        self.is_leader = is_leader

    def resolve(self) -> PeriodDetail:
        with localcontext(ENGINE_CONTEXT):
            detail = _period_score(self.source, self.policy, self.is_leader).detail
        assert detail is not None
        return detail

    def __getattr__(self, name: str) -> object:
        if name in DeferredPeriodDetail.__slots__ or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.resolve(), name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredPeriodDetail):
            other = other.resolve()
        return self.resolve() == other if isinstance(other, PeriodDetail) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.resolve())

    def __repr__(self) -> str:
        return repr(self.resolve())


def _period_score_deferred(period: PeriodInput, policy: Policy, is_leader: bool) -> PeriodScore:
    score = _fast_score(period, policy, is_leader)
    if score is None:
        # Anything unusual (a bad input, a leader's unit, a sum that would round): the reference
        # computation decides, and raises the same errors in the same order.
        score = _period_score(period, policy, is_leader).score
    return PeriodScore(period.period, score, DeferredPeriodDetail(period, policy, is_leader))


_FACTOR = attrgetter("factor")
_COMPLETED = attrgetter("completed")
_FAILURES = attrgetter("quality_failures")
_LATE = attrgetter("late_count")
_CAUSE = attrgetter("objective_cause")
_SHARES: dict[int, tuple[Decimal, tuple[Decimal, ...]]] = {}


def _shares(deduction: Decimal) -> tuple[Decimal, ...]:
    """What is left of an item after n deductions, n = 0..15; index 0 is ONE (no deduction, the
    item counts its whole factor, as ``f`` itself: ``f * ONE`` has f's digits and exponent)."""
    cached = _SHARES.get(id(deduction))
    if cached is None or cached[0] is not deduction:  # keyed by the policy's own object
        cached = (deduction, (ONE, *(remaining_share(deduction, n) for n in range(1, 16))))
        if len(_SHARES) > 64:
            _SHARES.clear()
        _SHARES[id(deduction)] = cached
    return cached[1]


def _fast_score(period: PeriodInput, policy: Policy, is_leader: bool) -> Decimal | None:
    """The period score by the same formulas as :func:`_period_score`, without building the detail.

    The item sums are taken column by column (C-level loops) instead of item by item. Sums and
    products of Decimals are exact unless they round, and an exact sum's value and exponent do not
    depend on the order of its terms; so the context's ``Rounded`` flag is cleared first and checked
    after the sums: if anything rounded, ``None`` hands the period to the reference computation.
    The percentages and points are then the reference's very expressions, in its order.
    Returns ``None`` too for leaders with unit data and for any input the reference would refuse.
    """
    if is_leader and period.unit is not None:
        return None
    items = period.items
    if not items:
        return None
    values = policy.settings.values
    points = period.general_points
    try:
        if period.general_levels is not None:
            general_total = _general(period, policy).total
        elif isinstance(points, Decimal):
            if not ZERO <= points <= values["general_criteria_max_points"]:
                return None
            general_total = points
        else:
            general_total = general_criteria_points(points, policy.subcriteria).total
        factors = list(map(_FACTOR, items))
        done = list(map(_COMPLETED, items))
        failures = list(map(_FAILURES, items))
        late = list(map(_LATE, items))
        if not min(factors) > ZERO or min(failures) < 0 or min(late) < 0:
            return None
        quality_shares = _shares(values["quality_failure_deduction"])  # type: ignore[arg-type]
        late_shares = _shares(values["late_deduction"])  # type: ignore[arg-type]
        if max(failures) >= len(quality_shares) or max(late) >= len(late_shares):
            return None
        # An objective cause waives the deductions: index 0 (nothing deducted).
        waived = list(map(not_, map(_CAUSE, items)))
        context = getcontext()
        context.flags[Rounded] = False
        assigned = sum(factors, ZERO)
        done_factors = list(compress(factors, done))
        completed = sum(done_factors, ZERO)
        quality = sum(
            map(mul, done_factors, map(quality_shares.__getitem__, compress(map(mul, failures, waived), done))), ZERO
        )
        timeliness = sum(
            map(mul, done_factors, map(late_shares.__getitem__, compress(map(mul, late, waived), done))), ZERO
        )
        if context.flags[Rounded]:
            return None
    except (TypeError, ValueError, ArithmeticError, IndexError, MethodInputError):
        return None
    quantity_percent = HUNDRED * completed / assigned
    quality_percent = HUNDRED * quality / assigned
    timeliness_percent = HUNDRED * timeliness / assigned
    weights = policy.settings.task_weights
    assert weights is not None
    weighted = (
        weights.quantity * quantity_percent
        + weights.quality * quality_percent
        + weights.timeliness * timeliness_percent
    )
    task_points = values["task_max_points"] * weighted / (weights.total * HUNDRED)  # type: ignore[operator]
    return general_total + task_points


def _period_score(period: PeriodInput, policy: Policy, is_leader: bool) -> PeriodScore:
    settings = policy.settings
    values = settings.values
    general = _general(period, policy)
    task = task_result(
        period.items,
        quality_deduction=values["quality_failure_deduction"],  # type: ignore[arg-type]
        late_deduction=values["late_deduction"],  # type: ignore[arg-type]
    )
    weights = settings.task_weights
    assert weights is not None
    task_max: Decimal = values["task_max_points"]  # type: ignore[assignment]
    if is_leader and period.unit is not None and values["leader_combination"] == SIX_COMPONENTS:
        six, points = leader_six_components(
            task,
            period.unit,
            task_max=task_max,
            staff_part_if_any_not_complete=values["leader_staff_part_if_any_not_complete"],  # type: ignore[arg-type]
            further_criterion=values["leader_further_criterion"],  # type: ignore[arg-type]
        )
        detail = PeriodDetail(general, task, points, six_components=six)
    elif is_leader and period.unit is not None:
        unit = unit_component(
            period.unit,
            staff_part_if_any_not_complete=values["leader_staff_part_if_any_not_complete"],  # type: ignore[arg-type]
            staff_weight=values["leader_unit_staff_weight"],  # type: ignore[arg-type]
            plan_weight=values["leader_unit_plan_weight"],  # type: ignore[arg-type]
        )
        own, combined, points = leader_task_points(
            task,
            unit,
            task_max=task_max,
            weights=weights,
            own_weight=values["leader_own_items_weight"],  # type: ignore[arg-type]
            unit_weight=values["leader_unit_weight"],  # type: ignore[arg-type]
        )
        detail = PeriodDetail(general, task, points, unit, period.unit.staff_share_complete_or_better, own, combined)
    else:
        points = task_points(task, task_max=task_max, weights=weights)
        detail = PeriodDetail(general, task, points, leader_without_unit=is_leader)
    return PeriodScore(period.period, general.total + points, detail)


@dataclass(frozen=True, slots=True)
class CohortMember:
    """A person and their year: period scores (points model) or criteria (criteria model)."""

    person: Person
    periods: tuple[PeriodScore, ...] = ()
    criteria: CriteriaInput | None = None


@dataclass(frozen=True, slots=True)
class CohortResult:
    """Proposed levels in ranking order (best first, then the declared tie-break: the same order
    whatever the input order), and the quota per scope, groups first. Explanations and reasons
    are built on demand from the kept values."""

    policy: Policy
    outcomes: tuple[Outcome, ...]
    scopes: tuple[QuotaScope, ...]
    scope_map: Mapping[tuple[str, str], QuotaScope] = field(repr=False)

    def outcome(self, staff_code: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.staff_code == staff_code:
                return outcome
        raise KeyError(staff_code)

    def explanation(self, outcome: Outcome) -> Node:
        with localcontext(ENGINE_CONTEXT):
            return explanation_tree(outcome, self.policy, self.scope_map)

    def explanations(self) -> list[Node]:
        """Every person's tree, in the outcomes' order (for JSON output and explain-check)."""
        with _bulk_work(), localcontext(ENGINE_CONTEXT):
            return [explanation_tree(outcome, self.policy, self.scope_map) for outcome in self.outcomes]

    def reasons(self, outcome: Outcome, lang: str = "vi") -> list[str]:
        return reasons(outcome, self.policy, self.scope_map, lang)


def pivotal_periods(periods: Sequence[PeriodScore], policy: Policy) -> tuple[PeriodScore, ...]:
    """The period scores whose omission alone would change the yearly band (points model)."""
    return _pivotal_periods(periods, policy.settings)


def classify_member(member: CohortMember, policy: Policy) -> Classification:
    if policy.model == POINTS:
        return classify_points(member.person, member.periods, policy.settings)
    return classify_criteria(member.person, member.criteria, policy.settings)


def classify_cohort(members: Iterable[CohortMember], policy: Policy) -> CohortResult:
    """Classify everyone, then apply the quota per unit and per group."""
    with _bulk_work(), localcontext(ENGINE_CONTEXT):
        seen: set[str] = set()
        classifications = []
        for member in members:
            code = member.person.staff_code
            if code in seen:
                raise MethodInputError("duplicate_staff_code", staff_code=code)
            seen.add(code)
            classifications.append(classify_member(member, policy))
        outcomes, scopes = apply_quota(classifications, policy.settings)
    return CohortResult(policy, tuple(outcomes), tuple(scopes), {(s.kind, s.name): s for s in scopes})
