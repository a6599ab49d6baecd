"""What the rest of the product calls, in-process.

- :func:`period_score` — one person's score for one period (Decree 335) from work items and
  general-criteria points, with every intermediate value kept.
- :func:`classify_cohort` — yearly levels for a cohort: score or criteria, overriding facts,
  quota per unit and per group; the result explains each person on demand.
- :func:`load_policy` — a shipped preset by id, or an agency's own preset file, with overrides.

Everything runs in the engine's own Decimal context, whatever the caller's.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from congtam.scoring.classify import (
    Classification,
    CriteriaInput,
    PeriodDetail,
    PeriodScore,
    Person,
    classify_criteria,
    classify_points,
)
from congtam.scoring.decimals import ENGINE_CONTEXT, ZERO
from congtam.scoring.explain import Node, explanation_tree, reasons
from congtam.scoring.methods import (
    GeneralCriteriaResult,
    MethodInputError,
    UnitInput,
    WorkItem,
    general_criteria_points,
    leader_task_points,
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
    """One person's period (Decree 335): work items, general-criteria points, and for a leader
    the unit in their charge. ``general_points`` maps sub-criterion code to points, or is a single
    total for all general criteria."""

    period: str
    items: tuple[WorkItem, ...]
    general_points: Mapping[str, Decimal] | Decimal
    unit: UnitInput | None = None


def _general(points: Mapping[str, Decimal] | Decimal, policy: Policy) -> GeneralCriteriaResult:
    if isinstance(points, Decimal):
        maximum = policy.settings.decimal("general_criteria_max_points")
        if not ZERO <= points <= maximum:
            raise MethodInputError("points_out_of_range", code="total", value=points, maximum=maximum)
        return GeneralCriteriaResult(points=(("total", points),), total=points)
    return general_criteria_points(points, policy.subcriteria)


def period_score(period: PeriodInput, *, policy: Policy, is_leader: bool = False) -> PeriodScore:
    """General criteria (≤ 30) + task results (≤ 70); leaders also answer for their unit."""
    if policy.model != POINTS:
        raise MethodInputError("policy_not_points", policy=policy.id)
    with localcontext(ENGINE_CONTEXT):
        return _period_score(period, policy, is_leader)


def _period_score(period: PeriodInput, policy: Policy, is_leader: bool) -> PeriodScore:
    settings = policy.settings
    values = settings.values
    general = _general(period.general_points, policy)
    task = task_result(
        period.items,
        quality_deduction=values["quality_failure_deduction"],  # type: ignore[arg-type]
        late_deduction=values["late_deduction"],  # type: ignore[arg-type]
    )
    weights = settings.task_weights
    assert weights is not None
    task_max: Decimal = values["task_max_points"]  # type: ignore[assignment]
    if is_leader and period.unit is not None:
        unit = unit_component(
            period.unit,
            staff_part_if_any_not_complete=values["leader_staff_part_if_any_not_complete"],  # type: ignore[arg-type]
            staff_weight=values["leader_unit_staff_weight"],  # type: ignore[arg-type]
            plan_weight=values["leader_unit_plan_weight"],  # type: ignore[arg-type]
        )
        own, combined, points = leader_task_points(
            task, unit, task_max=task_max, weights=weights,
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
