"""The yearly level of one person: score or criteria, then the overriding facts.

Quota is applied afterwards, over the whole cohort (:mod:`congtam.scoring.quota`): here a person
only *qualifies* for a level. Each rule that changes the level is recorded as a :class:`RuleFiring`
with the facts it used, so that the explanation can show it and explain-check can redo it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter

from congtam.scoring.decimals import HUNDRED, ZERO, exact_text
from congtam.scoring.levels import Level
from congtam.scoring.methods import (
    GeneralCriteriaResult,
    MethodInputError,
    SixComponentResult,
    TaskResult,
    UnitResult,
)
from congtam.scoring.policy import CRITERIA, DISCIPLINE_MEASURES, POINTS, PolicySettings

TWELVE = Decimal(12)


@dataclass(frozen=True, slots=True)
class Facts:
    """Facts of the year that override scores (RULES.md §2.2, §3.3), each backed by a decision."""

    months_worked: Decimal = TWELVE
    months_absent: Decimal = ZERO  # lawful absence other than maternity
    months_maternity: Decimal = ZERO
    discipline: str | None = None  # a code of policy.DISCIPLINE_MEASURES, or None
    # The violation behind ``discipline`` was already used to classify the person KHTNV in an
    # earlier year (RULES.md §3.3): the measure is recorded but does not count again.
    discipline_already_counted: bool = False
    degradation: bool = False  # competent authority's conclusion of degradation
    corruption_in_unit: bool = False  # leaders: corruption or waste in a unit in their direct charge


@dataclass(frozen=True, slots=True)
class Person:
    staff_code: str
    full_name: str
    unit: str
    group: str  # group with similar duties, for the quota
    is_leader: bool = False
    facts: Facts = Facts()
    quota_exception: str = ""  # reference of a recorded quota-exception decision for the group


@dataclass(frozen=True, slots=True)
class PeriodDetail:
    """How a period score was computed from work items and general-criteria points."""

    general: GeneralCriteriaResult
    task: TaskResult
    task_points: Decimal
    unit: UnitResult | None = None  # leaders only, when unit data was given
    unit_staff_share: Decimal | None = None  # the input behind unit.staff_part
    own_percent: Decimal | None = None  # leaders with unit data: own-items percentage
    combined_percent: Decimal | None = None
    leader_without_unit: bool = False  # a leader scored on own items only: no unit data given
    six_components: SixComponentResult | None = None  # leaders, preset reading "six_components"


@dataclass(frozen=True, slots=True)
class PeriodScore:
    period: str
    score: Decimal
    detail: PeriodDetail | None = None  # None: the score was given, not computed


@dataclass(frozen=True, slots=True)
class LeaderUnitCriteria:
    """Criteria model: the unit or field a leader is in charge of (percentages 0–100)."""

    targets_completed_percent: Decimal
    targets_exceeded_percent: Decimal
    on_time_percent: Decimal
    subunits_complete_or_better_percent: Decimal | None = None  # None: no units directly managed
    subunits_good_or_better_percent: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CriteriaInput:
    """Criteria model: the person's own task results for the year (percentages 0–100)."""

    shared_criteria_met: bool
    completion_percent: Decimal
    exceeded_percent: Decimal
    short_percent: Decimal
    unit: LeaderUnitCriteria | None = None


@dataclass(frozen=True, slots=True)
class Condition:
    subject: str  # message key of what is measured
    value: Decimal
    operator: str  # one of >=, >, <=, <
    bound: Decimal
    parameter: str  # the policy parameter giving the bound, or "" for a fixed bound
    holds: bool


@dataclass(frozen=True, slots=True)
class LevelTest:
    level: Level
    mode: str  # "all": every condition must hold; "any": one is enough
    conditions: tuple[Condition, ...]
    holds: bool


@dataclass(frozen=True, slots=True)
class CriteriaVerdict:
    tests: tuple[LevelTest, ...]
    fallback: Level  # the level when no test holds (criteria_gap_level)
    level: Level


@dataclass(frozen=True, slots=True)
class CriteriaAssessment:
    staff: CriteriaVerdict
    unit: CriteriaVerdict | None
    level: Level


@dataclass(frozen=True, slots=True)
class RuleFiring:
    rule: str  # message key of the rule
    effect: str  # "not_classified", "set", "cap", or "none" (a fact recorded that changes nothing)
    level: Level
    before: Level
    after: Level
    conditions: tuple[Condition, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """The level a person qualifies for, before the quota."""

    person: Person
    model: str
    score: Decimal | None  # points model: the yearly score, exact
    rank_score: Decimal  # what the quota ranks by: the score, or the exceeded share (criteria)
    band: Level | None  # level from thresholds or criteria, before overriding facts
    qualified: Level
    rules: tuple[RuleFiring, ...]
    periods: tuple[PeriodScore, ...] = ()
    criteria: CriteriaAssessment | None = None


# --- points model -----------------------------------------------------------------------------


def yearly_score(periods: Sequence[PeriodScore]) -> Decimal:
    """The average of the period scores actually earned (transfers bring theirs along)."""
    return sum((period.score for period in periods), ZERO) / len(periods)


def pivotal_periods(periods: Sequence[PeriodScore], settings: PolicySettings) -> tuple[PeriodScore, ...]:
    """The period scores the yearly band hangs on: leaving out any one of them alone would move the
    average into another band. A single rater's judgement of one period then decides the year,
    which calibration should look at. Leaving out x gives (S − x) / (n − 1), falling as x rises:
    if leaving out neither the lowest nor the highest score moves the band, none does."""
    if len(periods) < 2:
        return ()
    total = sum((period.score for period in periods), ZERO)
    count = len(periods)
    band = points_band(total / count, settings)
    others = count - 1

    def moves(period: PeriodScore) -> bool:
        return points_band((total - period.score) / others, settings) != band

    lowest = min(periods, key=attrgetter("score"))
    highest = max(periods, key=attrgetter("score"))
    if not moves(lowest) and not moves(highest):
        return ()
    return tuple(period for period in periods if moves(period))


def points_band(score: Decimal, settings: PolicySettings) -> Level:
    """Thresholds without rounding: 89.75 is HTTNV."""
    values = settings.values
    if score >= values["threshold_excellent"]:
        return Level.EXCELLENT
    if score >= values["threshold_good"]:
        return Level.GOOD
    if score >= values["threshold_complete"]:
        return Level.COMPLETE
    return Level.NOT_COMPLETE


# Period scores already seen within 0..100. A set of values (equal Decimals are equally in
# range, whatever their exponent): one hashed look-up per score instead of two comparisons.
_WITHIN_0_100: set[Decimal] = set()


def _known_within_0_100(scores: list[Decimal]) -> bool:
    try:
        return _WITHIN_0_100.issuperset(scores)
    except TypeError:  # a signalling NaN cannot be hashed: let the comparisons decide
        return False


def classify_points(person: Person, periods: Sequence[PeriodScore], settings: PolicySettings) -> Classification:
    not_classified = _short_service(person.facts, settings)
    if not periods:
        if not_classified is None:
            raise MethodInputError("no_period_scores", staff_code=person.staff_code)
        return Classification(person, POINTS, None, ZERO, None, Level.NOT_CLASSIFIED, (not_classified,), ())
    scores = [period.score for period in periods]
    if not _known_within_0_100(scores):
        if min(scores) < ZERO or max(scores) > HUNDRED:
            bad = next(period for period in periods if not ZERO <= period.score <= HUNDRED)
            raise MethodInputError("period_score_out_of_range", period=bad.period, value=bad.score)
        if len(_WITHIN_0_100) < 65536:
            _WITHIN_0_100.update(scores)
    score = sum(scores, ZERO) / len(scores)
    band = points_band(score, settings)
    periods = tuple(periods)
    if not_classified is not None:
        rules: tuple[RuleFiring, ...] = (_replace_before(not_classified, band),)
        return Classification(person, POINTS, score, score, band, Level.NOT_CLASSIFIED, rules, periods)
    level, rules = _apply_facts(band, person, settings)
    return Classification(person, POINTS, score, score, band, level, rules, periods)


# --- criteria model ---------------------------------------------------------------------------


def _condition(subject: str, value: Decimal, operator: str, bound: Decimal, parameter: str = "") -> Condition:
    return Condition(subject, value, operator, bound, parameter, compare(value, operator, bound))


def compare(value: Decimal, operator: str, bound: Decimal) -> bool:
    if operator == ">=":
        return value >= bound
    if operator == ">":
        return value > bound
    if operator == "<=":
        return value <= bound
    if operator == "<":
        return value < bound
    raise ValueError(operator)


def _test(level: Level, mode: str, conditions: Sequence[Condition]) -> LevelTest:
    outcome = all(c.holds for c in conditions) if mode == "all" else any(c.holds for c in conditions)
    return LevelTest(level, mode, tuple(conditions), outcome)


def _verdict(tests: Sequence[LevelTest], fallback: Level) -> CriteriaVerdict:
    for test in tests:
        if test.holds:
            return CriteriaVerdict(tuple(tests), fallback, test.level)
    return CriteriaVerdict(tuple(tests), fallback, fallback)


def staff_criteria_verdict(criteria: CriteriaInput, settings: PolicySettings) -> CriteriaVerdict:
    """RULES.md §3.1: a member of staff, from the share of tasks done, exceeded and short."""
    values = settings.values
    shared = _condition("shared_criteria_met", Decimal(int(criteria.shared_criteria_met)), ">=", Decimal(1))
    all_done = _condition("completion_percent", criteria.completion_percent, ">=", HUNDRED)
    none_short = _condition("short_percent", criteria.short_percent, "<=", ZERO)
    tests = [
        _test(
            Level.EXCELLENT,
            "all",
            [
                shared,
                all_done,
                none_short,
                _condition(
                    "exceeded_percent",
                    criteria.exceeded_percent,
                    ">=",
                    values["excellent_minimum_exceeded_percent"],
                    "excellent_minimum_exceeded_percent",
                ),
            ],
        ),
        _test(Level.GOOD, "all", [shared, all_done, none_short]),
        _test(
            Level.COMPLETE,
            "all",
            [
                shared,
                all_done,
                _condition(
                    "short_percent",
                    criteria.short_percent,
                    "<=",
                    values["complete_maximum_short_percent"],
                    "complete_maximum_short_percent",
                ),
            ],
        ),
        _test(
            Level.NOT_COMPLETE,
            "any",
            [
                _condition(
                    "short_percent",
                    criteria.short_percent,
                    ">",
                    values["not_complete_short_over_percent"],
                    "not_complete_short_over_percent",
                )
            ],
        ),
    ]
    return _verdict(tests, Level(values["criteria_gap_level"]))


def unit_criteria_verdict(unit: LeaderUnitCriteria, settings: PolicySettings) -> CriteriaVerdict:
    """RULES.md §3.2: the unit in a leader's charge; sub-unit conditions only if there are any."""
    values = settings.values

    def subunits(kind: str, operator: str, parameter: str) -> list[Condition]:
        share = unit.subunits_complete_or_better_percent if kind == "complete" else unit.subunits_good_or_better_percent
        if share is None:
            return []
        subject = "subunits_complete_percent" if kind == "complete" else "subunits_good_percent"
        return [_condition(subject, share, operator, values[parameter], parameter)]

    all_targets = _condition("unit_targets_completed_percent", unit.targets_completed_percent, ">=", HUNDRED)
    tests = [
        _test(
            Level.EXCELLENT,
            "all",
            [
                all_targets,
                _condition(
                    "unit_targets_exceeded_percent",
                    unit.targets_exceeded_percent,
                    ">=",
                    values["leader_excellent_unit_minimum_exceeded_percent"],
                    "leader_excellent_unit_minimum_exceeded_percent",
                ),
                *subunits("complete", ">=", "leader_excellent_subunits_minimum_complete_percent"),
                *subunits("good", ">=", "leader_excellent_subunits_minimum_good_percent"),
            ],
        ),
        _test(
            Level.GOOD,
            "all",
            [
                all_targets,
                _condition(
                    "unit_on_time_percent",
                    unit.on_time_percent,
                    ">=",
                    values["leader_good_unit_minimum_on_time_percent"],
                    "leader_good_unit_minimum_on_time_percent",
                ),
                *subunits("complete", ">=", "leader_good_subunits_minimum_complete_percent"),
                *subunits("good", ">=", "leader_good_subunits_minimum_good_percent"),
            ],
        ),
        _test(
            Level.COMPLETE,
            "all",
            [
                _condition(
                    "unit_targets_completed_percent",
                    unit.targets_completed_percent,
                    ">",
                    values["leader_complete_unit_completion_over_percent"],
                    "leader_complete_unit_completion_over_percent",
                ),
                *subunits("complete", ">=", "leader_complete_subunits_minimum_complete_percent"),
            ],
        ),
        _test(
            Level.NOT_COMPLETE,
            "any",
            [
                _condition(
                    "unit_targets_completed_percent",
                    unit.targets_completed_percent,
                    "<",
                    values["leader_not_complete_unit_completion_under_percent"],
                    "leader_not_complete_unit_completion_under_percent",
                ),
                *subunits("complete", "<", "leader_not_complete_subunits_complete_under_percent"),
            ],
        ),
    ]
    return _verdict(tests, Level(values["criteria_gap_level"]))


def criteria_assessment(person: Person, criteria: CriteriaInput, settings: PolicySettings) -> CriteriaAssessment:
    for value in _criteria_percentages(criteria):
        if not ZERO <= value <= HUNDRED:
            raise MethodInputError("percent_out_of_range", value=value)
    staff = staff_criteria_verdict(criteria, settings)
    if not person.is_leader:
        return CriteriaAssessment(staff, None, staff.level)
    if criteria.unit is None:
        raise MethodInputError("leader_without_unit_criteria", staff_code=person.staff_code)
    unit = unit_criteria_verdict(criteria.unit, settings)
    # A leader is held to the lower of their own results and their unit's.
    level = staff.level if staff.level.order <= unit.level.order else unit.level
    return CriteriaAssessment(staff, unit, level)


def _criteria_percentages(criteria: CriteriaInput) -> list[Decimal]:
    values = [criteria.completion_percent, criteria.exceeded_percent, criteria.short_percent]
    if criteria.unit is not None:
        unit = criteria.unit
        values += [unit.targets_completed_percent, unit.targets_exceeded_percent, unit.on_time_percent]
        values += [
            v for v in (unit.subunits_complete_or_better_percent, unit.subunits_good_or_better_percent) if v is not None
        ]
    return values


def classify_criteria(person: Person, criteria: CriteriaInput | None, settings: PolicySettings) -> Classification:
    not_classified = _short_service(person.facts, settings)
    if criteria is None:
        if not_classified is None:
            raise MethodInputError("no_criteria", staff_code=person.staff_code)
        return Classification(person, CRITERIA, None, ZERO, None, Level.NOT_CLASSIFIED, (not_classified,))
    assessment = criteria_assessment(person, criteria, settings)
    band = assessment.level
    rank_score = criteria.exceeded_percent
    if not_classified is not None:
        rules: tuple[RuleFiring, ...] = (_replace_before(not_classified, band),)
        return Classification(person, CRITERIA, None, rank_score, band, Level.NOT_CLASSIFIED, rules, (), assessment)
    level, rules = _apply_facts(band, person, settings)
    return Classification(person, CRITERIA, None, rank_score, band, level, rules, (), assessment)


# --- overriding facts (both models) -----------------------------------------------------------


def _short_service(facts: Facts, settings: PolicySettings) -> RuleFiring | None:
    """Under 6 months worked: not classified, never KHTNV — unless on maternity leave."""
    values = settings.values
    if not values["leave_rules_apply"]:
        return None
    minimum = values["short_service_minimum_months"]
    if not facts.months_worked < minimum:  # type: ignore[operator]
        return None
    if values["maternity_exempts_short_service"] and facts.months_maternity > ZERO:
        return None
    worked = _condition("months_worked", facts.months_worked, "<", minimum, "short_service_minimum_months")
    return RuleFiring(
        "rule_short_service",
        "not_classified",
        Level.NOT_CLASSIFIED,
        Level.NOT_CLASSIFIED,
        Level.NOT_CLASSIFIED,
        (worked,),
        (("months_maternity", exact_text(facts.months_maternity)),),
    )


def _replace_before(rule: RuleFiring, band: Level) -> RuleFiring:
    return RuleFiring(rule.rule, rule.effect, rule.level, band, rule.after, rule.conditions, rule.facts)


def _apply_facts(band: Level, person: Person, settings: PolicySettings) -> tuple[Level, tuple[RuleFiring, ...]]:
    facts = person.facts
    values = settings.values
    if (
        facts.discipline is None
        and not facts.degradation
        and not facts.corruption_in_unit
        and (not values["leave_rules_apply"] or facts.months_absent < values["absence_cap_from_months"])
    ):
        return band, ()  # the common case: no overriding fact, nothing to record
    level = band
    rules: list[RuleFiring] = []

    def fire(
        rule: str,
        effect: str,
        target: Level,
        facts_used: tuple[tuple[str, str], ...] = (),
        conditions: tuple[Condition, ...] = (),
    ) -> None:
        nonlocal level
        after = target if effect == "set" else level if effect == "none" else level.at_most(target)
        rules.append(RuleFiring(rule, effect, target, level, after, conditions, facts_used))
        level = after

    if facts.discipline is not None and DISCIPLINE_MEASURES.index(facts.discipline) >= settings.discipline_rank:
        if facts.discipline_already_counted:
            # Said, not silently skipped: the inspector sees the measure and why it did not count.
            fire("rule_discipline_already_counted", "none", level, (("discipline", facts.discipline),))
        else:
            fire("rule_discipline", "set", Level.NOT_COMPLETE, (("discipline", facts.discipline),))
    if facts.degradation:
        fire("rule_degradation", "set", Level.NOT_COMPLETE)
    if facts.corruption_in_unit and person.is_leader:
        fire("rule_corruption", "set", Level.NOT_COMPLETE)
    if values["leave_rules_apply"] and facts.months_absent >= values["absence_cap_from_months"]:  # type: ignore[operator]
        lower = _condition(
            "months_absent", facts.months_absent, ">=", values["absence_cap_from_months"], "absence_cap_from_months"
        )
        upper = _condition(
            "months_absent", facts.months_absent, "<", values["absence_cap_below_months"], "absence_cap_below_months"
        )
        if lower.holds and upper.holds:
            fire("rule_absence_cap", "cap", Level(values["absence_cap_level"]), (), (lower, upper))
    return level, tuple(rules)


def facts_from_mapping(raw: Mapping[str, object]) -> Facts:
    """Convenience for callers holding facts as a dict (keys are Facts' field names)."""
    return Facts(**raw)  # type: ignore[arg-type]
