"""API tokens are scoped to one agency's units (issue 13, part 2): with a department below the
Office holding the same unit code (VPL-P1) and the same staff code (NV021) as the Office, a
system of the Office writes for the Office's people only, and a system of the department never
reaches the Office's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from congtam.accounts.models import Role
from congtam.api import selectors
from congtam.api.services import source_system_issue
from congtam.monitoring.models import WorkItem
from congtam.org import services as org_services
from congtam.org.models import Category
from tests.api.conftest import Caller, item

pytestmark = pytest.mark.django_db

BATCH = "/api/v1/work-items/batch"


@pytest.fixture
def department(year):
    agency = org_services.agency_create(actor=None, code="STC", name="Sở Tài chính", parent=year.world.agency)
    top = org_services.unit_create(actor=None, agency=agency, code="SO", name="Sở Tài chính")
    office = org_services.unit_create(actor=None, agency=agency, code="VPL-P1", name="Văn phòng Sở", parent=top)
    twin = org_services.person_create(
        actor=None, staff_code="NV021", full_name="Lê Văn Trùng", category=Category.CONG_CHUC, unit=office
    )
    return agency, office, twin


def test_a_token_covers_the_units_of_one_agency_only(year, department):
    _agency, office, _twin = department
    with pytest.raises(ValidationError) as refused:
        source_system_issue(actor=year.user(Role.HR), name="Hai cơ quan", units=[year.world.units["VPL-P1"], office])
    assert set(refused.value.message_dict) == {"units"}


def test_the_same_unit_code_in_another_agency_is_never_the_systems_unit(year, department, api):
    _agency, office, _twin = department
    api.system.scope_paths = (year.world.units["VPL-P1"].path,)  # as the token's authentication loads them
    found = selectors.unit_in_scope(system=api.system, code="VPL-P1")
    assert found == year.world.units["VPL-P1"] and found != office


def test_the_offices_system_writes_for_the_offices_nv021_not_the_departments(year, department, api, client):
    _agency, _office, twin = department
    response = api.post(BATCH, {"items": [item()]})
    assert response.status_code == 200, response.content
    created = WorkItem.objects.get(source_id="GV-1")
    assert created.review.person == year.world.people["an"]
    assert not WorkItem.objects.filter(review__person=twin).exists()


def test_the_departments_system_never_reaches_the_offices_people(year, department, client):
    _agency, office, _twin = department
    system, token = source_system_issue(actor=year.user(Role.HR), name="Hệ thống của Sở", units=[office])
    caller = Caller(client=client, token=token, system=system)
    response = caller.post(BATCH, {"items": [item(source_id="GV-9")]})
    assert response.status_code == 400, response.content
    assert not WorkItem.objects.filter(source_id="GV-9").exists()
    listed = caller.get("/api/v1/work-items", {"period": "2026-11"})
    assert listed.status_code == 200 and listed.json()["results"] == []
