"""RULES.md §4: every worked example, reproduced exactly."""

from __future__ import annotations

from congtam.scoring.api import PeriodInput, classify_cohort, period_score
from congtam.scoring.classify import LeaderUnitCriteria
from congtam.scoring.decimals import format_display
from congtam.scoring.levels import Level
from congtam.scoring.methods import WorkItem

from .helpers import D, criteria_member, policy, scored


def test_example_1_bands_average_exactly_90_qualifies_excellent():
    result = classify_cohort([scored("A", 92, 88, 91, 89)], policy(quota_share="1"))
    outcome = result.outcomes[0]
    assert outcome.classification.score == D("90")
    assert outcome.classification.qualified is Level.EXCELLENT


def test_example_1_bands_89_75_is_good_never_rounded_up():
    result = classify_cohort([scored("A", 92, 88, 90, 89)], policy())
    outcome = result.outcomes[0]
    assert outcome.classification.score == D("89.75")
    assert outcome.level is Level.GOOD
    assert outcome.classification.band is Level.GOOD


def test_example_2_discipline_beats_score_points_model():
    member = scored("A", 95, 95, 95, 95, discipline="khien_trach")
    outcome = classify_cohort([member], policy()).outcomes[0]
    assert outcome.classification.score == D(95)
    assert outcome.level is Level.NOT_COMPLETE
    assert [rule.rule for rule in outcome.classification.rules] == ["rule_discipline"]


def test_example_2_discipline_beats_criteria_model():
    member = criteria_member("A", exceeded=80, discipline="khien_trach")
    outcome = classify_cohort([member], policy("nd90-vien-chuc")).outcomes[0]
    assert outcome.classification.band is Level.EXCELLENT
    assert outcome.level is Level.NOT_COMPLETE


def test_example_3_short_service_is_not_classified_never_not_complete():
    member = criteria_member("A", short=100, months_worked=5, months_maternity=0)
    outcome = classify_cohort([member], policy("nd90-vien-chuc")).outcomes[0]
    assert outcome.level is Level.NOT_CLASSIFIED
    assert outcome.level is not Level.NOT_COMPLETE
    assert outcome.rank_in_group is None


def test_example_4_absence_cap_four_months_leave_gives_htnv():
    member = criteria_member("A", exceeded=60, months_worked=8, months_absent=4)
    outcome = classify_cohort([member], policy("nd90-vien-chuc")).outcomes[0]
    assert outcome.classification.band is Level.EXCELLENT
    assert outcome.level is Level.COMPLETE


def test_example_5_maternity_classified_on_time_worked():
    member = criteria_member("A", exceeded=10, months_worked=6, months_maternity=6)
    outcome = classify_cohort([member], policy("nd90-vien-chuc")).outcomes[0]
    assert outcome.level is Level.GOOD
    assert outcome.classification.rules == ()


def _quota_group(quota_base: str):
    # 11 qualify HTTNV or better, 5 of them score at least 90 (descending: 95, 94, 93, 92, 91).
    members = [scored(f"X{i}", score) for i, score in enumerate([95, 94, 93, 92, 91])]
    members += [scored(f"G{i}", 80) for i in range(6)]
    return classify_cohort(members, policy(quota_base=quota_base))


def test_example_6_quota_good_or_better_caps_at_two():
    result = _quota_group("good_or_better")
    group = result.scope_map[("group", "Chuyên viên")]
    assert (group.good_or_better, group.cap, group.within, group.over) == (11, 2, 2, 3)
    levels = {o.staff_code: (o.level, o.over_quota) for o in result.outcomes}
    assert levels["X0"] == (Level.EXCELLENT, False)
    assert levels["X1"] == (Level.EXCELLENT, False)
    for code in ("X2", "X3", "X4"):
        assert levels[code] == (Level.GOOD, True)  # marked, proposed one level down


def test_example_7_quota_good_only_caps_at_one():
    result = _quota_group("good_only")
    group = result.scope_map[("group", "Chuyên viên")]
    assert group.cap == 1
    finally_good = sum(1 for o in result.outcomes if o.level is Level.GOOD)
    assert finally_good == 10
    assert [o.staff_code for o in result.outcomes if o.level is Level.EXCELLENT] == ["X0"]


def test_example_8_small_group_quota_zero_under_both_readings_said_explicitly():
    for quota_base in ("good_or_better", "good_only"):
        members = [scored("A", 95), scored("B", 91), scored("C", 80), scored("D", 75)]
        result = classify_cohort(members, policy(quota_base=quota_base))
        group = result.scope_map[("group", "Chuyên viên")]
        assert group.cap == 0 and group.quota_zero
        for outcome in result.outcomes:
            assert outcome.level is Level.GOOD
        reasons = " ".join(result.reasons(result.outcome("A")))
        assert "Tỷ lệ bằng 0" in reasons


def test_example_8_recorded_exception_is_the_only_way_to_excellent():
    members = [scored("A", 95, exception="QĐ 12/QĐ-VPQH"), scored("B", 91), scored("C", 80), scored("D", 75)]
    result = classify_cohort(members, policy())
    assert {o.staff_code: o.level for o in result.outcomes}["A"] is Level.EXCELLENT
    assert {o.staff_code: o.level for o in result.outcomes}["B"] is Level.EXCELLENT
    assert result.scope_map[("group", "Chuyên viên")].exception == "QĐ 12/QĐ-VPQH"


def test_example_9_manager_needs_70_percent_subunits_good_so_htnv():
    unit = LeaderUnitCriteria(
        targets_completed_percent=D(100),
        targets_exceeded_percent=D(0),
        on_time_percent=D(85),
        subunits_complete_or_better_percent=D(100),
        subunits_good_or_better_percent=D(60),
    )
    member = criteria_member("M", completion=100, short=0, unit=unit)
    outcome = classify_cohort([member], policy("nd90-vien-chuc")).outcomes[0]
    assessment = outcome.classification.criteria
    assert assessment.staff.level is Level.GOOD
    assert assessment.unit.level is Level.COMPLETE
    assert outcome.level is Level.COMPLETE


def test_example_10_task_points_from_converted_items():
    items = (
        WorkItem(D(1), True, code="SP1"),
        WorkItem(D(1), True, code="SP2"),
        WorkItem(D(2), True, quality_failures=1, code="SP3"),
        WorkItem(D(4), True, late_count=2, code="SP4"),
    )
    score = period_score(PeriodInput("1", items, D(27)), policy=policy())
    task = score.detail.task
    assert task.assigned == D(8)
    assert task.quantity_percent == D(100)
    assert task.quality_percent == D("93.75")
    assert task.timeliness_percent == D(75)
    assert score.detail.task_points == D(70) * D("268.75") / D(300)
    assert str(score.detail.task_points).startswith("62.7083333")
    assert format_display(score.detail.task_points) == "62.71"
    assert format_display(score.score) == "89.71"
    assert score.score == D(27) + D(70) * D("268.75") / D(300)
