from datetime import date

import pytest
from django.core.exceptions import ValidationError

from congtam.audit.models import AuditEntry
from congtam.org import services
from congtam.org.authority import derive_all, derive_for_person
from congtam.org.models import UnitRole

pytestmark = pytest.mark.django_db


def _authorities(world, key):
    return derive_for_person(world.people[key])


def test_staff_evaluated_by_head_of_unit_and_approved_by_head_of_department(world):
    found = _authorities(world, "an")
    assert found.evaluator.person_id == world.people["truong_phong"].pk
    assert found.approver.person_id == world.people["vu_truong"].pk


def test_deputy_evaluated_by_the_head(world):
    found = _authorities(world, "pho_vu_truong")
    assert found.evaluator.person_id == world.people["vu_truong"].pk
    assert found.approver.person_id == world.people["vu_truong"].pk


def test_unit_head_evaluated_by_head_of_parent_unit(world):
    assert _authorities(world, "truong_phong").evaluator.person_id == world.people["vu_truong"].pk
    found = _authorities(world, "vu_truong")
    assert found.evaluator.person_id == world.people["chu_nhiem"].pk
    assert found.approver.person_id == world.people["chu_nhiem"].pk


def test_agency_head_goes_to_the_configured_authority(world):
    found = _authorities(world, "chu_nhiem")
    assert found.evaluator.external == "Ủy ban Thường vụ Quốc hội"
    assert found.approver.external == "Ủy ban Thường vụ Quốc hội"
    assert found.is_valid


def test_agency_head_without_configured_authority_is_a_problem(world):
    services.agency_update(actor=None, agency=world.agency, external_authority="")
    found = _authorities(world, "chu_nhiem")
    assert found.evaluator.problem == "agency_authority_missing"


def test_vacant_head_is_a_problem(world):
    found = _authorities(world, "anh")
    assert found.evaluator.problem == "unit_head_vacant"
    assert found.approver.problem == "approver_head_vacant"


def test_nobody_is_their_own_evaluator_or_approver(world):
    for found in derive_all():
        assert found.evaluator.person_id != found.person_id
        assert found.approver.person_id != found.person_id


def test_override_changes_the_evaluator_from_its_date_with_audit(world):
    before = AuditEntry.objects.count()
    services.authority_override_set(
        actor=world.users["hr"],
        person=world.people["anh"],
        kind="evaluator",
        authority=world.people["pho_chu_nhiem"],
        effective_from=date(2026, 1, 1),
        reason="Quyết định 12/QĐ-VPQH",
    )
    found = _authorities(world, "anh")
    assert found.evaluator.person_id == world.people["pho_chu_nhiem"].pk
    assert found.evaluator.overridden
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.event == "org.authority.overridden"
    assert entry.reason == "Quyết định 12/QĐ-VPQH"


def test_future_override_not_yet_in_force(world):
    services.authority_override_set(
        actor=None,
        person=world.people["an"],
        kind="evaluator",
        authority=world.people["vu_truong"],
        effective_from=date(2099, 1, 1),
        reason="Sắp tới",
    )
    assert _authorities(world, "an").evaluator.person_id == world.people["truong_phong"].pk


def test_override_to_self_is_refused_with_a_clear_message(world):
    with pytest.raises(ValidationError) as raised:
        services.authority_override_set(
            actor=None,
            person=world.people["an"],
            kind="approver",
            authority=world.people["an"],
            effective_from=date(2026, 1, 1),
            reason="x",
        )
    assert "Nguyễn Văn An" in str(raised.value)


def test_override_without_reason_is_refused(world):
    with pytest.raises(ValidationError):
        services.authority_override_set(
            actor=None,
            person=world.people["an"],
            kind="approver",
            authority=world.people["binh"],
            effective_from=date(2026, 1, 1),
            reason="   ",
        )


def test_derive_all_query_count_does_not_depend_on_people(world, django_assert_max_num_queries, count_queries):
    with count_queries() as few:
        list(derive_all())
    for index in range(30):
        services.person_create(
            actor=None,
            staff_code=f"X{index}",
            full_name=f"Người Thứ {index}",
            category="cong_chuc",
            unit=world.units["VPL-P1"],
            unit_role=UnitRole.MEMBER,
        )
    with count_queries() as many:
        results = list(derive_all())
    assert len(results) == 11 + 30
    assert len(few.captured_queries) == len(many.captured_queries), many.report()
