"""RULES.md §4 worked examples 5–9 through the year-end services (1–4 are in test_services.py and
test_criteria_and_groups.py): the facts, the self-assessment and the quota as HR and the people
record them, the proposal as the app computes it."""

from decimal import Decimal

import pytest

from congtam.accounts.models import Role
from congtam.org import services as org
from congtam.org.models import Category, UnitRole
from congtam.yearend import proposals, services
from congtam.yearend.assessments.services import criteria_record
from congtam.yearend.models import Classification
from tests.yearend.conftest import approve_scores, open_year

pytestmark = pytest.mark.django_db


def _extra_people(world, count, unit="VPL-P1", category=Category.CONG_CHUC, **extra):
    return [
        org.person_create(
            actor=None,
            staff_code=f"NV9{index:02d}",
            full_name=f"Lê Văn Thêm {index}",
            category=category,
            unit=world.units[unit],
            position=world.positions["CV"],
            **extra,
        )
        for index in range(1, count + 1)
    ]


def _group_of_eleven(world, **overrides):
    """Example 6's group with similar duties: 11 qualify HTTNV or better, 5 of them score ≥ 90."""
    extra = _extra_people(world, 9)
    year_end = open_year(world, **overrides)
    people = [world.people["an"], world.people["binh"], *extra]
    scores = [95, 94, 93, 92, 91, 85, 84, 83, 82, 81, 80]
    for person, score in zip(people, scores, strict=True):
        approve_scores(year_end.cycle, person, [score] * 4)
    proposals.proposals_compute(actor=world.users[Role.HR], year=year_end.year)
    group = list(Classification.objects.filter(year=year_end.year, group="CV").order_by("rank_in_group"))
    return people, group


def test_example_6_quota_good_or_better(world, today):
    people, group = _group_of_eleven(world)
    assert len(group) == 11 and all(c.qualified_level in ("HTXSNV", "HTTNV") for c in group)
    excellent = [c.person_id for c in group if c.proposed_level == "HTXSNV"]
    assert excellent == [people[0].pk, people[1].pk]  # cap = floor(0.2 × 11) = 2, the two highest
    over = [c.person_id for c in group if c.over_quota]
    assert over == [p.pk for p in people[2:5]]  # the other 3 at ≥ 90: over quota, proposed HTTNV
    assert all(c.proposed_level == "HTTNV" for c in group if c.over_quota)


def test_example_7_quota_good_only(world, today):
    people, group = _group_of_eleven(world, quota_base="good_only")
    excellent = [c.person_id for c in group if c.proposed_level == "HTXSNV"]
    assert excellent == [people[0].pk]  # x ≤ 0.2 × (11 − x) → x ≤ 1.83 → cap 1
    assert sum(1 for c in group if c.proposed_level == "HTTNV") == 10


@pytest.mark.parametrize("reading", ["good_or_better", "good_only"])
def test_example_8_small_group_quota_zero_under_both_readings(world, today, reading):
    extra = _extra_people(world, 2)
    year_end = open_year(world, quota_base=reading)
    for person, score in zip([world.people["an"], world.people["binh"], *extra], [95, 92, 85, 80], strict=True):
        approve_scores(year_end.cycle, person, [score] * 4)
    proposals.proposals_compute(actor=world.users[Role.HR], year=year_end.year)
    group = Classification.objects.filter(year=year_end.year, group="CV")
    assert group.count() == 4
    assert not group.filter(proposed_level="HTXSNV").exists()
    assert group.filter(qualified_level="HTXSNV", over_quota=True).count() == 2
    reasons = group.get(person=world.people["an"]).explanation["reasons"]
    assert any(text.startswith("Quota 0 in") for text in reasons["en"])  # said plainly
    assert any(text.startswith("Tỷ lệ bằng 0") for text in reasons["vi"])


@pytest.fixture
def criteria_year(world, today):
    return services.year_open(
        actor=world.users[Role.HR],
        agency=world.agency,
        year=2026,
        staff_group="vien_chuc",
        policy_id="nd90-vien-chuc",
        units=[world.units["VTT"]],
    )


def test_example_5_maternity_is_classified_on_the_months_worked(world, criteria_year):
    hr = world.users[Role.HR]
    services.fact_record(
        actor=hr,
        year=criteria_year,
        person=world.people["anh"],
        kind="maternity",
        months=Decimal(6),
        document_reference="QĐ nghỉ thai sản 12/QĐ",
    )
    criteria_record(
        actor=hr,
        year=criteria_year,
        person=world.people["anh"],
        shared_criteria_met=True,
        completion_percent="100",
        exceeded_percent="0",
        short_percent="0",
        proposed_level="HTTNV",
    )
    run = proposals.proposals_compute(actor=hr, year=criteria_year)
    assert run.missing == []
    anh = Classification.objects.get(year=criteria_year, person=world.people["anh"])
    assert (anh.qualified_level, anh.proposed_level) == ("HTTNV", "HTTNV")  # neither capped nor left unclassified


def test_example_9_a_manager_is_held_to_the_units_results(world, criteria_year):
    head = org.person_create(
        actor=None,
        staff_code="NV041",
        full_name="Vũ Đức Thắng",
        category=Category.VIEN_CHUC,
        unit=world.units["VTT"],
        position=world.positions["LD"],
        unit_role=UnitRole.HEAD,
    )
    hr = world.users[Role.HR]
    own = {
        "shared_criteria_met": True,
        "completion_percent": "100",
        "exceeded_percent": "0",
        "short_percent": "0",
        "proposed_level": "HTTNV",
    }
    with pytest.raises(services.ValidationError) as refused:
        criteria_record(actor=hr, year=criteria_year, person=head, **own)
    assert {"targets_completed_percent", "targets_exceeded_percent", "on_time_percent"} <= set(
        refused.value.message_dict
    )
    criteria_record(
        actor=hr,
        year=criteria_year,
        person=head,
        **own,
        unit_results={
            "targets_completed_percent": "100",
            "targets_exceeded_percent": "0",
            "on_time_percent": "85",
            "subunits_complete_or_better_percent": "100",
            "subunits_good_or_better_percent": "60",
        },
    )
    criteria_record(actor=hr, year=criteria_year, person=world.people["anh"], **own)
    proposals.proposals_compute(actor=hr, year=criteria_year)
    thang = Classification.objects.get(year=criteria_year, person=head)
    # Own tasks HTTNV; the unit's 60% of units directly managed at HTTNV or better misses 70%: HTNV.
    assert (thang.qualified_level, thang.proposed_level) == ("HTNV", "HTNV")
    assert "60" in str(thang.explanation["tree"])


def test_a_leader_without_the_units_results_is_listed_not_guessed(world, criteria_year):
    head = org.person_create(
        actor=None,
        staff_code="NV041",
        full_name="Vũ Đức Thắng",
        category=Category.VIEN_CHUC,
        unit=world.units["VTT"],
        position=world.positions["LD"],
        unit_role=UnitRole.HEAD,
    )
    hr = world.users[Role.HR]
    criteria_record(
        actor=hr,
        year=criteria_year,
        person=world.people["anh"],
        shared_criteria_met=True,
        completion_percent="100",
        exceeded_percent="0",
        short_percent="0",
    )
    run = proposals.proposals_compute(actor=hr, year=criteria_year)
    assert [person.pk for person in run.missing] == [head.pk]
