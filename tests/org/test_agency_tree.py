"""Agencies in a tree (issue 13): a province with departments below it on one installation.

The canonical agency (Văn phòng Quốc hội, tests/factories.py) is the top of the tree here; two
departments are built under it through the real services, with the same unit, position and
staff codes as each other, which codes unique within an agency allow."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.org import services
from congtam.org.agencies import agencies_open_to, agency_choose, current_agency
from congtam.org.authority import derive_all, derive_for_person, derive_under
from congtam.org.models import Category, Person, UnitRole
from tests.factories import make_user


def _department(world, code: str, name: str, *, head_code: str | None = "GD01"):
    """A department under the canonical agency: a top unit with its director, one office."""
    agency = services.agency_create(actor=None, code=code, name=name, parent=world.agency)
    top = services.unit_create(actor=None, agency=agency, code="SO", name=name)
    office = services.unit_create(actor=None, agency=agency, code="VP", name="Văn phòng Sở", parent=top)
    position = services.position_create(actor=None, agency=agency, code="CV", title="Chuyên viên")
    people = {}
    if head_code:
        people["head"] = services.person_create(
            actor=None,
            staff_code=head_code,
            full_name=f"Giám đốc {name}",
            category=Category.CONG_CHUC,
            unit=top,
            position=position,
            unit_role=UnitRole.HEAD,
        )
    people["staff"] = services.person_create(
        actor=None,
        staff_code="NV01",
        full_name=f"Chuyên viên {name}",
        category=Category.CONG_CHUC,
        unit=top,
        position=position,
    )
    return agency, {"top": top, "office": office}, people


@pytest.fixture
def province(world):
    finance = _department(world, "STC", "Sở Tài chính")
    justice = _department(world, "STP", "Sở Tư pháp", head_code="GD02")
    return world, finance, justice


def test_an_agency_below_another_has_its_path_and_depth(province):
    world, (finance, _units, _people), _justice = province
    assert finance.parent == world.agency
    assert (finance.depth, finance.path) == (1, world.agency.path + f"{finance.pk:08d}/")
    assert finance.ancestor_ids() == [world.agency.pk]
    assert services.default_agency() == world.agency


def test_codes_repeat_across_agencies_but_never_within_one(province):
    _world, (finance, units, _people), (justice, _units, _justice_people) = province
    assert Person.objects.filter(staff_code="NV01").count() == 2
    assert {person.agency for person in Person.objects.filter(staff_code="NV01")} == {finance, justice}
    with pytest.raises(ValidationError):
        services.unit_create(actor=None, agency=finance, code="VP", name="Văn phòng khác", parent=units["top"])
    with pytest.raises(ValidationError):
        services.position_create(actor=None, agency=finance, code="CV", title="Chuyên viên khác")
    with pytest.raises(ValidationError):
        services.person_create(
            actor=None, staff_code="NV01", full_name="Người trùng mã", category=Category.CONG_CHUC, unit=units["office"]
        )


def test_a_person_takes_their_units_agency_and_never_moves_to_another_agency(province):
    world, (finance, _units, people), (_justice, justice_units, _people) = province
    staff = people["staff"]
    assert staff.agency == finance
    with pytest.raises(ValidationError) as refused:
        services.person_transfer(
            actor=None,
            person=staff,
            expected_version=staff.version,
            unit=justice_units["office"],
            on=date(2026, 6, 1),
            reason="QĐ 12/QĐ-UBND",
        )
    assert set(refused.value.message_dict) == {"unit"}
    with pytest.raises(ValidationError) as refused:
        services.person_create(
            actor=None,
            staff_code="NV99",
            full_name="Người mới",
            category=Category.CONG_CHUC,
            unit=justice_units["office"],
            position=world.positions["CV"],
        )
    assert set(refused.value.message_dict) == {"position"}


def test_a_departments_head_is_evaluated_and_approved_by_the_head_of_the_agency_above(province):
    world, (_finance, _units, people), _justice = province
    chief = world.people["chu_nhiem"]
    found = derive_for_person(people["head"])
    assert (found.evaluator.person_id, found.approver.person_id) == (chief.pk, chief.pk)
    assert found.is_valid
    # Their staff are evaluated and approved inside the department, as before.
    staff = derive_for_person(people["staff"])
    assert staff.evaluator.person_id == people["head"].pk
    # The agency's head sees them among the people they evaluate and approve.
    under = {authorities.person_id for authorities in derive_under(chief)}
    assert people["head"].pk in under and people["staff"].pk not in under
    # The whole installation at once agrees with the one-person reading.
    everyone = {authorities.person_id: authorities for authorities in derive_all()}
    assert everyone[people["head"].pk] == found
    assert everyone[chief.pk].evaluator.external == "Ủy ban Thường vụ Quốc hội"


def test_with_the_superior_head_vacant_the_outside_authority_or_a_problem_stands(world):
    lonely = services.agency_create(actor=None, code="SXD", name="Sở Xây dựng", parent=world.agency)
    top = services.unit_create(actor=None, agency=lonely, code="SO", name="Sở Xây dựng")
    head = services.person_create(
        actor=None,
        staff_code="GD09",
        full_name="Giám đốc Sở Xây dựng",
        category=Category.CONG_CHUC,
        unit=top,
        unit_role=UnitRole.HEAD,
    )
    chief = world.people["chu_nhiem"]
    services.person_update(actor=None, person=chief, expected_version=chief.version, is_active=False)
    assert derive_for_person(head).evaluator.problem == "superior_head_vacant"
    services.agency_update(actor=None, agency=lonely, external_authority="Ban Thường vụ Tỉnh ủy")
    assert derive_for_person(head).evaluator.external == "Ban Thường vụ Tỉnh ủy"


def test_each_viewer_opens_their_agency_and_those_below_never_a_sibling(province, rf):
    world, (finance, _units, finance_people), (justice, _units2, _people) = province
    hr = world.users[Role.HR]  # a person of the top agency
    assert list(agencies_open_to(hr)) == [world.agency, finance, justice]
    finance_hr = make_user("tccb_stc", role=Role.HR, person=finance_people["staff"])
    assert list(agencies_open_to(finance_hr)) == [finance]
    admin = world.users[Role.ADMIN]
    assert set(agencies_open_to(admin)) == {world.agency, finance, justice}

    request = rf.get("/")
    request.user, request.session = finance_hr, {}
    assert current_agency(request) == finance
    assert agency_choose(request, justice.pk) is None  # a sibling: refused, nothing changes
    assert current_agency(request) == finance

    request = rf.get("/")
    request.user, request.session = hr, {}
    assert current_agency(request) == world.agency
    assert agency_choose(request, justice.pk) == justice
    again = rf.get("/")
    again.user, again.session = hr, request.session
    assert current_agency(again) == justice


def test_the_organisation_pages_read_codes_in_the_agency_chosen(province):
    world, (_finance, _units, finance_people), (justice, _units2, justice_people) = province
    client = Client()
    client.force_login(world.users[Role.HR])
    tree = client.get(reverse("org:unit_tree")).content.decode()
    assert 'data-testid="agency-choose"' in tree and "Sở Tư pháp" in tree
    assert "Văn phòng Sở" not in tree  # the top agency's own tree first

    response = client.post(reverse("org:agency_choose"), {"agency": justice.pk})
    assert response.status_code == 302
    tree = client.get(reverse("org:unit_tree")).content.decode()
    assert "Văn phòng Sở" in tree
    person_page = client.get(reverse("org:person_detail", kwargs={"staff_code": "NV01"})).content.decode()
    assert justice_people["staff"].full_name in person_page
    assert finance_people["staff"].full_name not in person_page
    found = client.get(reverse("org:person_search"), {"q": "NV01"}).content.decode()
    assert justice_people["staff"].full_name in found and finance_people["staff"].full_name not in found
    # The top agency's people are not in the department's directory.
    assert client.get(reverse("org:person_detail", kwargs={"staff_code": "NV021"})).status_code == 404


def test_a_department_person_never_sees_the_province_or_a_sibling(province):
    _world, (_finance, _units, finance_people), (justice, _units2, _people) = province
    user = make_user("nv_stc", role=Role.STAFF, person=finance_people["staff"])
    client = Client()
    client.force_login(user)
    tree = client.get(reverse("org:unit_tree")).content.decode()
    assert 'data-testid="agency-choose"' not in tree  # one agency open: nothing to choose
    assert "Văn phòng Sở" in tree and "Vụ Pháp luật" not in tree
    client.post(reverse("org:agency_choose"), {"agency": justice.pk})
    assert client.get(reverse("org:person_detail", kwargs={"staff_code": "NV021"})).status_code == 404
    page = client.get(reverse("org:person_detail", kwargs={"staff_code": "NV01"})).content.decode()
    assert finance_people["staff"].full_name in page


def test_the_administrator_adds_an_agency_under_another_in_the_admin(world):
    from congtam.audit.models import AuditEntry
    from congtam.org.models import Agency

    client = Client()
    client.force_login(world.users[Role.ADMIN])
    response = client.post(
        reverse("admin:org_agency_add"),
        {
            "code": "STC",
            "name": "Sở Tài chính",
            "parent": world.agency.pk,
            "external_authority": "",
            "approval_depth": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Agency.objects.get(code="STC")
    assert (added.parent, added.depth, added.path) == (world.agency, 1, world.agency.path + f"{added.pk:08d}/")
    assert AuditEntry.objects.filter(event="org.agency.created", subject_id=str(added.pk)).exists()
