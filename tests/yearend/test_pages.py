"""The year-end pages: facts are sensitive (reads logged, others refused), the calibration page
(quota said plainly, queries flat), a refused change keeps what was typed, the person's result
page, the public list."""

from datetime import date

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.core.permissions import Refused
from congtam.yearend import appeals, approval, proposals, selectors, services
from tests.yearend.conftest import approve_scores

pytestmark = pytest.mark.django_db


def _discipline(year_end):
    services.fact_record(
        actor=year_end.user(Role.HR),
        year=year_end.year,
        person=year_end.person("an"),
        kind="discipline",
        discipline_measure="canh_cao",
        decision_number="77/QĐ-VPQH",
        decision_date=date(2026, 5, 4),
        violation="Tiết lộ tài liệu mật",
        document_reference="77/QĐ-VPQH",
    )


def _facts_url(year_end):
    return reverse("yearend:facts", kwargs={"pk": year_end.year.pk, "staff_code": "NV021"})


@pytest.mark.parametrize("role", [Role.HR, Role.UNIT_HEAD, Role.STAFF])
def test_facts_are_shown_to_hr_the_competent_authority_and_the_person_and_each_read_is_logged(
    year_end, client_as, role
):
    _discipline(year_end)
    response = client_as(role).get(_facts_url(year_end))
    assert response.status_code == 200
    assert "Tiết lộ tài liệu mật" in response.content.decode()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.event == "yearend.facts.viewed"
    assert entry.actor_label == year_end.user(role).username
    assert entry.subject_id == str(year_end.person("an").pk)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LEADERSHIP, Role.INSPECTOR])
def test_facts_are_refused_to_everyone_else_and_nothing_is_read(year_end, client_as, role):
    _discipline(year_end)
    before = AuditEntry.objects.count()
    response = client_as(role).get(_facts_url(year_end))
    assert response.status_code == 403
    assert "Tiết lộ tài liệu mật" not in response.content.decode()
    assert AuditEntry.objects.count() == before
    with pytest.raises(Refused):
        selectors.facts_for(viewer=year_end.user(role), year=year_end.year, person=year_end.person("an"))


def test_a_refused_fact_keeps_what_was_typed(year_end, client_as):
    response = client_as(Role.HR).post(
        _facts_url(year_end),
        {
            "kind": "discipline",
            "decision_number": "88/QĐ",
            "violation": "Vi phạm giờ giấc",
            "document_reference": "88/QĐ",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="88/QĐ"' in content and "Vi phạm giờ giấc" in content
    assert not year_end.year.facts.exists()


def _calibration(client, year_end):
    return client.get(reverse("yearend:calibration", kwargs={"pk": year_end.year.pk, "code": "VPL-P1"}))


def test_the_calibration_page_says_quota_zero_and_ranks_the_group(year_end, client_as):
    approve_scores(year_end.cycle, year_end.person("an"), [92, 88, 91, 89])
    approve_scores(year_end.cycle, year_end.person("binh"), [92, 88, 90, 89])
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    response = _calibration(client_as(Role.HR), year_end)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="quota-zero"' in content
    assert content.index("Nguyễn Văn An") < content.index("Đặng Thị Bình")
    assert "90,00" in content and "89,75" in content


def test_a_refused_level_change_keeps_the_choice_and_says_why(year_end, client_as):
    approve_scores(year_end.cycle, year_end.person("an"), [80, 80, 80, 80])
    approve_scores(year_end.cycle, year_end.person("binh"), [80, 80, 80, 80])
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    an = year_end.classification("an")
    prefix = f"c{an.pk}"
    response = client_as(Role.HR).post(
        reverse("yearend:level_change", kwargs={"pk": an.pk}),
        {f"{prefix}-version": an.version, f"{prefix}-level": "HTXSNV", f"{prefix}-reason": "Có thành tích nổi bật"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Có thành tích nổi bật" in content
    assert '<option value="HTXSNV" selected>' in content
    an.refresh_from_db()
    assert an.level == "HTTNV"


def _add_people(world, cycle, count, start):
    from congtam.monitoring import cycles
    from congtam.org import services as org

    for number in range(start, start + count):
        org.person_create(
            actor=None,
            staff_code=f"NV{number}",
            full_name=f"Lê Văn Người {number}",
            category="cong_chuc",
            unit=world.units["VPL-P1"],
            position=world.positions["CV"],
            unit_role="member",
            email=f"nv{number}@quochoi.vn",
        )
    cycles.reviews_open(cycle)
    from congtam.org.models import Person

    for person in Person.objects.filter(staff_code__startswith="NV", unit=world.units["VPL-P1"]):
        approve_scores(cycle, person, [85 + person.pk % 10] * 4)


def test_the_calibration_page_makes_the_same_queries_for_few_and_many(year_end, client_as, count_queries):
    client = client_as(Role.HR)
    _add_people(year_end.world, year_end.cycle, 2, 100)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    _calibration(client, year_end)  # warm the session and caches
    with count_queries() as few:
        assert _calibration(client, year_end).status_code == 200
    _add_people(year_end.world, year_end.cycle, 25, 200)
    proposals.proposals_compute(actor=year_end.user(Role.HR), year=year_end.year)
    with count_queries() as many:
        response = _calibration(client, year_end)
    content = response.content.decode()
    # 27 people in the group: the first page of its ranking, and the way to the next.
    assert content.count('data-testid="row-') > 20 and 'data-testid="pager-CV"' in content
    assert len(many) == len(few), many.report()


def _announce_all(year_end, chairman):
    for key in ("an", "binh"):
        approve_scores(year_end.cycle, year_end.person(key), [80, 80, 80, 80])
    hr = year_end.user(Role.HR)
    proposals.proposals_compute(actor=hr, year=year_end.year)
    approval.year_submit_for_approval(actor=hr, year=year_end.year)
    for approver in (year_end.user(Role.UNIT_HEAD), chairman):
        for code in ("VPL-P1", "VPL"):
            approval.approve_unit(actor=approver, year=year_end.year, unit=year_end.world.units[code])
    approval.announce(actor=hr, year=year_end.year)


def test_the_person_sees_the_result_with_its_reasons_and_appeals_from_the_page(year_end, client_as, chairman):
    _announce_all(year_end, chairman)
    client = client_as(Role.STAFF)
    response = client.get(reverse("yearend:my_result", kwargs={"pk": year_end.year.pk}))
    content = response.content.decode()
    assert "HTTNV" in content and "80,00" in content
    an = year_end.classification("an")
    assert an.explanation["reasons"]["vi"][0] in content
    response = client.post(reverse("yearend:appeal", kwargs={"pk": an.pk}), {"version": an.version, "reason": ""})
    assert response.status_code == 400
    response = client.post(
        reverse("yearend:appeal", kwargs={"pk": an.pk}),
        {"version": an.version, "reason": "Chưa tính sản phẩm vượt", "documents": "BC 15"},
    )
    assert response.status_code == 302
    an.refresh_from_db()
    assert an.state == "appealed" and an.appeal.decider == year_end.person("chu_nhiem")


def test_the_public_list_shows_levels_only_once_announced(year_end, client_as, chairman):
    url = reverse("yearend:public_list", kwargs={"pk": year_end.year.pk})
    assert "Nguyễn Văn An" not in client_as(Role.INSPECTOR).get(url).content.decode()
    _discipline(year_end)
    _announce_all(year_end, chairman)
    content = client_as(Role.INSPECTOR).get(url).content.decode()
    assert "Nguyễn Văn An" in content and "KHTNV" in content
    assert "Tiết lộ tài liệu mật" not in content and "77/QĐ" not in content


def test_hr_opens_a_year_from_the_page_and_a_refusal_keeps_the_input(world, client_as):
    client = client_as(Role.HR)
    url = reverse("yearend:year_open")
    data = {
        "year": "2026",
        "staff_group": "cong_chuc",
        "policy_id": "khong-co",
        "units": [world.units["VPL"].pk],
        "appeal_days": "10",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and 'value="khong-co"' in response.content.decode()
    response = client.post(url, {**data, "policy_id": "nd335"})
    from congtam.yearend.models import Year

    year = Year.objects.get()
    assert response.url == reverse("yearend:year", kwargs={"pk": year.pk})
    assert (year.policy_id, year.appeal_days, year.model) == ("nd335", 10, "points")


def test_the_level_above_decides_an_appeal_from_the_page(year_end, client, chairman):
    _announce_all(year_end, chairman)
    an = year_end.classification("an")
    appeals.appeal_submit(
        actor=year_end.user(Role.STAFF),
        classification=an,
        expected_version=an.version,
        reason="Chưa tính sản phẩm vượt",
    )
    an.refresh_from_db()
    client.force_login(chairman)
    assert "Chưa tính sản phẩm vượt" in client.get(reverse("yearend:appeals")).content.decode()
    prefix = f"a{an.appeal.pk}"
    url = reverse("yearend:appeal_decide", kwargs={"pk": an.appeal.pk})
    response = client.post(
        url,
        {
            f"{prefix}-version": an.version,
            f"{prefix}-decision": "changed",
            f"{prefix}-new_level": "",
            f"{prefix}-reason": "Có sản phẩm vượt",
        },
    )
    assert response.status_code == 400 and "Có sản phẩm vượt" in response.content.decode()
    response = client.post(
        url,
        {
            f"{prefix}-version": an.version,
            f"{prefix}-decision": "changed",
            f"{prefix}-new_level": "HTNV",
            f"{prefix}-reason": "Chất lượng quý 4 chưa đạt",
        },
    )
    assert response.status_code == 302
    an.refresh_from_db()
    assert (an.state, an.level, an.appeal.decision) == ("final", "HTNV", "changed")
    client.force_login(year_end.user(Role.STAFF))
    content = client.get(reverse("yearend:my_result", kwargs={"pk": year_end.year.pk})).content.decode()
    assert 'data-testid="appeal-decision"' in content and "Chất lượng quý 4 chưa đạt" in content


def test_the_person_acknowledges_from_the_page(year_end, client_as, chairman):
    _announce_all(year_end, chairman)
    an = year_end.classification("an")
    response = client_as(Role.STAFF).post(reverse("yearend:acknowledge", kwargs={"pk": an.pk}), {"version": an.version})
    assert response.status_code == 302
    an.refresh_from_db()
    assert an.state == "acknowledged" and an.acknowledged_at is not None
