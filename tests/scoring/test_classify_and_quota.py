"""Thresholds, overriding facts and quota, with their edges."""

from __future__ import annotations

import pytest

from congtam.scoring.api import classify_cohort
from congtam.scoring.levels import Level
from congtam.scoring.methods import MethodInputError

from .helpers import D, criteria_member, policy, scored


def level_of(member, preset="nd335", **overrides):
    return classify_cohort([member], policy(preset, quota_share="1", **overrides)).outcomes[0]


@pytest.mark.parametrize(
    "score, level",
    [
        ("90.00", Level.EXCELLENT),
        ("89.99", Level.GOOD),
        ("89.9999999", Level.GOOD),
        ("70", Level.GOOD),
        ("69.99", Level.COMPLETE),
        ("50", Level.COMPLETE),
        ("49.99", Level.NOT_COMPLETE),
        ("0", Level.NOT_COMPLETE),
        ("100", Level.EXCELLENT),
    ],
)
def test_points_thresholds_exactly_on_and_just_under(score, level):
    assert level_of(scored("A", score)).level is level


def test_degradation_and_corruption_set_not_complete():
    assert level_of(scored("A", 99, degradation=True)).level is Level.NOT_COMPLETE
    assert level_of(scored("A", 99, leader=True, corruption_in_unit=True)).level is Level.NOT_COMPLETE
    # Corruption in a unit is a leader's fact; recorded against a non-leader it does not apply.
    assert level_of(scored("A", 99, corruption_in_unit=True)).level is Level.EXCELLENT


def test_heavier_discipline_also_sets_not_complete():
    assert level_of(scored("A", 99, discipline="buoc_thoi_viec")).level is Level.NOT_COMPLETE


@pytest.mark.parametrize(
    "absent, capped", [(2, False), ("2.9", False), (3, True), (5, True), ("5.9", True), (6, False)]
)
def test_absence_cap_from_exactly_3_to_under_6_months(absent, capped):
    member = criteria_member("A", exceeded=60, months_worked=12 - D(absent), months_absent=absent)
    outcome = level_of(member, "nd90-vien-chuc")
    assert outcome.level is (Level.COMPLETE if capped else Level.EXCELLENT)


@pytest.mark.parametrize("worked, classified", [(5, False), ("5.9", False), (6, True), (7, True)])
def test_short_service_exactly_6_months_is_classified(worked, classified):
    outcome = level_of(criteria_member("A", months_worked=worked), "nd90-vien-chuc")
    assert (outcome.level is not Level.NOT_CLASSIFIED) is classified


def test_maternity_combined_with_leave_maternity_does_not_count_towards_the_cap():
    # 2 worked + 6 maternity + 4 lawful leave: classified (maternity), capped by the 4 months of leave.
    member = criteria_member("A", exceeded=60, months_worked=2, months_maternity=6, months_absent=4)
    assert level_of(member, "nd90-vien-chuc").level is Level.COMPLETE
    # 3 worked + 7 maternity + 2 leave: under 3 months of leave, no cap.
    member = criteria_member("A", exceeded=60, months_worked=3, months_maternity=7, months_absent=2)
    assert level_of(member, "nd90-vien-chuc").level is Level.EXCELLENT


def test_short_service_wins_over_discipline_never_khtnv():
    outcome = level_of(criteria_member("A", months_worked=4, discipline="canh_cao"), "nd90-vien-chuc")
    assert outcome.level is Level.NOT_CLASSIFIED


def test_points_model_can_switch_off_the_decree_90_leave_rules():
    member = scored("A", 95, 95, months_worked=5)
    assert level_of(member).level is Level.NOT_CLASSIFIED
    assert level_of(member, leave_rules_apply="false").level is Level.EXCELLENT


def test_points_model_average_is_over_the_periods_actually_worked():
    outcome = level_of(scored("A", 80, 90, months_worked=8, months_absent=4))
    assert outcome.classification.score == D(85)
    assert outcome.level is Level.COMPLETE  # 3–6 months of leave cap the level at HTNV


def test_criteria_gap_level_is_a_parameter():
    member = criteria_member("A", short=30)  # neither HTNV (≤ 20%) nor KHTNV (> 50%)
    assert level_of(member, "nd90-vien-chuc").level is Level.NOT_COMPLETE
    assert level_of(member, "nd90-vien-chuc", criteria_gap_level="HTNV").level is Level.COMPLETE


def test_criteria_shared_criteria_not_met_cannot_reach_complete():
    assert level_of(criteria_member("A", shared=False), "nd90-vien-chuc").level is Level.NOT_COMPLETE


def test_missing_scores_without_short_service_is_an_error():
    with pytest.raises(MethodInputError):
        classify_cohort([scored("A")], policy())


def test_quota_exactly_at_the_cap_admits_everyone():
    # 10 qualify HTTNV or better → cap 2; exactly 2 candidates.
    members = [scored("X1", 95), scored("X2", 91)] + [scored(f"G{i}", 75) for i in range(8)]
    result = classify_cohort(members, policy())
    assert all(not o.over_quota for o in result.outcomes)
    assert sum(o.level is Level.EXCELLENT for o in result.outcomes) == 2


def test_tie_at_the_cut_broken_by_the_declared_tie_break():
    members = [scored("B", 95, name="An Văn Bình"), scored("A", 95, name="Lê Thị Yến")] + [
        scored(f"G{i}", 75) for i in range(3)
    ]  # 5 qualify → cap 1
    by_code = classify_cohort(members, policy())
    assert [o.staff_code for o in by_code.outcomes if o.level is Level.EXCELLENT] == ["A"]
    by_name = classify_cohort(members, policy(quota_tie_break="name"))
    # Vietnamese order by given name: Bình before Yến.
    assert [o.staff_code for o in by_name.outcomes if o.level is Level.EXCELLENT] == ["B"]


def test_the_name_tie_break_is_the_lists_order_given_then_middle_then_family_name():
    # The same given name: the middle name decides before the family name (Thị before Văn, though
    # Nguyễn comes before Trần), as in every list of people of the application.
    members = [scored("A", 95, name="Nguyễn Văn An"), scored("B", 95, name="Trần Thị An")] + [
        scored(f"G{i}", 75) for i in range(3)
    ]  # 5 qualify → cap 1
    by_name = classify_cohort(members, policy(quota_tie_break="name"))
    assert [o.staff_code for o in by_name.outcomes if o.level is Level.EXCELLENT] == ["B"]


def test_tie_break_last_period_score():
    members = [scored("A", 90, 100), scored("B", 100, 90)] + [scored(f"G{i}", 75) for i in range(3)]
    result = classify_cohort(members, policy(quota_tie_break="last_period_score"))
    assert [o.staff_code for o in result.outcomes if o.level is Level.EXCELLENT] == ["A"]


def test_quota_applies_per_unit_and_per_group():
    # Group "CV" spans two units; each unit alone has room for 1, the group for 2.
    members = [
        scored("U1A", 99, unit="U1", group="CV"),
        scored("U1B", 98, unit="U1", group="CV"),
        scored("U2A", 97, unit="U2", group="CV"),
    ]
    members += [scored(f"U1G{i}", 75, unit="U1", group="CV") for i in range(3)]
    members += [scored(f"U2G{i}", 75, unit="U2", group="CV") for i in range(4)]
    result = classify_cohort(members, policy())
    levels = {o.staff_code: o.level for o in result.outcomes}
    assert result.scope_map[("unit", "U1")].cap == 1 and result.scope_map[("group", "CV")].cap == 2
    assert levels["U1A"] is Level.EXCELLENT
    assert levels["U1B"] is Level.GOOD  # the unit is full although the group has room
    assert levels["U2A"] is Level.EXCELLENT  # admitted after U1B was refused: the group still had room


def test_over_quota_is_marked_with_the_scope_that_blocked():
    members = [scored("X1", 95), scored("X2", 94)] + [scored(f"G{i}", 75) for i in range(3)]
    result = classify_cohort(members, policy())
    refused = result.outcome("X2")
    assert refused.over_quota and refused.level is Level.GOOD
    assert refused.classification.qualified is Level.EXCELLENT  # never silently demoted
    assert any(not placement.fits for placement in refused.placements)


def test_exception_limit_parameter_bounds_the_lifted_cap():
    members = [scored(f"X{i}", 95, exception="QĐ 7") for i in range(4)] + [scored("G", 75, exception="QĐ 7")]
    result = classify_cohort(members, policy(quota_exception_share="0.5"))
    assert result.scope_map[("group", "Chuyên viên")].cap == 2  # floor(0.5 × 5)
    assert sum(o.level is Level.EXCELLENT for o in result.outcomes) == 2


def test_exception_does_not_lift_the_unit_cap_when_so_configured():
    members = [scored("X1", 95, exception="QĐ 7"), scored("X2", 94)] + [scored(f"G{i}", 75) for i in range(2)]
    lifted = classify_cohort(members, policy())
    assert lifted.outcome("X1").level is Level.EXCELLENT
    kept = classify_cohort(members, policy(quota_exception_lifts_unit_cap="false"))
    assert kept.outcome("X1").level is Level.GOOD  # unit of 4: cap 0


def test_quota_rounding_half_up_is_available_for_what_if():
    members = [scored(f"X{i}", 95) for i in range(3)] + [scored(f"G{i}", 75) for i in range(5)]  # 8 → 1.6
    assert classify_cohort(members, policy()).scope_map[("group", "Chuyên viên")].cap == 1
    assert classify_cohort(members, policy(quota_rounding="half_up")).scope_map[("group", "Chuyên viên")].cap == 2


def test_duplicate_staff_codes_are_rejected():
    with pytest.raises(MethodInputError):
        classify_cohort([scored("A", 90), scored("A", 80)], policy())


def test_discipline_already_counted_in_an_earlier_year_does_not_count_again():
    # RULES.md §3.3: a violation already used to classify someone KHTNV does not count again in
    # the year its formal decision arrives; the measure is still shown, with why it changes nothing.
    outcome = level_of(scored("A", 95, discipline="khien_trach", discipline_already_counted=True))
    assert outcome.level is Level.EXCELLENT
    (rule,) = outcome.classification.rules
    assert (rule.rule, rule.effect, rule.before, rule.after) == (
        "rule_discipline_already_counted",
        "none",
        Level.EXCELLENT,
        Level.EXCELLENT,
    )
    criteria = criteria_member("B", exceeded=60, discipline="canh_cao", discipline_already_counted=True)
    assert level_of(criteria, "nd90-vien-chuc").level is Level.EXCELLENT
