"""Properties that must hold for any input (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congtam.scoring.api import CohortMember, PeriodInput, classify_cohort, period_score
from congtam.scoring.classify import Facts, PeriodScore, Person
from congtam.scoring.decimals import HUNDRED, ZERO
from congtam.scoring.explain.recheck import recheck_cohort
from congtam.scoring.methods import UnitInput, WorkItem

from .helpers import D, policy

POLICY = policy()
POLICY_GOOD_ONLY = policy(quota_base="good_only")

quarter_points = st.integers(min_value=0, max_value=400).map(lambda q: D(q) / 4)
factors = st.sampled_from([D("0.5"), D(1), D("1.5"), D(2), D(4)])
items = st.builds(
    WorkItem,
    factor=factors,
    completed=st.booleans(),
    quality_failures=st.integers(0, 5),
    late_count=st.integers(0, 5),
    objective_cause=st.booleans(),
)
general_points = st.integers(0, 60).map(lambda h: D(h) / 2)  # 0..30 in halves


@st.composite
def period_inputs(draw):
    unit = draw(st.none() | st.builds(UnitInput, st.integers(0, 100).map(D), st.integers(0, 100).map(D)))
    return PeriodInput("1", tuple(draw(st.lists(items, min_size=1, max_size=8))), draw(general_points), unit)


@given(period_inputs(), st.booleans())
def test_period_score_stays_within_0_and_100(period, leader):
    score = period_score(period, policy=POLICY, is_leader=leader).score
    assert ZERO <= score <= HUNDRED


@given(
    period_inputs(),
    st.integers(0, 7),
    st.sampled_from(["complete", "fewer_failures", "fewer_late", "objective", "general"]),
)
def test_improving_one_input_never_lowers_the_period_score(period, index, change):
    index %= len(period.items)
    item = period.items[index]
    better = {
        "complete": WorkItem(item.factor, True, item.quality_failures, item.late_count, item.objective_cause),
        "fewer_failures": WorkItem(
            item.factor, item.completed, max(0, item.quality_failures - 1), item.late_count, item.objective_cause
        ),
        "fewer_late": WorkItem(
            item.factor, item.completed, item.quality_failures, max(0, item.late_count - 1), item.objective_cause
        ),
        "objective": WorkItem(item.factor, item.completed, item.quality_failures, item.late_count, True),
        "general": item,
    }[change]
    improved_items = period.items[:index] + (better,) + period.items[index + 1 :]
    general = min(D(30), period.general_points + 1) if change == "general" else period.general_points
    improved = PeriodInput(period.period, improved_items, general, period.unit)
    assert period_score(improved, policy=POLICY).score >= period_score(period, policy=POLICY).score


@st.composite
def cohorts(draw):
    size = draw(st.integers(1, 30))
    members = []
    for index in range(size):
        scores = draw(st.lists(quarter_points, min_size=1, max_size=4))
        facts = Facts(
            months_worked=D(draw(st.integers(0, 12))),
            months_absent=D(draw(st.integers(0, 4))),
            months_maternity=D(draw(st.sampled_from([0, 0, 6]))),
            discipline=draw(st.sampled_from([None, None, None, "khien_trach"])),
            degradation=draw(st.booleans()) and draw(st.booleans()),
        )
        person = Person(
            f"P{index:03}",
            f"Người {index}",
            draw(st.sampled_from(["U1", "U2"])),
            draw(st.sampled_from(["G1", "G2", "G3"])),
            False,
            facts,
            draw(st.sampled_from(["", "", "", "", "QĐ 1"])),
        )
        members.append(CohortMember(person, tuple(PeriodScore(str(k + 1), s) for k, s in enumerate(scores))))
    return members


def _signature(result):
    return sorted(
        (o.staff_code, o.classification.score, o.level, o.over_quota, o.rank_in_group) for o in result.outcomes
    )


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(cohorts(), st.randoms(use_true_random=False))
def test_shuffling_the_cohort_changes_no_result(members, rng):
    shuffled = list(members)
    rng.shuffle(shuffled)
    first, second = classify_cohort(members, POLICY), classify_cohort(shuffled, POLICY)
    assert _signature(first) == _signature(second)
    assert first.scopes == second.scopes


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(cohorts(), st.sampled_from([POLICY, POLICY_GOOD_ONLY]))
def test_quota_is_never_exceeded_without_an_exception(members, chosen):
    result = classify_cohort(members, chosen)
    for scope in result.scopes:
        admitted = [
            o
            for o in result.outcomes
            if o.level.value == "HTXSNV" and getattr(o.classification.person, scope.kind) == scope.name
        ]
        if not scope.exception and not any(p.exempt for o in admitted for p in o.placements if p.kind == scope.kind):
            assert len(admitted) <= scope.cap
        if chosen is POLICY_GOOD_ONLY and not scope.exception:
            finally_good = scope.good_or_better - scope.within
            assert scope.counted <= scope.share * finally_good


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
@given(cohorts())
def test_recomputation_from_the_explanation_gives_the_same_numbers(members):
    result = classify_cohort(members, POLICY)
    check = recheck_cohort(result.explanations())
    assert check.problems == []
    assert check.numbers > 0


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=30)
@given(st.lists(period_inputs(), min_size=1, max_size=3), st.booleans())
def test_recomputation_of_scores_computed_from_items(periods, leader):
    scores = tuple(
        PeriodScore(
            str(i + 1),
            period_score(p, policy=POLICY, is_leader=leader).score,
            period_score(p, policy=POLICY, is_leader=leader).detail,
        )
        for i, p in enumerate(periods)
    )
    result = classify_cohort([CohortMember(Person("A", "Người A", "U", "G", leader), scores)], POLICY)
    check = recheck_cohort(result.explanations())
    assert check.problems == []


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(cohorts(), st.integers(0, 29), st.sampled_from(["score", "discipline", "degradation", "absence"]))
def test_improving_one_input_never_lowers_the_qualified_level(members, index, change):
    index %= len(members)
    member = members[index]
    facts = member.person.facts
    if change == "score":
        periods = tuple(PeriodScore(p.period, min(HUNDRED, p.score + 5)) for p in member.periods)
        better = CohortMember(member.person, periods)
    else:
        improved_facts = Facts(
            facts.months_worked,
            ZERO if change == "absence" else facts.months_absent,
            facts.months_maternity,
            None if change == "discipline" else facts.discipline,
            False if change == "degradation" else facts.degradation,
            facts.corruption_in_unit,
        )
        person = member.person
        better = CohortMember(
            Person(
                person.staff_code,
                person.full_name,
                person.unit,
                person.group,
                person.is_leader,
                improved_facts,
                person.quota_exception,
            ),
            member.periods,
        )
    before = classify_cohort([member], POLICY).outcomes[0].classification
    after = classify_cohort([better], POLICY).outcomes[0].classification
    assert after.qualified.order >= before.qualified.order
    if before.score is not None:
        assert after.score >= before.score


def test_random_module_is_not_used_by_the_engine():
    # Determinism: classification must not depend on hidden randomness.
    state = random.getstate()
    classify_cohort([CohortMember(Person("A", "A", "U", "G"), (PeriodScore("1", D(90)),))], POLICY)
    assert random.getstate() == state
