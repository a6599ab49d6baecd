"""One month of one person through the services: plan, report, check, rate, submit, approve —
and each refusal on the way, with its message."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.monitoring import cycles, items, reviews
from congtam.monitoring.models import ItemState, Review, ReviewState
from congtam.org.services import ConcurrentEditError
from congtam.scoring import api as engine
from congtam.scoring.methods import WorkItem as EngineItem
from tests.monitoring.conftest import EARLY

pytestmark = pytest.mark.django_db

LEVELS = {"chinh_tri_dao_duc": 4, "van_hoa_ky_luat": 4, "trach_nhiem_phuc_vu": 3, "doi_moi_sang_tao": 4}


def test_opening_creates_twelve_periods_and_a_review_per_civil_servant_with_their_authorities(year):
    world = year.world
    assert list(year.cycle.periods.values_list("number", flat=True)) == list(range(1, 13))
    november = year.november
    assert (november.starts_on, november.ends_on) == (date(2026, 11, 1), date(2026, 11, 30))
    assert november.reporting_due == date(2026, 12, 3) and november.approval_due == date(2026, 12, 10)
    people = set(Review.objects.filter(period=november).values_list("person__staff_code", flat=True))
    assert people == {"NV010", "NV011", "NV020", "NV021", "NV022"}  # Vụ Pháp luật and its division
    review = year.review("an")
    assert review.evaluator == world.people["truong_phong"] and review.approver == world.people["vu_truong"]
    assert cycles.reviews_open(year.cycle) == 0  # a retry creates nothing twice
    assert Review.objects.filter(period__cycle=year.cycle).count() == 12 * 5


def test_only_hr_opens_periods_and_a_scope_is_not_opened_twice(year):
    world = year.world
    with pytest.raises(PermissionDenied):
        cycles.cycle_open(
            actor=world.users[Role.MANAGER],
            agency=world.agency,
            year=2027,
            frequency="monthly",
            staff_group="cong_chuc",
            policy_id="nd335",
            units=[world.units["VPL"]],
        )
    with pytest.raises(ValidationError, match="đã được mở"):
        cycles.cycle_open(
            actor=world.users[Role.HR],
            agency=world.agency,
            year=2026,
            frequency="quarterly",
            staff_group="cong_chuc",
            policy_id="nd335",
            units=[world.units["VPL-P1"]],
        )
    with pytest.raises(ValidationError) as refused:
        cycles.cycle_open(
            actor=world.users[Role.HR],
            agency=world.agency,
            year=2027,
            frequency="monthly",
            staff_group="vien_chuc",
            policy_id="nd90-vien-chuc",
            units=[world.units["VPL"]],
        )
    assert "bộ chính sách chấm điểm" in str(refused.value)


def _plan(year):
    manager = year.user(Role.MANAGER)
    review = year.review("an")
    report = items.item_assign(actor=manager, review=review, catalogue_code="bc", due_on=date(2026, 11, 10))
    opinion = items.item_assign(actor=manager, review=review, catalogue_code="GY", due_on=date(2026, 11, 12))
    special = items.item_assign(
        actor=manager,
        review=review,
        name="Tổng hợp ý kiến đại biểu",
        factor="1,5",
        ad_hoc_reason="Việc đột xuất theo chỉ đạo",
        due_on=date(2026, 11, 18),
    )
    return review, report, opinion, special


def test_a_month_from_plan_to_approval_gives_the_engines_score(year):
    staff, manager, head = year.user(Role.STAFF), year.user(Role.MANAGER), year.user(Role.UNIT_HEAD)
    review, report, opinion, _special = _plan(year)
    assert (report.factor, report.name) == (Decimal(4), "Báo cáo thẩm tra")
    proposed = items.item_propose(actor=staff, review=review, catalogue_code="TT", due_on=date(2026, 11, 19))
    declined = items.item_propose(
        actor=staff, review=review, name="Đọc sách", factor=1, ad_hoc_reason="Tự học", due_on=date(2026, 11, 19)
    )
    with pytest.raises(ValidationError, match="chờ quản lý trả lời"):
        items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    items.item_accept(actor=manager, item=proposed, expected_version=proposed.version)
    items.item_decline(actor=manager, item=declined, expected_version=declined.version, reason="Không thuộc nhiệm vụ")
    review = items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    assert review.state == ReviewState.IN_PROGRESS

    report = items.item_report(
        actor=staff, item=report, expected_version=report.version, completed_on=date(2026, 11, 9)
    )
    report = items.item_check(
        actor=manager,
        item=report,
        expected_version=report.version,
        result="failed",
        comment="Thiếu phân tích tác động của điều 12",
    )
    assert (report.state, report.quality_failures, report.completed_on) == (ItemState.ASSIGNED, 1, None)
    report = items.item_report(
        actor=staff, item=report, expected_version=report.version, completed_on=date(2026, 11, 12)
    )
    report = items.item_check(actor=manager, item=report, expected_version=report.version, result="passed")
    opinion = items.item_report(
        actor=staff, item=opinion, expected_version=opinion.version, completed_on=date(2026, 11, 11)
    )
    items.item_check(actor=manager, item=opinion, expected_version=opinion.version, result="passed")
    proposed.refresh_from_db()
    proposed = items.item_report(
        actor=staff, item=proposed, expected_version=proposed.version, completed_on=date(2026, 11, 19)
    )
    items.item_check(actor=manager, item=proposed, expected_version=proposed.version, result="passed")
    # ``special`` is never reported: it counts as assigned and not completed.

    reviews.rating_save(actor=staff, review=review, role="self", levels=LEVELS, submit=True)
    review = year.review("an")
    assert review.state == ReviewState.SELF_ASSESSED
    with pytest.raises(ValidationError) as refused:
        reviews.rating_save(
            actor=manager, review=review, role="manager", levels={**LEVELS, "doi_moi_sang_tao": 1}, submit=True
        )
    assert "doi_moi_sang_tao" in refused.value.message_dict
    reviews.rating_save(
        actor=manager,
        review=review,
        role="manager",
        levels={**LEVELS, "doi_moi_sang_tao": 5},
        comments={"doi_moi_sang_tao": "Đề xuất quy trình thẩm tra mới, đã được Vụ áp dụng"},
        submit=True,
    )
    review = reviews.review_submit(
        actor=manager, review=review, expected_version=year.review("an").version, early_reason=EARLY
    )
    assert review.state == ReviewState.SUBMITTED

    policy = year.cycle.engine_policy()
    expected = engine.period_score(
        engine.PeriodInput(
            "11",
            (
                EngineItem(Decimal(4), True, 1, 1, False, "BC"),
                EngineItem(Decimal(1), True, 0, 0, False, "GY"),
                EngineItem(Decimal("1.5"), False, 0, 0, False, "x"),
                EngineItem(Decimal(2), True, 0, 0, False, "TT"),
            ),
            engine.general_points_from_levels({**LEVELS, "doi_moi_sang_tao": 5}, policy),
        ),
        policy=policy,
    ).score
    assert review.exact_score == expected
    assert review.explanation["formula"] == "g + t"

    with pytest.raises(PermissionDenied):
        reviews.review_approve(actor=manager, review=review, expected_version=review.version)
    review = reviews.review_approve(actor=head, review=review, expected_version=review.version)
    assert review.state == ReviewState.APPROVED and review.is_locked
    with pytest.raises(ValidationError, match="Không thể thực hiện"):
        reviews.review_return(actor=head, review=review, expected_version=review.version, comment="Xem lại")
    events = list(
        AuditEntry.objects.filter(subject_type="monitoring.review", subject_id=str(review.pk))
        .order_by("seq")
        .values_list("event", flat=True)
    )
    assert events[-3:] == ["monitoring.rating.saved", "monitoring.review.submitted", "monitoring.review.approved"]


def test_reporting_before_the_plan_is_acknowledged_is_refused_with_its_reason(year):
    _review, report, *_ = _plan(year)
    with pytest.raises(ValidationError, match="sau khi đã xác nhận kế hoạch"):
        items.item_report(
            actor=year.user(Role.STAFF), item=report, expected_version=report.version, completed_on=date(2026, 11, 5)
        )


def test_a_failed_check_must_cite_the_error_and_others_cannot_check(year):
    staff, manager = year.user(Role.STAFF), year.user(Role.MANAGER)
    review, report, *_ = _plan(year)
    items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    report = items.item_report(
        actor=staff, item=report, expected_version=report.version, completed_on=date(2026, 11, 5)
    )
    with pytest.raises(ValidationError) as refused:
        items.item_check(actor=manager, item=report, expected_version=report.version, result="failed", comment="Kém")
    assert "comment" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        items.item_check(actor=staff, item=report, expected_version=report.version, result="passed")
    with pytest.raises(PermissionDenied):  # only the approver confirms an objective cause
        items.item_check(
            actor=manager, item=report, expected_version=report.version, result="objective_cause", comment="Mất điện"
        )
    report = items.item_check(
        actor=year.user(Role.UNIT_HEAD),
        item=report,
        expected_version=report.version,
        result="objective_cause",
        comment="Hệ thống văn bản ngừng hoạt động, QĐ 12",
    )
    assert report.state == ItemState.ACCEPTED and report.objective_cause


def test_lateness_comes_from_the_dates(year):
    staff, manager = year.user(Role.STAFF), year.user(Role.MANAGER)
    review, report, opinion, _ = _plan(year)
    # The 10th has passed (today is the 20th): moving the date counts it as missed.
    report = items.item_move_due(
        actor=manager,
        item=report,
        expected_version=report.version,
        new_due_on=date(2026, 11, 15),
        reason="Chờ ý kiến cơ quan soạn thảo",
    )
    items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    report = items.item_report(
        actor=staff, item=report, expected_version=report.version, completed_on=date(2026, 11, 17)
    )
    opinion = items.item_report(
        actor=staff, item=opinion, expected_version=opinion.version, completed_on=date(2026, 11, 12)
    )
    assert (report.missed_deadlines, report.late_count) == (1, 2)
    assert opinion.late_count == 0


def test_bad_input_is_refused_with_a_message_naming_the_field(year):
    manager = year.user(Role.MANAGER)
    review = year.review("an")
    cases = [
        ({"catalogue_code": "KHONGCO", "due_on": date(2026, 11, 5)}, "catalogue_code"),
        ({"name": "Việc", "factor": "0", "ad_hoc_reason": "x", "due_on": date(2026, 11, 5)}, "factor"),
        ({"name": "Việc", "factor": "-1", "ad_hoc_reason": "x", "due_on": date(2026, 11, 5)}, "factor"),
        ({"name": "Việc", "factor": "abc", "ad_hoc_reason": "x", "due_on": date(2026, 11, 5)}, "factor"),
        ({"name": "Việc", "factor": "1", "ad_hoc_reason": "", "due_on": date(2026, 11, 5)}, "ad_hoc_reason"),
        ({"catalogue_code": "GY", "due_on": date(2026, 12, 5)}, "due_on"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationError) as refused:
            items.item_assign(actor=manager, review=review, **values)
        assert field in refused.value.message_dict, (values, refused.value)
    assert not review.items.exists()
    with pytest.raises(PermissionDenied):
        items.item_assign(actor=year.user(Role.STAFF), review=review, catalogue_code="GY", due_on=date(2026, 11, 5))


def test_a_second_save_of_the_same_item_is_refused_and_nothing_is_overwritten(year):
    staff = year.user(Role.STAFF)
    review, report, *_ = _plan(year)
    items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    seen = report.version
    items.item_report(actor=staff, item=report, expected_version=seen, completed_on=date(2026, 11, 9), note="Lần 1")
    with pytest.raises(ConcurrentEditError):
        items.item_report(actor=staff, item=report, expected_version=seen, completed_on=date(2026, 11, 8), note="Lần 2")
    report.refresh_from_db()
    assert (report.completed_on, report.report_note) == (date(2026, 11, 9), "Lần 1")


def test_a_change_after_acknowledgement_is_a_new_plan_version(year):
    staff, manager = year.user(Role.STAFF), year.user(Role.MANAGER)
    review, *_ = _plan(year)
    review = items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    assert (review.plan_version, review.acknowledged_version) == (1, 1)
    added = items.item_assign(actor=manager, review=review, catalogue_code="TT", due_on=date(2026, 11, 25))
    review = year.review("an")
    assert (review.plan_version, review.acknowledged_version, added.in_plan_version) == (2, 1, 2)
    assert review.plan_changed_since_acknowledged
    review = items.plan_acknowledge(actor=staff, review=review, expected_version=review.version)
    assert not review.plan_changed_since_acknowledged


def _approved_month(year):
    staff, manager, head = year.user(Role.STAFF), year.user(Role.MANAGER), year.user(Role.UNIT_HEAD)
    review, report, opinion, _special = _plan(year)
    items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    for item in (report, opinion):
        item = items.item_report(actor=staff, item=item, expected_version=item.version, completed_on=date(2026, 11, 11))
        items.item_check(actor=manager, item=item, expected_version=item.version, result="passed")
    reviews.rating_save(actor=staff, review=review, role="self", levels=LEVELS, submit=True)
    reviews.rating_save(actor=manager, review=year.review("an"), role="manager", levels=LEVELS, submit=True)
    review = reviews.review_submit(
        actor=manager, review=year.review("an"), expected_version=year.review("an").version, early_reason=EARLY
    )
    return reviews.review_approve(actor=head, review=review, expected_version=review.version), report


def test_closing_a_month_checks_every_score_again_and_locks_only_when_all_are_approved_and_equal(year):
    from congtam.monitoring.models import WorkItem

    hr = year.user(Role.HR)
    review, report = _approved_month(year)
    with pytest.raises(PermissionDenied):
        cycles.period_close(actor=year.user(Role.MANAGER), period=year.november)
    check = cycles.period_close(actor=hr, period=year.november)
    assert check.checked == 1 and len(check.not_approved) == 4
    year.november.refresh_from_db()
    assert year.november.state == "open"
    # Only the approved review remains: the month closes.
    Review.objects.filter(period=year.november).exclude(pk=review.pk).delete()
    # A row changed behind the services' back is found, and nothing closes.
    WorkItem.objects.filter(pk=report.pk).update(quality_failures=2)
    check = cycles.period_close(actor=hr, period=year.november)
    assert check.differing == [review.pk]
    WorkItem.objects.filter(pk=report.pk).update(quality_failures=0)
    check = cycles.period_close(actor=hr, period=year.november)
    assert (check.checked, check.differing, check.not_approved) == (1, [], [])
    year.november.refresh_from_db()
    assert year.november.state == "closed"
    assert AuditEntry.objects.filter(event="monitoring.period.closed").count() == 1


def test_hr_amends_a_locked_review_and_the_original_stays_readable(year, client_as):
    from django.urls import reverse

    review, report = _approved_month(year)
    original, original_tree = review.score_exact, review.explanation
    url = reverse("monitoring:amend", kwargs={"pk": review.pk})
    refused = client_as(Role.HR).post(url, {"amend-item": report.pk, "amend-quality_failures": 1, "amend-reason": ""})
    assert refused.status_code == 400
    response = client_as(Role.HR).post(
        url,
        {
            "amend-item": report.pk,
            "amend-quality_failures": 1,
            "amend-completed_on": "11/11/2026",
            "amend-reason": "QĐ 45 về kết quả phúc tra",
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    amendment = review.amendments.get()
    assert (amendment.old_score, amendment.new_score) == (original, review.score_exact)
    assert amendment.old_explanation == original_tree and review.exact_score < Decimal(original)
    page = client_as(Role.STAFF).get(reverse("monitoring:review", kwargs={"pk": review.pk})).content.decode()
    assert "QĐ 45 về kết quả phúc tra" in page
    with pytest.raises(PermissionDenied):
        reviews.review_amend(actor=year.user(Role.MANAGER), review=review, reason="x", item_corrections={})


def test_the_people_concerned_are_notified_in_the_app_and_by_email(
    year, django_capture_on_commit_callbacks, mailoutbox
):
    from congtam.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        _review, _report = _approved_month(year)
    kinds = set(Notification.objects.values_list("user__username", "kind"))
    assert ("lan", "monitoring.review_submitted") in kinds and ("an", "monitoring.review_approved") in kinds
    assert any("được phê duyệt" in message.subject for message in mailoutbox)


def test_the_approver_approves_a_whole_unit_at_once_and_only_their_own(year, client_as):
    from django.urls import reverse

    from congtam.monitoring.models import Period

    staff, manager = year.user(Role.STAFF), year.user(Role.MANAGER)
    review, *_ = _plan(year)
    items.plan_acknowledge(actor=staff, review=review, expected_version=year.review("an").version)
    # The person lets the self-rating deadline pass: the manager rates and submits anyway.
    Period.objects.filter(pk=year.november.pk).update(self_rating_due=date(2026, 11, 1))
    reviews.rating_save(actor=manager, review=year.review("an"), role="manager", levels=LEVELS, submit=True)
    reviews.review_submit(
        actor=manager, review=year.review("an"), expected_version=year.review("an").version, early_reason=EARLY
    )
    url = reverse("monitoring:approve_unit", kwargs={"period": year.november.pk, "code": "VPL"})
    client_as(Role.HR).post(url)  # not HR's to approve: nothing happens
    assert year.review("an").state == ReviewState.SUBMITTED
    response = client_as(Role.UNIT_HEAD).post(url)
    assert response.status_code == 302 and year.review("an").state == ReviewState.APPROVED


def test_a_condition_declared_with_its_message_gives_that_message(year):
    from congtam.core import workflow

    @workflow.condition("Thông điệp riêng")
    def never(_instance):
        return False

    assert never.refusal_message == "Thông điệp riêng" and never(None) is False
