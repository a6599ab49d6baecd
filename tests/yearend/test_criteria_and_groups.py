"""The criteria model through the app (RULES.md §4 examples 3 and 4), and HR's groups."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congtam.accounts.models import Role
from congtam.yearend import calibration, proposals, services
from congtam.yearend.assessments.services import criteria_record
from congtam.yearend.models import Classification
from tests.yearend.conftest import approve_scores

pytestmark = pytest.mark.django_db


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


def _self_assessment(world, year, actor=None):
    return criteria_record(
        actor=actor or world.users[Role.HR],
        year=year,
        person=world.people["anh"],
        shared_criteria_met=True,
        completion_percent="100",
        exceeded_percent="60",
        short_percent="0",
        proposed_level="HTXSNV",
    )


def test_example_4_absence_caps_a_criteria_level_through_the_app(world, criteria_year):
    assert criteria_year.model == "criteria"
    _self_assessment(world, criteria_year)
    services.fact_record(
        actor=world.users[Role.HR],
        year=criteria_year,
        person=world.people["anh"],
        kind="absence",
        months=Decimal(4),
        document_reference="QĐ nghỉ phép 21/QĐ",
    )
    proposals.proposals_compute(actor=world.users[Role.HR], year=criteria_year)
    anh = Classification.objects.get(year=criteria_year, person=world.people["anh"])
    assert (anh.qualified_level, anh.proposed_level) == ("HTNV", "HTNV")
    assert anh.exact_score is None


def test_example_3_short_service_is_not_classified_never_khtnv(world, criteria_year):
    services.fact_record(
        actor=world.users[Role.HR],
        year=criteria_year,
        person=world.people["anh"],
        kind="worked",
        months=Decimal(5),
        document_reference="QĐ tuyển dụng 1/8/2026",
    )
    run = proposals.proposals_compute(actor=world.users[Role.HR], year=criteria_year)
    assert run.missing == []  # no self-assessment needed: too little time worked
    anh = Classification.objects.get(year=criteria_year, person=world.people["anh"])
    assert anh.proposed_level == "KXL"


def test_the_self_assessment_is_the_persons_or_hrs(world, criteria_year):
    with pytest.raises(PermissionDenied):
        _self_assessment(world, criteria_year, actor=world.users[Role.UNIT_HEAD])
    with pytest.raises(ValidationError) as refused:
        criteria_record(
            actor=world.users[Role.HR],
            year=criteria_year,
            person=world.people["anh"],
            shared_criteria_met=True,
            completion_percent="120",
            exceeded_percent="x",
            short_percent="0",
        )
    assert {"completion_percent", "exceeded_percent"} <= set(refused.value.message_dict)


def test_hr_moves_a_person_to_another_group_and_the_proposal_keeps_it(year_end):
    for key in ("an", "binh"):
        approve_scores(year_end.cycle, year_end.person(key), [80, 80, 80, 80])
    hr = year_end.user(Role.HR)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    an = year_end.classification("an")
    with pytest.raises(PermissionDenied):
        calibration.group_set(
            actor=year_end.user(Role.UNIT_HEAD), classification=an, expected_version=an.version, group="PT", reason="x"
        )
    calibration.group_set(
        actor=hr,
        classification=an,
        expected_version=an.version,
        group="Pháp chế",
        reason="Làm công tác pháp chế như nhóm Pháp chế",
    )
    proposals.proposals_compute(actor=hr, year=year_end.year)
    an = year_end.classification("an")
    assert an.group == "Pháp chế" and an.explanation["tree"]["group"] == "Pháp chế"
    assert year_end.classification("binh").group == "CV"
