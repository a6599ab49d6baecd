"""The review page through the test client: each party sees their actions, a refusal keeps the
input, and the page's query count does not grow with the number of items."""

from datetime import date

import pytest
from django.urls import reverse

from congtam.accounts.models import Role
from congtam.monitoring import items
from congtam.monitoring.models import ItemState, ReviewState

pytestmark = pytest.mark.django_db


def _url(review, name="monitoring:review", **kwargs):
    return reverse(name, kwargs={"pk": review.pk, **kwargs})


def test_each_party_sees_the_page_and_only_their_actions(year, client_as):
    review = year.review("an")
    manager_page = client_as(Role.MANAGER).get(_url(review))
    assert manager_page.status_code == 200
    assert 'data-testid="assign"' in manager_page.content.decode()
    staff_page = client_as(Role.STAFF).get(_url(review)).content.decode()
    assert 'data-testid="propose"' in staff_page and 'data-testid="assign"' not in staff_page
    # Someone outside the review (another unit's staff) is refused; the inspector reads.
    assert client_as(Role.INSPECTOR).get(_url(review)).status_code == 200
    binh = year.review("binh")
    assert client_as(Role.STAFF).get(_url(binh)).status_code == 403


def test_assigning_with_a_bad_factor_keeps_the_input_and_says_why(year, client_as):
    review = year.review("an")
    response = client_as(Role.MANAGER).post(
        _url(review, "monitoring:plan_item", kind="assign"),
        {
            "assign-name": "Tổng hợp báo cáo",
            "assign-factor": "0",
            "assign-ad_hoc_reason": "Đột xuất",
            "assign-due_on": "10/11/2026",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Tổng hợp báo cáo" in content and "lớn hơn 0" in content
    assert not review.items.exists()


def test_the_manager_assigns_and_the_person_reports_through_the_pages(year, client_as):
    review = year.review("an")
    manager = client_as(Role.MANAGER)
    response = manager.post(
        _url(review, "monitoring:plan_item", kind="assign"),
        {"assign-catalogue_code": "BC", "assign-due_on": "10/11/2026"},
    )
    assert response.status_code == 302
    item = review.items.get()
    staff = client_as(Role.STAFF)
    staff.post(_url(review, "monitoring:acknowledge"), {"version": year.review("an").version})
    assert year.review("an").state == ReviewState.IN_PROGRESS
    prefix = f"item{item.pk}-report"
    response = staff.post(
        _url(review, "monitoring:item_action", item_id=item.pk, action="report"),
        {f"{prefix}-version": item.version, f"{prefix}-completed_on": "25/12/2026", f"{prefix}-note": "Đã gửi"},
    )
    assert response.status_code == 400 and "tương lai" in response.content.decode()
    response = staff.post(
        _url(review, "monitoring:item_action", item_id=item.pk, action="report"),
        {f"{prefix}-version": item.version, f"{prefix}-completed_on": "09/11/2026", f"{prefix}-note": "Đã gửi"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.REPORTED and item.completed_on == date(2026, 11, 9)


def test_a_stale_form_is_refused_and_nothing_is_overwritten(year, client_as):
    manager = year.user(Role.MANAGER)
    review = year.review("an")
    item = items.item_assign(actor=manager, review=review, catalogue_code="GY", due_on=date(2026, 11, 12))
    items.plan_acknowledge(actor=year.user(Role.STAFF), review=review, expected_version=year.review("an").version)
    stale = item.version
    items.item_move_due(
        actor=manager, item=item, expected_version=stale, new_due_on=date(2026, 11, 14), reason="Chờ số liệu"
    )
    prefix = f"item{item.pk}-report"
    response = client_as(Role.STAFF).post(
        _url(review, "monitoring:item_action", item_id=item.pk, action="report"),
        {f"{prefix}-version": stale, f"{prefix}-completed_on": "13/11/2026", f"{prefix}-note": "Ghi chú của tôi"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ghi chú của tôi" in content and "tải lại trang" in content
    item.refresh_from_db()
    assert item.state == ItemState.ASSIGNED


def test_the_review_page_query_count_does_not_grow_with_items(year, client_as, count_queries):
    manager = year.user(Role.MANAGER)
    review = year.review("an")
    client = client_as(Role.MANAGER)

    def queries():
        with count_queries() as counter:
            assert client.get(_url(review)).status_code == 200
        return len(counter)

    items.item_assign(actor=manager, review=review, catalogue_code="GY", due_on=date(2026, 11, 12))
    few = queries()
    for day in range(1, 21):
        items.item_assign(actor=manager, review=review, catalogue_code="BC", due_on=date(2026, 11, day))
    assert queries() == few


def test_hr_opens_a_year_and_the_reviews_are_created_by_the_background_job(
    world, client_as, today, django_capture_on_commit_callbacks
):
    from congtam.jobs.models import Job

    client = client_as(Role.HR)
    form = client.get(reverse("monitoring:cycle_open"))
    assert "nd335" in form.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:cycle_open"),
            {
                "year": 2026,
                "frequency": "quarterly",
                "staff_group": "cong_chuc",
                "policy_id": "nd335",
                "units": [world.units["VPL"].pk],
                "assignment_days": 5,
                "reporting_days": 3,
                "self_rating_days": 5,
                "manager_rating_days": 8,
                "approval_days": 10,
            },
        )
    job = Job.objects.get(kind="monitoring.open_reviews")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", kwargs={"job_id": job.pk})
    job.refresh_from_db()
    assert job.state == "succeeded" and job.result["created"] == 4 * 5
    page = client.get(reverse("monitoring:cycle", kwargs={"pk": job.params["cycle_id"]})).content.decode()
    assert "Quý 4/2026" in page
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("monitoring:cycle_open"),
            {
                "year": 2026,
                "frequency": "monthly",
                "staff_group": "cong_chuc",
                "policy_id": "nd335",
                "units": [world.units["VPL"].pk],
                "assignment_days": 5,
                "reporting_days": 3,
                "self_rating_days": 5,
                "manager_rating_days": 8,
                "approval_days": 10,
            },
        )
    assert again.status_code == 200 and "đã được mở" in again.content.decode()


def test_deadlines_out_of_order_are_refused(world, client_as):
    response = client_as(Role.HR).post(
        reverse("monitoring:cycle_open"),
        {
            "year": 2026,
            "frequency": "monthly",
            "staff_group": "cong_chuc",
            "policy_id": "nd335",
            "units": [world.units["VPL"].pk],
            "assignment_days": 5,
            "reporting_days": 9,
            "self_rating_days": 5,
            "manager_rating_days": 8,
            "approval_days": 10,
        },
    )
    assert response.status_code == 200 and not response.context["form"].is_valid()
