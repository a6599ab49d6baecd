"""The self-assessment of the criteria model through its pages: the person writes theirs and
proposes their own level; HR records one from a paper report; the unit's heads and the inspector
read; nobody else sees it; it is locked once the year leaves its first step."""

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.org import services as org
from congtam.org.models import Category, UnitRole
from congtam.yearend import proposals, services
from congtam.yearend.assessments.services import criteria_record
from congtam.yearend.models import CriteriaSelfAssessment
from tests.factories import make_user

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


@pytest.fixture
def anh(world):
    return make_user("anh", role=Role.STAFF, person=world.people["anh"])


def _own_url(year):
    return reverse("yearend:self_assessment", kwargs={"pk": year.pk})


def _for_url(year, staff_code="NV040"):
    return reverse("yearend:self_assessment_for", kwargs={"pk": year.pk, "staff_code": staff_code})


FILLED = {
    "version": "0",
    "report": "Hoàn thành 12 nhiệm vụ được giao, trong đó 7 nhiệm vụ vượt tiến độ.",
    "shared_criteria_met": "on",
    "completion_percent": "100",
    "exceeded_percent": "58,5",
    "short_percent": "0",
    "proposed_level": "HTXSNV",
}


def test_the_person_writes_the_self_assessment_and_proposes_a_level(criteria_year, anh, client):
    client.force_login(anh)
    years = client.get(reverse("yearend:years")).content.decode()
    assert _own_url(criteria_year) in years
    response = client.post(_own_url(criteria_year), FILLED)
    assert response.status_code == 302
    assessment = CriteriaSelfAssessment.objects.get(year=criteria_year)
    assert (assessment.report, str(assessment.exceeded_percent), assessment.proposed_level) == (
        FILLED["report"],
        "58.50",
        "HTXSNV",
    )
    assert assessment.recorded_by == anh and assessment.version == 1
    assert AuditEntry.objects.filter(event="yearend.criteria.recorded").count() == 1
    page = client.get(_own_url(criteria_year)).content.decode()
    assert "58.5" in page and FILLED["report"] in page


def test_a_refusal_says_why_and_keeps_what_was_typed(criteria_year, anh, client):
    client.force_login(anh)
    response = client.post(_own_url(criteria_year), {**FILLED, "proposed_level": "", "completion_percent": "120"})
    assert response.status_code == 400
    page = response.content.decode()
    assert FILLED["report"] in page and 'value="120"' in page
    assert "Hãy tự đề xuất mức xếp loại." in page
    assert not CriteriaSelfAssessment.objects.exists()
    response = client.post(_own_url(criteria_year), {**FILLED, "report": "  "})
    assert response.status_code == 400 and not CriteriaSelfAssessment.objects.exists()


def test_a_stale_version_is_refused_and_nothing_is_overwritten(criteria_year, anh, client):
    client.force_login(anh)
    client.post(_own_url(criteria_year), FILLED)
    response = client.post(_own_url(criteria_year), {**FILLED, "version": "0", "proposed_level": "HTTNV"})
    assert response.status_code == 400
    assert CriteriaSelfAssessment.objects.get().proposed_level == "HTXSNV"


def test_hr_records_from_the_paper_report_and_others_may_not(world, criteria_year, anh, client_as):
    hr = client_as(Role.HR)
    list_page = hr.get(reverse("yearend:self_assessments", kwargs={"pk": criteria_year.pk})).content.decode()
    assert 'data-testid="row-NV040"' in list_page and _for_url(criteria_year) in list_page
    assert hr.post(_for_url(criteria_year), {**FILLED, "report": ""}).status_code == 302  # the paper holds it
    assert CriteriaSelfAssessment.objects.get().recorded_by == world.users[Role.HR]
    staff = client_as(Role.STAFF)  # Nguyễn Văn An, of another unit
    assert staff.get(_for_url(criteria_year)).status_code == 403
    assert staff.post(_for_url(criteria_year), FILLED).status_code == 403
    assert staff.get(_own_url(criteria_year)).status_code == 403  # not a public employee of the year
    inspector = client_as(Role.INSPECTOR)
    page = inspector.get(_for_url(criteria_year))
    assert page.status_code == 200 and '<form method="post" id="self-assessment"' not in page.content.decode()
    assert inspector.post(_for_url(criteria_year), FILLED).status_code == 403
    assert CriteriaSelfAssessment.objects.get().recorded_by == world.users[Role.HR]


def test_once_the_year_moves_on_the_self_assessment_is_read_only(criteria_year, anh, client):
    client.force_login(anh)
    client.post(_own_url(criteria_year), FILLED)
    proposals.proposals_compute(actor=criteria_year.created_by, year=criteria_year)
    page = client.get(_own_url(criteria_year))
    assert page.status_code == 200 and '<form method="post" id="self-assessment"' not in page.content.decode()
    assert FILLED["report"] in page.content.decode()
    assert client.post(_own_url(criteria_year), {**FILLED, "version": "1"}).status_code == 403


def test_a_head_gives_the_units_results_on_the_page(world, criteria_year, client):
    head = org.person_create(
        actor=None,
        staff_code="NV041",
        full_name="Vũ Đức Thắng",
        category=Category.VIEN_CHUC,
        unit=world.units["VTT"],
        position=world.positions["LD"],
        unit_role=UnitRole.HEAD,
    )
    client.force_login(make_user("thang", role=Role.UNIT_HEAD, person=head))
    page = client.get(_own_url(criteria_year)).content.decode()
    assert 'name="targets_completed_percent"' in page
    response = client.post(
        _own_url(criteria_year), {**FILLED, "proposed_level": "HTTNV", "subunits_good_or_better_percent": "60"}
    )
    assert response.status_code == 400
    assert {"targets_completed_percent", "on_time_percent", "subunits_complete_or_better_percent"} <= set(
        response.context["form"].errors
    )
    response = client.post(
        _own_url(criteria_year),
        {
            **FILLED,
            "proposed_level": "HTTNV",
            "targets_completed_percent": "100",
            "targets_exceeded_percent": "0",
            "on_time_percent": "85",
            "subunits_complete_or_better_percent": "100",
            "subunits_good_or_better_percent": "60",
        },
    )
    assert response.status_code == 302
    assert CriteriaSelfAssessment.objects.get(person=head).on_time_percent == 85
    # The unit's head reads the self-assessments of the people of the unit.
    assert client.get(_for_url(criteria_year)).status_code == 200


def test_the_list_makes_the_same_queries_for_few_and_many(world, criteria_year, client_as, count_queries):
    client = client_as(Role.HR)
    url = reverse("yearend:self_assessments", kwargs={"pk": criteria_year.pk})
    criteria_record(
        actor=world.users[Role.HR],
        year=criteria_year,
        person=world.people["anh"],
        shared_criteria_met=True,
        completion_percent=100,
        exceeded_percent=0,
        short_percent=0,
    )
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for index in range(30):
        person = org.person_create(
            actor=None,
            staff_code=f"VC{index:03d}",
            full_name=f"Viên chức {index}",
            category=Category.VIEN_CHUC,
            unit=world.units["VTT"],
        )
        if index % 2:
            criteria_record(
                actor=world.users[Role.HR],
                year=criteria_year,
                person=person,
                shared_criteria_met=True,
                completion_percent=100,
                exceeded_percent=0,
                short_percent=0,
            )
    with count_queries() as many:
        response = client.get(url)
    assert response.content.decode().count('data-testid="row-') == 31
    assert len(many) == len(few), many.report()
    missing = client.get(url, {"missing": "1"}).content.decode()
    assert missing.count('data-testid="row-') == 15
