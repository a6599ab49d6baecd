"""The competent authority always acts, at year end too (issue 13, part 3): the level of the
Office's head is fixed by the Standing Committee of the National Assembly, outside the
installation; HR records its signed decision, which approves the level with its audit entry,
and the year's results are announced."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.core.permissions import Refused
from congtam.monitoring import cycles
from congtam.yearend import approval, events, proposals, services
from congtam.yearend.models import Classification, ClassificationState
from tests.yearend.conftest import approve_scores

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def head_level(world, today):
    """The Office's head (the only cán bộ): four approved quarters, a proposed level, approving."""
    hr = world.users[Role.HR]
    cycle = cycles.cycle_open(
        actor=hr,
        agency=world.agency,
        year=2026,
        frequency="quarterly",
        staff_group="can_bo",
        policy_id="nd335",
        units=[world.units["VPQH"]],
    )
    cycles.reviews_open(cycle, actor=hr)
    year = services.year_open(
        actor=hr, agency=world.agency, year=2026, staff_group="can_bo", policy_id="nd335", units=[world.units["VPQH"]]
    )
    approve_scores(cycle, world.people["chu_nhiem"], [92, 91, 93, 90])
    proposals.proposals_compute(actor=hr, year=year)
    approval.year_submit_for_approval(actor=hr, year=year)
    classification = Classification.objects.get(year=year, person=world.people["chu_nhiem"])
    assert classification.approver_id is None
    return classification


def _record(world, classification, actor_role=Role.HR, **changes):
    values = {
        "number": "301/NQ-UBTVQH15",
        "signed_on": date(2026, 12, 8),
        "signer": "Chủ tịch Quốc hội",
        "upload": SimpleUploadedFile("nq-301.pdf", PDF, content_type="application/pdf"),
        **changes,
    }
    return approval.approve_by_decision(
        actor=world.users[actor_role], classification=classification, expected_version=classification.version, **values
    )


def test_hr_records_the_decision_the_level_is_approved_and_the_year_announced(world, head_level):
    approved = _record(world, head_level)
    assert approved.state == ClassificationState.APPROVED
    assert approved.approved_level == (head_level.calibrated_level or head_level.proposed_level)
    assert approved.outside_decision.authority == "Ủy ban Thường vụ Quốc hội"
    entry = AuditEntry.objects.get(event=events.LEVEL_APPROVED_BY_DECISION)
    assert entry.new["decision"]["number"] == "301/NQ-UBTVQH15"
    assert approval.announce(actor=world.users[Role.HR], year=approved.year) == 1


def test_refused_to_anyone_but_hr_and_without_the_signed_file(world, head_level):
    with pytest.raises(Refused):
        _record(world, head_level, actor_role=Role.LEADERSHIP)
    with pytest.raises(ValidationError) as refused:
        _record(world, head_level, upload=None)
    assert set(refused.value.message_dict) == {"file"}
    assert Classification.objects.get(pk=head_level.pk).state == ClassificationState.PROPOSED


def test_hr_finds_the_level_on_the_approval_page_and_records_the_decision_there(world, head_level, client):
    from django.urls import reverse

    url = reverse("yearend:approval", kwargs={"pk": head_level.year_id})
    client.force_login(world.users[Role.LEADERSHIP])
    assert 'data-testid="outside-decisions"' not in client.get(url).content.decode()
    client.force_login(world.users[Role.HR])
    page = client.get(url).content.decode()
    assert 'data-testid="outside-decisions"' in page and "Vương Đình Hải" in page
    prefix = f"d{head_level.pk}"
    target = reverse("yearend:approve_by_decision", kwargs={"pk": head_level.pk})
    assert client.post(target, {f"{prefix}-version": head_level.version}).status_code == 400
    response = client.post(
        target,
        {
            f"{prefix}-version": head_level.version,
            f"{prefix}-number": "301/NQ-UBTVQH15",
            f"{prefix}-signed_on": "08/12/2026",
            f"{prefix}-signer": "Chủ tịch Quốc hội",
            f"{prefix}-file": SimpleUploadedFile("nq-301.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Classification.objects.get(pk=head_level.pk).state == ClassificationState.APPROVED
    assert 'data-testid="outside-decisions"' not in client.get(url).content.decode()
