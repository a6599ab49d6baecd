"""No score before its time: a period's score goes to the approver before the period ends only with
a reason, which the approver reads; the review page says what is still open and until when.
("Today" is 20/11/2026, inside November.)"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from congtam.accounts.models import Role
from congtam.audit.models import AuditEntry
from congtam.monitoring import events, reviews
from congtam.monitoring.models import ReviewState
from congtam.notifications.models import Notification
from tests.monitoring.test_todo import LEVELS, acknowledge, assign, check, report, self_rate

pytestmark = pytest.mark.django_db


def ready_to_submit(year):
    """An's November: one item done and checked, one due on 25/11 still open; both ratings given."""
    done, _still_open = assign(year, items=(("BC", 10), ("GY", 25)))
    acknowledge(year)
    report(year, done, date(2026, 11, 9))
    check(year, done)
    self_rate(year)
    reviews.rating_save(
        actor=year.user(Role.MANAGER), review=year.review("an"), role="manager", levels=LEVELS, submit=True
    )
    return year.review("an")


def test_before_the_period_ends_the_score_is_not_sent_without_a_reason(year):
    review = ready_to_submit(year)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        reviews.review_submit(actor=year.user(Role.MANAGER), review=review, expected_version=review.version)
    assert list(refused.value.message_dict) == ["early_reason"]
    review = year.review("an")
    assert (review.state, review.early_reason, review.score) == (ReviewState.SELF_ASSESSED, "", None)
    assert AuditEntry.objects.count() == entries  # nothing happened, nothing recorded
    with pytest.raises(ValidationError):  # spaces are no reason
        reviews.review_submit(
            actor=year.user(Role.MANAGER), review=review, expected_version=review.version, early_reason="  "
        )


def test_with_a_reason_it_is_sent_and_the_approver_reads_the_reason(year):
    review = ready_to_submit(year)
    review = reviews.review_submit(
        actor=year.user(Role.MANAGER),
        review=review,
        expected_version=review.version,
        early_reason="  Nghỉ hưu từ ngày 01/12/2026 ",
    )
    assert (review.state, review.early_reason) == (ReviewState.SUBMITTED, "Nghỉ hưu từ ngày 01/12/2026")
    entry = AuditEntry.objects.filter(event=events.REVIEW_SUBMITTED).get()
    assert entry.reason == "Nghỉ hưu từ ngày 01/12/2026"
    notice = Notification.objects.get(user__person=review.approver, kind="monitoring.review_submitted")
    assert "30/11/2026" in notice.body and "Nghỉ hưu từ ngày 01/12/2026" in notice.body


def test_after_the_period_ended_no_reason_is_asked_and_none_is_kept(year, monkeypatch):
    review = ready_to_submit(year)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 1))
    review = reviews.review_submit(
        actor=year.user(Role.MANAGER), review=review, expected_version=review.version, early_reason="không cần"
    )
    assert (review.state, review.early_reason) == (ReviewState.SUBMITTED, "")
    assert Notification.objects.get(kind="monitoring.review_submitted").body == ""


def test_the_page_says_what_is_open_asks_the_reason_and_keeps_what_was_typed(year, client):
    review = ready_to_submit(year)
    client.force_login(year.user(Role.MANAGER))
    page = client.get(reverse("monitoring:review", args=[review.pk])).content.decode()
    assert "Kỳ đánh giá đến hết ngày 30/11/2026." in page
    assert "Còn 1 việc chưa hoàn tất, hạn 25/11/2026." in page
    assert 'name="early_reason"' in page

    url = reverse("monitoring:review_action", args=[review.pk, "submit"])
    refused = client.post(url, {"version": review.version, "early_reason": ""})
    assert refused.status_code == 400
    assert "Hãy nêu lý do." in refused.content.decode()
    assert year.review("an").state == ReviewState.SELF_ASSESSED

    sent = client.post(url, {"version": review.version, "early_reason": "Nghỉ ốm dài ngày từ 23/11"}, follow=True)
    assert sent.redirect_chain and year.review("an").state == ReviewState.SUBMITTED

    client.force_login(get_user_model().objects.get(person=review.approver))
    approver_page = client.get(reverse("monitoring:review", args=[review.pk])).content.decode()
    assert "Gửi duyệt trước khi kỳ đánh giá kết thúc (30/11/2026). Lý do: Nghỉ ốm dài ngày từ 23/11" in approver_page


def test_after_the_end_the_page_says_so_and_asks_no_reason(year, client, monkeypatch):
    review = ready_to_submit(year)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2026, 12, 2))
    client.force_login(year.user(Role.MANAGER))
    page = client.get(reverse("monitoring:review", args=[review.pk])).content.decode()
    assert "Kỳ đánh giá đã kết thúc ngày 30/11/2026." in page
    assert 'name="early_reason"' not in page
    client.post(reverse("monitoring:review_action", args=[review.pk, "submit"]), {"version": review.version})
    assert year.review("an").state == ReviewState.SUBMITTED
