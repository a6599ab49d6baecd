"""Dashboards: a person's scores month by month with where each point came from; a unit's
period; HR's completion of each step. Who sees what, and query counts that do not grow."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from congtam.accounts.models import Role
from congtam.monitoring import cycles, dashboards, items, reviews
from congtam.monitoring.models import Review
from congtam.org import services as org_services
from congtam.org.models import Category, UnitRole
from tests.monitoring.conftest import EARLY, TODAY
from tests.monitoring.test_todo import LEVELS, binh_user

pytestmark = pytest.mark.django_db

AGENCY_WIDE = {Role.HR, Role.ADMIN, Role.LEADERSHIP, Role.INSPECTOR}


def _on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def _review(year, key, number):
    return Review.objects.select_related("period__cycle", "person").get(
        period__cycle=year.cycle, period__number=number, person=year.world.people[key]
    )


def _fresh(item):
    item.refresh_from_db()
    return item


def approved_month(year, monkeypatch, number, *, key="an", late=False, failed=False):
    """One month of ``key`` from plan to approval, lived on the 20th of that month (then back
    to the fixed today): a report of factor 4 and an opinion of factor 1, the opinion ``late``
    (done on the 15th for the 12th) and the report ``failed`` once."""
    world = year.world
    staff, manager, head = world.people[key].account, year.user(Role.MANAGER), year.user(Role.UNIT_HEAD)
    _on(monkeypatch, date(2026, number, 20))
    review = _review(year, key, number)
    report = items.item_assign(actor=manager, review=review, catalogue_code="BC", due_on=date(2026, number, 10))
    opinion = items.item_assign(actor=manager, review=review, catalogue_code="GY", due_on=date(2026, number, 12))
    review = _review(year, key, number)
    items.plan_acknowledge(actor=staff, review=review, expected_version=review.version)
    report = _report(staff, report, date(2026, number, 9))
    if failed:
        items.item_check(
            actor=manager,
            item=_fresh(report),
            expected_version=report.version,
            result="failed",
            comment="Thiếu đánh giá tác động của chính sách",
        )
        _report(staff, report, date(2026, number, 10))
    items.item_check(actor=manager, item=_fresh(report), expected_version=_fresh(report).version, result="passed")
    _report(staff, opinion, date(2026, number, 15 if late else 11))
    items.item_check(actor=manager, item=_fresh(opinion), expected_version=_fresh(opinion).version, result="passed")
    reviews.rating_save(actor=staff, review=_review(year, key, number), role="self", levels=LEVELS, submit=True)
    reviews.rating_save(actor=manager, review=_review(year, key, number), role="manager", levels=LEVELS, submit=True)
    review = _review(year, key, number)
    review = reviews.review_submit(actor=manager, review=review, expected_version=review.version, early_reason=EARLY)
    reviews.review_approve(actor=head, review=review, expected_version=review.version)
    _on(monkeypatch, TODAY)
    return _review(year, key, number)


def _report(user, item, completed_on):
    item = _fresh(item)
    return items.item_report(actor=user, item=item, expected_version=item.version, completed_on=completed_on)


def add_people(year, count, *, unit="VPL-P1", code_prefix="NV9"):
    """``count`` more civil servants in ``unit``, with their reviews of the year."""
    world = year.world
    given = ["Mai", "Hùng", "Lan", "Tuấn", "Hà", "Dũng", "Thảo", "Quân", "Ngọc", "Phúc"]
    people = []
    for number in range(count):
        people.append(
            org_services.person_create(
                actor=None,
                staff_code=f"{code_prefix}{number:02d}",
                full_name=f"Lê Văn {given[number % 10]} {chr(65 + number // 10)}",
                category=Category.CONG_CHUC,
                unit=world.units[unit],
                position=world.positions["CV"],
                unit_role=UnitRole.MEMBER,
            )
        )
    cycles.reviews_open(year.cycle, actor=year.user(Role.HR))
    return people


def busy(year, people):
    """Each person's November planned and partly done: acknowledged, one item reported late."""
    from tests.factories import make_user

    manager = year.user(Role.MANAGER)
    for index, person in enumerate(people):
        user = make_user(f"u{person.staff_code}", role=Role.STAFF, person=person)
        review = Review.objects.get(period=year.november, person=person)
        first = items.item_assign(actor=manager, review=review, catalogue_code="BC", due_on=date(2026, 11, 10))
        items.item_assign(actor=manager, review=review, catalogue_code="GY", due_on=date(2026, 11, 25))
        if index % 2:
            continue  # half of them have not acknowledged their plan
        review.refresh_from_db()
        items.plan_acknowledge(actor=user, review=review, expected_version=review.version)
        _report(user, first, date(2026, 11, 12))


# --- a person's scores -----------------------------------------------------------------------
def test_a_persons_scores_month_by_month_with_where_each_point_came_from(year, monkeypatch):
    october = approved_month(year, monkeypatch, 10, late=True, failed=True)
    november = approved_month(year, monkeypatch, 11)
    scores = dashboards.person_scores(viewer=year.user(Role.STAFF), person=year.world.people["an"])
    assert scores.year == 2026 and scores.is_self
    scored = [row for row in scores.rows if row.score is not None]
    assert [row.review.pk for row in scored] == [october.pk, november.pk]
    assert [row.score for row in scored] == [october.exact_score, november.exact_score]
    assert october.score < november.score  # the failure and the lateness cost points
    for row in scored:
        parts = row.breakdown
        assert abs(parts.general + parts.task - row.score) < Decimal("1e-8")  # the score is kept to 8 decimals
        assert sum(sub.points for sub in parts.subcriteria) == parts.general
        assert {sub.code for sub in parts.subcriteria} == set(LEVELS)
        assert all(sub.name and sub.name != sub.code for sub in parts.subcriteria)
        assert [(item.name, item.factor) for item in parts.items] == [("Báo cáo thẩm tra", 4), ("Văn bản góp ý", 1)]
    october_parts = scored[0].breakdown
    report, opinion = october_parts.items
    assert (report.quantity, report.quality, report.timeliness) == (4, 3, 4)  # one failure: 25% of its quality points
    assert (opinion.quantity, opinion.quality, opinion.timeliness) == (1, 1, Decimal("0.75"))  # late once
    assert october_parts.quality_percent == Decimal(80) and october_parts.timeliness_percent == Decimal(95)
    assert [point.label for point in scores.chart] == ["10", "11"]
    assert scores.chart[0].y > scores.chart[1].y  # a lower score is drawn lower


def test_a_review_without_a_score_has_no_breakdown(year):
    scores = dashboards.person_scores(viewer=year.user(Role.STAFF), person=year.world.people["an"])
    assert len(scores.rows) == 12 and all(row.score is None and row.breakdown is None for row in scores.rows)
    assert scores.chart == []


def test_scores_are_seen_by_the_person_the_evaluator_the_approver_and_the_agency_wide_roles_only(year, monkeypatch):
    approved_month(year, monkeypatch, 11)
    an = year.world.people["an"]
    for role in Role.values:
        scores = dashboards.person_scores(viewer=year.user(role), person=an)
        assert len([row for row in scores.rows if row.score is not None]) == 1, role
    with pytest.raises(PermissionDenied):
        dashboards.person_scores(viewer=binh_user(year), person=an)
    # Bình's evaluator sees Bình; An sees nothing of Bình's
    with pytest.raises(PermissionDenied):
        dashboards.person_scores(viewer=year.user(Role.STAFF), person=year.world.people["binh"])


def test_the_scores_page_draws_the_chart_and_refuses_others(year, monkeypatch, client):
    approved_month(year, monkeypatch, 10)
    approved_month(year, monkeypatch, 11)
    client.force_login(year.user(Role.STAFF))
    response = client.get(reverse("monitoring:my_scores"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="score-chart"' in content and content.count('data-testid="chart-point"') == 2
    assert content.count('data-testid="breakdown"') == 2 and "Báo cáo thẩm tra" in content
    assert "<script" not in content.split("</head>")[1]  # a server-drawn chart: no script
    svg = content[content.index("<svg") : content.index("</svg>")]
    attributes = re.findall(r'([\w-]+)="([^"]*)"', svg)
    # coordinates never take the Vietnamese decimal comma (only the polyline's pairs have commas)
    assert not [value for name, value in attributes if name != "points" and re.search(r"\d,\d", value)]
    (points,) = [value for name, value in attributes if name == "points"]
    assert re.fullmatch(r"\d+(\.\d+)?,\d+(\.\d+)?( \d+(\.\d+)?,\d+(\.\d+)?)*", points)
    client.force_login(year.user(Role.MANAGER))
    assert client.get(reverse("monitoring:my_scores"), {"person": "NV021"}).status_code == 200
    client.force_login(binh_user(year))
    assert client.get(reverse("monitoring:my_scores"), {"person": "NV021"}).status_code == 403
    assert client.get(reverse("monitoring:my_scores"), {"person": "NV999"}).status_code == 404
    client.force_login(year.user(Role.ADMIN))
    response = client.get(reverse("monitoring:my_scores"))
    assert response.status_code == 200 and 'data-testid="no-person"' in response.content.decode()


def test_the_scores_page_has_a_fixed_number_of_queries(year, monkeypatch, client, count_queries):
    client.force_login(year.user(Role.STAFF))
    client.get(reverse("monitoring:my_scores"))
    with count_queries() as few:
        client.get(reverse("monitoring:my_scores"))
    for number in (8, 9, 10, 11):
        approved_month(year, monkeypatch, number)
    with count_queries() as many:
        response = client.get(reverse("monitoring:my_scores"))
    assert response.content.decode().count('data-testid="chart-point"') == 4
    assert len(few) == len(many), many.report()


# --- a unit's period -------------------------------------------------------------------------
def test_the_unit_period_shows_state_score_late_items_failed_checks_and_whose_step_waits(year, monkeypatch):
    approved_month(year, monkeypatch, 11, late=True, failed=True)
    page = dashboards.unit_period(
        viewer=year.user(Role.MANAGER), period_id=year.november.pk, unit_code="VPL-P1", today=TODAY
    )
    rows = {row.review.person.staff_code: row for row in page.rows}
    assert set(rows) == {"NV020", "NV021", "NV022"}
    an, binh = rows["NV021"], rows["NV022"]
    assert (an.review.state, an.late_items, an.failed_checks, an.waiting) == ("approved", 1, 1, [])
    assert an.review.score == year.review("an").score
    (step,) = binh.waiting
    assert step.who == "Trịnh Văn Sơn" and step.due_on == date(2026, 11, 6) and step.overdue  # work not assigned
    assert page.counts["late_items"] == 1 and page.counts["failed_checks"] == 1 and page.counts["approved"] == 1


def test_the_unit_period_names_the_person_the_evaluator_or_the_approver_whose_step_waits(year):
    manager, head = year.user(Role.MANAGER), year.user(Role.UNIT_HEAD)
    from tests.monitoring.test_todo import acknowledge, assign, self_rate

    _item, _ = assign(year)
    items.item_propose(
        actor=year.user(Role.STAFF), review=year.review("an"), catalogue_code="TT", due_on=date(2026, 11, 26)
    )
    assign(year, "binh")

    def waiting(key):
        page = dashboards.unit_period(viewer=head, period_id=year.november.pk, unit_code="VPL", today=TODAY)
        row = next(row for row in page.rows if row.review.person == year.world.people[key])
        return [(step.who, step.overdue) for step in row.waiting]

    assert waiting("an") == [("Trịnh Văn Sơn", True)]  # the proposal awaits the manager
    assert waiting("binh") == [("Đặng Thị Bình", True)]  # the plan awaits Bình's acknowledgement
    proposal = year.review("an").items.get(state="proposed")
    items.item_decline(actor=manager, item=proposal, expected_version=proposal.version, reason="Không thuộc nhiệm vụ")
    acknowledge(year)
    self_rate(year)
    assert waiting("an") == [("Nguyễn Văn An", False), ("Trịnh Văn Sơn", False)]  # items to report; the rating


@pytest.mark.parametrize("role", sorted(Role.values))
def test_the_unit_period_is_for_those_who_evaluate_or_approve_there_and_the_agency_wide_roles(year, role):
    allowed = AGENCY_WIDE | {Role.MANAGER, Role.UNIT_HEAD}

    def call():
        return dashboards.unit_period(
            viewer=year.user(role), period_id=year.november.pk, unit_code="VPL-P1", today=TODAY
        )

    if role in allowed:
        assert len(call().rows) == 3  # Sơn, An and Bình: the manager evaluates two, the head approves all
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_a_manager_sees_only_the_reviews_they_evaluate_or_approve_in_a_larger_unit(year):
    page = dashboards.unit_period(
        viewer=year.user(Role.MANAGER), period_id=year.november.pk, unit_code="VPL", today=TODAY
    )
    assert {row.review.person.staff_code for row in page.rows} == {"NV020", "NV021", "NV022"}  # not Lan's, not Minh's
    page = dashboards.unit_period(
        viewer=year.user(Role.UNIT_HEAD), period_id=year.november.pk, unit_code="VPL", today=TODAY
    )
    assert {row.review.person.staff_code for row in page.rows} == {"NV010", "NV011", "NV020", "NV021", "NV022"}


def test_the_unit_period_page_and_its_queries_do_not_grow_with_the_people(year, client, count_queries):
    url = reverse("monitoring:unit_period", kwargs={"period": year.november.pk, "code": "VPL-P1"})
    client.force_login(year.user(Role.MANAGER))
    client.get(url)
    with count_queries() as few:
        response = client.get(url)
    assert response.content.decode().count('data-testid="review-row"') == 3
    busy(year, add_people(year, 30))
    with count_queries() as many:
        response = client.get(url)
    content = response.content.decode()
    assert content.count('data-testid="review-row"') == 33
    assert len(few) == len(many), many.report()
    client.force_login(year.user(Role.STAFF))
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("monitoring:unit_period", kwargs={"period": year.november.pk, "code": "NOPE"})).status_code
        == 404
    )


# --- completion across the agency ------------------------------------------------------------
def _steps(row):
    return {step.step: (step.done, step.due, step.overdue) for step in row.steps}


def test_hr_sees_each_step_done_due_and_overdue_per_period_and_per_unit(year, monkeypatch):
    approved_month(year, monkeypatch, 11)
    result = dashboards.completion(viewer=year.user(Role.HR), today=TODAY)
    assert result.year == 2026
    assert [row.period.number for row in result.periods] == list(range(1, 12))  # December has not begun
    november = result.periods[-1]
    assert november.reviews == 5
    assert _steps(november) == {
        "plan": (1, 0, 4),  # the assignment deadline (06/11) has passed
        "self_rating": (1, 4, 0),
        "manager_rating": (1, 4, 0),
        "approval": (1, 4, 0),
    }
    assert _steps(result.periods[0]) == {
        "plan": (0, 0, 5),
        "self_rating": (0, 0, 5),
        "manager_rating": (0, 0, 5),
        "approval": (0, 0, 5),
    }
    # the drill-down, one level at a time: a unit, then each unit directly below it (with its own)
    result = dashboards.completion(viewer=year.user(Role.HR), today=TODAY, period_id=year.november.pk)
    assert [(row.unit.code, row.reviews, row.has_children) for row in result.units] == [
        ("VPQH", 5, False),
        ("VPL", 5, True),
    ]
    result = dashboards.completion(viewer=year.user(Role.HR), today=TODAY, period_id=year.november.pk, unit_code="VPL")
    assert [(row.unit.code, row.reviews, row.has_children) for row in result.units] == [
        ("VPL", 5, False),
        ("VPL-P1", 3, False),
    ]
    assert [unit.code for unit in result.ancestors] == ["VPQH"]
    assert _steps(result.units[1])["approval"] == (1, 2, 0) and _steps(result.units[1])["self_rating"] == (1, 2, 0)
    assert _steps(result.units[0])["plan"] == (1, 0, 4)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_completion_is_for_hr_leadership_the_inspector_and_the_administrator(year, role):
    if role in AGENCY_WIDE:
        assert dashboards.completion(viewer=year.user(role), today=TODAY).periods
    else:
        with pytest.raises(PermissionDenied):
            dashboards.completion(viewer=year.user(role), today=TODAY)


def test_the_completion_page_and_its_queries_do_not_grow_with_the_people(year, client, count_queries):
    url = reverse("monitoring:completion")
    client.force_login(year.user(Role.HR))
    client.get(url)
    with count_queries() as few:
        client.get(url, {"period": year.november.pk})
    busy(year, add_people(year, 30))
    world = year.world
    world.units["VPL-P2"] = org_services.unit_create(
        actor=None, agency=world.agency, code="VPL-P2", name="Phòng Luật Kinh tế", parent=world.units["VPL"]
    )
    add_people(year, 4, unit="VPL-P2", code_prefix="NV8")
    with count_queries() as many:
        response = client.get(url, {"period": year.november.pk})
    content = response.content.decode()
    assert content.count('data-testid="period-row"') == 11 and content.count('data-testid="unit-row"') == 2
    assert len(few) == len(many), many.report()
    assert client.get(url, {"period": 999999}).status_code == 404
    assert client.get(url, {"period": year.november.pk, "unit": "NOPE"}).status_code == 404
    drilled = client.get(url, {"period": year.november.pk, "unit": "VPL"}).content.decode()
    assert drilled.count('data-testid="unit-row"') == 3 and 'data-unit="VPL-P2"' in drilled
    client.force_login(year.user(Role.MANAGER))
    assert client.get(url).status_code == 403


def test_the_scores_page_links_each_scored_period_to_its_score_sheet(year, monkeypatch, client):
    approved_month(year, monkeypatch, 11)
    client.force_login(year.user(Role.STAFF))
    content = client.get(reverse("monitoring:my_scores")).content.decode()
    review = year.review("an")
    assert content.count('data-testid="score-sheet-link"') == 1
    assert reverse("monitoring:score_sheet", kwargs={"pk": review.pk}) in content


def test_a_staff_code_two_agencies_share_is_read_in_the_agency_given(year, monkeypatch, client):
    from congtam.org import services as org_services
    from congtam.org.models import Category

    approved_month(year, monkeypatch, 11)
    department = org_services.agency_create(actor=None, code="STC", name="Sở Tài chính", parent=year.world.agency)
    top = org_services.unit_create(actor=None, agency=department, code="SO", name="Sở Tài chính")
    org_services.person_create(
        actor=None, staff_code="NV021", full_name="Lê Văn Trùng", category=Category.CONG_CHUC, unit=top
    )
    client.force_login(year.user(Role.HR))
    url = reverse("monitoring:my_scores")
    assert client.get(url, {"person": "NV021"}).status_code == 404  # two people: never a guess
    page = client.get(url, {"person": "NV021", "agency": year.world.agency.pk}).content.decode()
    assert "Nguyễn Văn An" in page and "Lê Văn Trùng" not in page
