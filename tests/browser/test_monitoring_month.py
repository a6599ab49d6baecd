"""One month of one person in a real browser, with three logins: the person, the manager and the
approver — assign, report, check (one quality failure), rate, submit, approve — and the score on
the page is the engine's number."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from congtam.accounts.models import Role
from congtam.core.templatetags.congtam import score_display
from congtam.scoring import api as engine
from congtam.scoring.methods import WorkItem as EngineItem
from tests.factories import PASSWORD

TODAY = date(2026, 11, 20)
LEVELS = {"chinh_tri_dao_duc": 4, "van_hoa_ky_luat": 4, "trach_nhiem_phuc_vu": 4, "doi_moi_sang_tao": 4}


@pytest.fixture
def november_review(live_world, monkeypatch):
    from django.utils import timezone

    from congtam.catalogue.models import CatalogueItem, CatalogueVersion
    from congtam.monitoring import cycles
    from congtam.monitoring.models import Review

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)  # the live server's thread too
    position = live_world.positions["CV"]
    CatalogueVersion.objects.create(position=position, number=1, note="test")
    CatalogueItem.objects.create(
        position=position, code="BC", name="Báo cáo thẩm tra", unit="văn bản", factor=4, version_from=1
    )
    CatalogueItem.objects.create(
        position=position, code="GY", name="Văn bản góp ý", unit="văn bản", factor=1, version_from=1
    )
    cycle = cycles.cycle_open(
        actor=live_world.users[Role.HR],
        agency=live_world.agency,
        year=2026,
        frequency="monthly",
        staff_group="cong_chuc",
        policy_id="nd335",
        units=[live_world.units["VPL-P1"]],
    )
    cycles.reviews_open(cycle)
    return Review.objects.get(period__cycle=cycle, period__number=11, person=live_world.people["an"])


def _as(page, sign_in, username, url):
    page.context.clear_cookies()
    sign_in(username, PASSWORD)
    page.goto(url)


def _open(page, testid):
    details = page.locator(f"[data-testid={testid}]")
    details.locator("summary").click()
    return details


def _report(page, code, day):
    form = _open(page, f"action-report-{code}")
    form.locator("input[name$=completed_on]").fill(day)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã báo cáo kết quả")


def _check(page, code, result, comment=""):
    form = _open(page, f"action-check-{code}")
    form.locator(f"input[value={result}]").check()
    if comment:
        form.locator("textarea[name$=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã ghi nhận kết quả kiểm tra")


def _rate(page, role):
    block = page.locator(f"[data-testid=rating-{role}]")
    for code, level in LEVELS.items():
        block.locator(f"input[name=level-{code}][value='{level}']").check()
    block.locator(f"[data-testid=submit-rating-{role}]").click()
    expect(page.locator(".messages")).to_contain_text("Đã nộp phiếu chấm")


def test_one_month_with_the_person_the_manager_and_the_approver(november_review, page, live_server, sign_in):
    url = f"{live_server.url}/monitoring/reviews/{november_review.pk}/"

    # The manager plans the month from the catalogue.
    _as(page, sign_in, "son", url)
    for code, due in [("BC", "10/11/2026"), ("GY", "12/11/2026")]:
        form = _open(page, "assign")
        form.locator("select[name=assign-catalogue_code]").select_option(code)
        form.locator("input[name=assign-due_on]").fill(due)
        form.locator("button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text("Đã thêm sản phẩm/công việc vào kế hoạch")

    # The person acknowledges the plan and reports both items.
    _as(page, sign_in, "an", url)
    page.click("[data-testid=acknowledge]")
    expect(page.locator("[data-testid=review-state]")).to_have_text("Đã xác nhận kế hoạch, đang thực hiện")
    _report(page, "BC", "09/11/2026")
    _report(page, "GY", "13/11/2026")  # a day after its due date: late once

    # The manager finds a major error in the report.
    _as(page, sign_in, "son", url)
    _check(page, "BC", "failed", "Thiếu đánh giá tác động của Điều 12")
    expect(page.locator("[data-testid=item-BC]")).to_contain_text("Thiếu đánh giá tác động của Điều 12")
    _check(page, "GY", "passed")

    # The person corrects it, reports again, and rates themselves.
    _as(page, sign_in, "an", url)
    _report(page, "BC", "12/11/2026")
    _rate(page, "self")

    # The manager passes the corrected report, rates (the engine's score shows as levels are
    # chosen), and submits.
    _as(page, sign_in, "son", url)
    _check(page, "BC", "passed")
    block = page.locator("[data-testid=rating-manager]")
    block.locator("input[name=level-chinh_tri_dao_duc][value='4']").check()
    expect(page.locator("[data-testid=score]")).to_be_visible()
    _rate(page, "manager")
    # November has not ended (today is the 20th): the page says so, and the score goes early only
    # with a reason; without one, nothing is sent.
    expect(page.locator("[data-testid=open-work]")).to_contain_text("Kỳ đánh giá đến hết ngày 30/11/2026.")
    page.click("[data-testid=submit-review]")
    expect(page.locator("[data-testid=decision] .errors")).to_contain_text("Hãy nêu lý do.")
    expect(page.locator("[data-testid=review-state]")).not_to_have_text("Đã chấm, chờ phê duyệt")
    page.fill("textarea[name=early_reason]", "Chuyển công tác từ ngày 01/12/2026")
    page.click("[data-testid=submit-review]")
    expect(page.locator("[data-testid=review-state]")).to_have_text("Đã chấm, chờ phê duyệt")

    # The approver reads why it came early, approves; the review locks with the engine's score.
    _as(page, sign_in, "lan", url)
    expect(page.locator("[data-testid=early-reason]")).to_contain_text("Chuyển công tác từ ngày 01/12/2026")
    page.click("[data-testid=approve-review]")
    expect(page.locator("[data-testid=review-state]")).to_have_text("Đã phê duyệt và khóa")

    policy = engine.load_policy("nd335")
    expected = engine.period_score(
        engine.PeriodInput(
            "11",
            (
                EngineItem(Decimal(4), True, 1, 1, False, "BC"),
                EngineItem(Decimal(1), True, 0, 1, False, "GY"),
            ),
            general_levels=LEVELS,
        ),
        policy=policy,
    ).score
    november_review.refresh_from_db()
    assert november_review.exact_score == expected
    expect(page.locator("[data-testid=score-value]")).to_have_text(score_display(expected))
