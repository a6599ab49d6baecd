"""Each scoring method by example, with its edges."""

from __future__ import annotations

import pytest

from congtam.scoring.methods import (
    Adjustment,
    AnchoredScale,
    ChecklistItem,
    Direction,
    MethodInputError,
    SubCriterion,
    TargetRule,
    TaskWeights,
    UnitInput,
    WorkItem,
    anchored_rating_percent,
    bounded_points,
    checklist_percent,
    general_criteria_points,
    leader_task_points,
    target_achievement_percent,
    task_points,
    task_result,
    unit_component,
)

from .helpers import D

QUARTER = D("0.25")


def result(*items: WorkItem):
    return task_result(items, quality_deduction=QUARTER, late_deduction=QUARTER)


def test_uncompleted_item_earns_nothing_in_all_three_measures():
    outcome = result(WorkItem(D(1), True), WorkItem(D(3), False))
    assert (outcome.quantity_percent, outcome.quality_percent, outcome.timeliness_percent) == (D(25), D(25), D(25))


def test_four_failures_take_all_quality_points_and_more_never_go_negative():
    assert result(WorkItem(D(2), True, quality_failures=4)).quality_percent == D(0)
    assert result(WorkItem(D(2), True, quality_failures=9)).quality_percent == D(0)
    assert result(WorkItem(D(2), True, late_count=3)).timeliness_percent == D(25)


def test_all_items_objective_cause_means_no_deduction_at_all():
    outcome = result(WorkItem(D(1), True, 2, 3, objective_cause=True), WorkItem(D(4), True, 1, 1, objective_cause=True))
    assert (outcome.quantity_percent, outcome.quality_percent, outcome.timeliness_percent) == (D(100),) * 3
    assert task_points(outcome, task_max=D(70), weights=TaskWeights()) == D(70)


def test_objective_cause_does_not_make_an_uncompleted_item_count():
    assert result(WorkItem(D(1), False, objective_cause=True), WorkItem(D(1), True)).quantity_percent == D(50)


def test_no_items_assigned_is_an_error_not_a_zero():
    with pytest.raises(MethodInputError) as error:
        result()
    assert error.value.message_key == "no_items_assigned"


def test_non_positive_factor_is_rejected():
    with pytest.raises(MethodInputError):
        result(WorkItem(D(0), True))


def test_task_weights_change_the_combination():
    outcome = result(WorkItem(D(1), True, late_count=2))  # a = 100, b = 100, c = 50
    assert task_points(outcome, task_max=D(70), weights=TaskWeights()) == D(70) * D(250) / D(300)
    heavier_time = TaskWeights(D(1), D(1), D(2))
    assert task_points(outcome, task_max=D(70), weights=heavier_time) == D(70) * D(300) / D(400)


def test_leader_unit_component_any_khtnv_counts_fifty():
    all_good = unit_component(
        UnitInput(D(100), D(100)), staff_part_if_any_not_complete=D(50), staff_weight=D(1), plan_weight=D(1)
    )
    one_bad = unit_component(
        UnitInput(D("99.5"), D(100)), staff_part_if_any_not_complete=D(50), staff_weight=D(1), plan_weight=D(1)
    )
    assert all_good.unit_percent == D(100)
    assert one_bad.staff_part == D(50) and one_bad.unit_percent == D(75)


def test_leader_default_is_the_mean_of_own_items_and_unit():
    own = result(WorkItem(D(1), True))  # 100%
    unit = unit_component(
        UnitInput(D(90), D(100)), staff_part_if_any_not_complete=D(50), staff_weight=D(1), plan_weight=D(1)
    )  # 75%
    own_percent, combined, points = leader_task_points(
        own, unit, task_max=D(70), weights=TaskWeights(), own_weight=D(1), unit_weight=D(1)
    )
    assert (own_percent, combined) == (D(100), D("87.5"))
    assert points == D("61.25")


SUBCRITERIA = (SubCriterion("a", D("7.5"), "A", "A"), SubCriterion("b", D("22.5"), "B", "B"))


def test_general_criteria_sum_and_bounds():
    assert general_criteria_points({"a": D("7.5"), "b": D(20)}, SUBCRITERIA).total == D("27.5")
    for bad in ({"a": D(8), "b": D(0)}, {"a": D(-1), "b": D(0)}, {"a": D(1)}, {"a": D(1), "b": D(1), "c": D(1)}):
        with pytest.raises(MethodInputError):
            general_criteria_points(bad, SUBCRITERIA)


def test_anchored_scale_is_linear_from_first_to_last_level():
    scale = AnchoredScale(("never", "rarely", "sometimes", "often", "always"))
    assert [anchored_rating_percent(r, scale) for r in range(1, 6)] == [D(0), D(25), D(50), D(75), D(100)]
    with pytest.raises(MethodInputError):
        anchored_rating_percent(6, scale)
    with pytest.raises(MethodInputError):
        anchored_rating_percent(1, AnchoredScale(("only",)))


def test_target_higher_is_better_with_cap_and_partial_credit():
    rule = TargetRule()
    assert target_achievement_percent(D(40), D(38), rule) == D(95)
    assert target_achievement_percent(D(40), D(60), rule) == D(100)  # capped
    assert target_achievement_percent(D(40), D(60), TargetRule(cap_percent=D(120))) == D(120)
    assert target_achievement_percent(D(40), D(38), TargetRule(partial_credit=False)) == D(0)
    assert target_achievement_percent(D(40), D(10), TargetRule(floor_percent=D(50))) == D(0)


def test_target_lower_is_better():
    rule = TargetRule(direction=Direction.LOWER_IS_BETTER)
    assert target_achievement_percent(D(5), D(10), rule) == D(50)
    assert target_achievement_percent(D(5), D(0), rule) == D(100)


def test_zero_target_is_met_or_missed_never_divided():
    higher, lower = TargetRule(), TargetRule(direction=Direction.LOWER_IS_BETTER)
    assert target_achievement_percent(D(0), D(0), higher) == D(100)
    assert target_achievement_percent(D(0), D(3), higher) == D(100)
    assert target_achievement_percent(D(0), D(0), lower) == D(100)
    assert target_achievement_percent(D(0), D(1), lower) == D(0)


def test_checklist_weighted_share():
    items = [ChecklistItem("a", D(1), True), ChecklistItem("b", D(1), False), ChecklistItem("c", D(2), True)]
    assert checklist_percent(items) == D(75)
    with pytest.raises(MethodInputError):
        checklist_percent([ChecklistItem("a", D(0), True)])


def test_bounded_points_and_deductions_stay_within_bounds():
    deductions = [Adjustment("late report", D(-3)), Adjustment("complaint", D(-4))]
    assert bounded_points(D(10), deductions, minimum=D(0), maximum=D(10)) == D(3)
    assert bounded_points(D(5), deductions, minimum=D(0), maximum=D(10)) == D(0)
    assert bounded_points(D(9), [Adjustment("initiative", D(5))], minimum=D(0), maximum=D(10)) == D(10)
    with pytest.raises(MethodInputError):
        bounded_points(D(1), [], minimum=D(2), maximum=D(1))


def test_task_result_equals_the_sum_of_item_credits():
    from congtam.scoring.methods import item_credit

    items = [WorkItem(D(f), f % 3 != 0, f % 5, f % 4, f % 7 == 0, f"SP{f}") for f in (1, 2, 3, 4, 5, 6, 7, 8, 9)]
    outcome = result(*items)
    credits = [item_credit(item, quality_deduction=QUARTER, late_deduction=QUARTER) for item in items]
    assert outcome.completed == sum((c.quantity for c in credits), D(0))
    assert outcome.quality_credit == sum((c.quality for c in credits), D(0))
    assert outcome.timeliness_credit == sum((c.timeliness for c in credits), D(0))
