import pytest
from django.urls import reverse

from congtam.accounts.models import Role

pytestmark = pytest.mark.django_db

URL = reverse("org:authority_override", kwargs={"staff_code": "NV040"})


def test_hr_assigns_an_evaluator_and_the_problem_disappears(client_as, world):
    client = client_as(Role.HR)
    problems = client.get(reverse("org:authority_problems"))
    assert [problem.person.staff_code for problem in problems.context["page"]] == ["NV040"]
    response = client.post(URL, {"kind": "evaluator", "authority_code": "NV002", "effective_from": "01/01/2026", "reason": "QĐ 3"})
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
    response = client_as(Role.HR).post(URL, {"kind": "evaluator", "authority_code": "KHONGCO", "effective_from": "32/13/2026", "reason": "x"})
    errors = response.context["form"].errors
    assert "KHONGCO" in errors["authority_code"][0]
    assert "effective_from" in errors
