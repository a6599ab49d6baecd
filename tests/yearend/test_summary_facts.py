"""Sensitive facts in the summaries: where a disciplinary measure (or another overriding fact)
decided a level, only HR and the administrator read the reason in the Excel summary; the unit's
heads, the leadership and the inspector see that a recorded fact decided it. Each export is logged
with how many such rows it showed or withheld."""

from datetime import date

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.yearend import proposals, services
from congtam.yearend.exports import build
from tests.yearend.conftest import approve_scores
from tests.yearend.test_exports import _sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def disciplined(year_end):
    approve_scores(year_end.cycle, year_end.person("an"), [95, 95, 95, 95])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    services.fact_record(
        actor=year_end.user(Role.HR),
        year=year_end.year,
        person=year_end.person("an"),
        kind="discipline",
        discipline_measure="khien_trach",
        decision_number="12/QĐ-VPQH",
        decision_date=date(2026, 6, 1),
        violation="Vi phạm quy chế",
        document_reference="12/QĐ-VPQH",
    )
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    return year_end


def _notes(client, year_end):
    response = client.get(reverse("yearend:unit_summary", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}))
    assert response.status_code == 200
    rows = _sheet(response.content)
    return {row[1]: row[8] for row in rows if len(row) > 8 and row[1]}


def test_hr_reads_the_reason_and_the_export_is_logged_with_it(disciplined, client_as):
    notes = _notes(client_as(Role.HR), disciplined)
    assert "kỷ luật (khiển trách)" in notes["Nguyễn Văn An"]
    assert build.FACTS_WITHHELD not in notes["Nguyễn Văn An"]
    entry = AuditEntry.objects.filter(event="yearend.summary.downloaded").get()
    assert (entry.new["facts_shown"], entry.new["facts_withheld"]) == (1, 0)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.UNIT_HEAD, Role.LEADERSHIP, Role.INSPECTOR])
def test_others_see_that_a_fact_decided_not_which(disciplined, client_as, role):
    notes = _notes(client_as(role), disciplined)
    an = notes["Nguyễn Văn An"]
    assert build.FACTS_WITHHELD in an
    assert "Khiển trách" not in an and "khiển trách" not in an.lower() and "12/QĐ" not in an
    assert "Đặng Thị Bình" in notes and build.FACTS_WITHHELD not in notes["Đặng Thị Bình"]
    entry = AuditEntry.objects.filter(event="yearend.summary.downloaded").get()
    assert (entry.new["facts_shown"], entry.new["facts_withheld"]) == (0, 1)
