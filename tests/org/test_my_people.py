from datetime import date

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.org import services
from congtam.org.selectors import people_under_authority

pytestmark = pytest.mark.django_db


def _rows(world, role):
    return {
        (row.person.staff_code, row.evaluates, row.approves) for row in people_under_authority(viewer=world.users[role])
    }


def test_division_head_evaluates_the_division(world):
    assert _rows(world, Role.MANAGER) == {("NV021", True, False), ("NV022", True, False)}


def test_department_head_evaluates_deputies_and_division_heads_and_approves_the_department(world):
    assert _rows(world, Role.UNIT_HEAD) == {
        ("NV011", True, True),
        ("NV020", True, True),
        ("NV021", False, True),
        ("NV022", False, True),
    }


def test_staff_evaluate_nobody_and_see_only_their_own_list(world, client_as):
    assert _rows(world, Role.STAFF) == set()
    response = client_as(Role.STAFF).get(reverse("org:my_people"))
    assert list(response.context["page"]) == []


def test_an_assignment_by_hr_adds_the_person(world):
    services.authority_override_set(
        actor=None,
        person=world.people["anh"],
        kind="evaluator",
        authority=world.people["truong_phong"],
        effective_from=date(2026, 1, 1),
        reason="QĐ 1",
    )
    assert ("NV040", True, False) in _rows(world, Role.MANAGER)


def test_an_assignment_elsewhere_removes_the_person(world):
    services.authority_override_set(
        actor=None,
        person=world.people["binh"],
        kind="evaluator",
        authority=world.people["vu_truong_tccb"],
        effective_from=date(2026, 1, 1),
        reason="QĐ 2",
    )
    assert _rows(world, Role.MANAGER) == {("NV021", True, False)}


def test_the_agency_head_sees_the_heads_below(world):
    rows = {
        row.person.staff_code: (row.evaluates, row.approves)
        for row in people_under_authority(viewer=_user_for(world, "chu_nhiem"))
    }
    assert rows["NV010"] == (True, True)  # head of Vụ Pháp luật
    assert rows["NV002"] == (True, True)  # deputy at the top
    assert "NV021" not in rows


def _user_for(world, key):
    from tests.factories import make_user

    return make_user("chunhiem", role=Role.LEADERSHIP, person=world.people[key])


def test_page_query_count_does_not_grow(world, client_as, count_queries):
    client = client_as(Role.UNIT_HEAD)
    with count_queries() as few:
        client.get(reverse("org:my_people"))
    for index in range(40):
        services.person_create(
            actor=None,
            staff_code=f"M{index}",
            full_name=f"Lê Văn Mới {index}",
            category="cong_chuc",
            unit=world.units["VPL-P1"],
        )
    with count_queries() as many:
        response = client.get(reverse("org:my_people"))
    assert response.context["page"].paginator.count == 44
    assert len(few.captured_queries) == len(many.captured_queries), many.report()
