from datetime import date

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.org.models import AuthorityOverride

pytestmark = pytest.mark.django_db

URL = reverse("org:authority_override", kwargs={"staff_code": "NV040"})


def test_hr_assigns_an_evaluator_and_the_problem_disappears(client_as, world):
    client = client_as(Role.HR)
    problems = client.get(reverse("org:authority_problems"))
    assert [problem.person.staff_code for problem in problems.context["page"]] == ["NV040"]
    response = client.post(
        URL, {"kind": "evaluator", "authority_code": "NV002", "effective_from": "01/01/2026", "reason": "QĐ 3"}
    )
    assert response.status_code == 302
    client.post(URL, {"kind": "approver", "authority_code": "NV001", "effective_from": "01/01/2026", "reason": "QĐ 3"})
    assert list(client.get(reverse("org:authority_problems")).context["page"]) == []
    page = client.get(reverse("org:person_detail", kwargs={"staff_code": "NV040"})).content.decode()
    assert "Bùi Văn Cường" in page and "do Vụ Tổ chức cán bộ phân công" in page


def test_self_assignment_is_refused_with_the_input_kept(client_as, world):
    response = client_as(Role.HR).post(
        URL, {"kind": "evaluator", "authority_code": "NV040", "effective_from": "01/01/2026", "reason": "Lý do đã gõ"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "không thể tự đánh giá" in content
    assert "Lý do đã gõ" in content
    assert not world.people["anh"].authority_overrides.exists()


def test_unknown_staff_code_and_bad_date_are_explained(client_as, world):
    response = client_as(Role.HR).post(
        URL, {"kind": "evaluator", "authority_code": "KHONGCO", "effective_from": "32/13/2026", "reason": "x"}
    )
    errors = response.context["form"].errors
    assert "KHONGCO" in errors["authority_code"][0]
    assert "effective_from" in errors


def _override(client, kind="evaluator", code="NV002"):
    client.post(URL, {"kind": kind, "authority_code": code, "effective_from": "01/01/2026", "reason": "QĐ 3"})
    return AuthorityOverride.objects.get(person__staff_code="NV040", kind=kind, ended_on__isnull=True)


def _end_url(override):
    return reverse("org:authority_override_end", kwargs={"staff_code": "NV040", "override_id": override.pk})


def test_hr_ends_a_decision_and_the_problem_comes_back(client_as, world):
    client = client_as(Role.HR)
    evaluator = _override(client)
    _override(client, kind="approver", code="NV001")
    listed = client.get(URL).content.decode()
    assert "Bùi Văn Cường" in listed and _end_url(evaluator) in listed
    response = client.post(_end_url(evaluator), {"ended_on": "01/06/2026", "reason": "QĐ 9 thu hồi"})
    assert response.status_code == 302
    evaluator.refresh_from_db()
    assert evaluator.ended_on == date(2026, 6, 1)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "org.authority.override_ended" and entry.reason == "QĐ 9 thu hồi"
    # Ended in the past: NV040 has no evaluator again, and the history keeps the decision.
    assert [p.person.staff_code for p in client.get(reverse("org:authority_problems")).context["page"]] == ["NV040"]
    assert _end_url(evaluator) not in client.get(URL).content.decode()


def test_ending_twice_or_before_the_start_is_refused_with_the_input_kept(client_as, world):
    client = client_as(Role.HR)
    override = _override(client)
    early = client.post(_end_url(override), {"ended_on": "31/12/2025", "reason": "Lý do đã gõ"})
    assert early.status_code == 200 and "Lý do đã gõ" in early.content.decode()
    assert early.context["form"].errors["ended_on"]
    client.post(_end_url(override), {"ended_on": "01/06/2026", "reason": "QĐ 9"})
    seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    again = client.post(_end_url(override), {"ended_on": "02/06/2026", "reason": "QĐ 10"})
    assert again.status_code == 200
    assert "01/06/2026" in again.context["form"].non_field_errors()[0]
    override.refresh_from_db()
    assert override.ended_on == date(2026, 6, 1)
    assert AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() == seq


def test_only_hr_ends_a_decision(client_as, world):
    override = _override(client_as(Role.HR))
    for role in set(Role.values) - {Role.HR, Role.ADMIN}:
        assert client_as(role).post(_end_url(override), {"ended_on": "01/06/2026", "reason": "x"}).status_code == 403
    override.refresh_from_db()
    assert override.ended_on is None
