"""Under the strict Content-Security-Policy (nothing inline, nothing from elsewhere) the key pages
of three roles load in Chromium without a single violation, htmx still refreshes the search as
one types, and the charts and the unit tree keep their layout from the style sheet."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from congtam.accounts.models import Role
from tests.factories import PASSWORD

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def agency_with_a_year(live_world, monkeypatch):
    """The canonical agency with a year-end classification approved (scores, proposals, charts)."""
    from django.utils import timezone

    from tests.factories import make_user
    from tests.yearend.conftest import TODAY, open_year
    from tests.yearend.test_exports import _approved

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    year_end = open_year(live_world)
    chairman = make_user("hai", role=Role.LEADERSHIP, person=live_world.people["chu_nhiem"])
    _approved(year_end, chairman)
    # Announced, so that the reports count it (announcing is tested in tests/yearend).
    type(year_end.year).objects.filter(pk=year_end.year.pk).update(state="announced")
    return year_end


@pytest.fixture
def watched_page(page):
    """The page, with every CSP violation (event or console message) it reports collected."""
    page.context.add_init_script(COLLECT_VIOLATIONS)
    page.console_messages_seen = []
    page.on("console", lambda message: page.console_messages_seen.append(f"{message.type}: {message.text}"))
    return page


def _violations(page) -> list[str]:
    reported = page.evaluate("window.__cspViolations || []")
    console = [text for text in page.console_messages_seen if "Content Security Policy" in text or "Refused to" in text]
    return reported + console


def _visit_all(page, live_server, urls) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == (400 if "%00" in url else 200), (url, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if violations := _violations(page):
            found[url] = violations
        page.console_messages_seen.clear()
    return found


def test_a_civil_servants_pages_report_no_violation_and_htmx_works(
    agency_with_a_year, watched_page, live_server, sign_in
):
    year_end = agency_with_a_year
    page = watched_page
    sign_in("an", PASSWORD)
    review = year_end.cycle.periods.get(number=1).reviews.get(person=year_end.person("an"))
    urls = [
        reverse("home"),
        reverse("monitoring:todo"),
        reverse("monitoring:my_reviews"),
        reverse("monitoring:my_scores") + "?year=2026",
        reverse("monitoring:review", kwargs={"pk": review.pk}),
        reverse("org:unit_tree"),
        reverse("org:person_detail", kwargs={"staff_code": "NV021"}),
        reverse("yearend:years"),
        reverse("yearend:my_result", kwargs={"pk": year_end.year.pk}),
        "/org/people/?q=%00",  # the error page too
    ]
    assert _visit_all(page, live_server, urls) == {}

    page.goto(f"{live_server.url}{reverse('monitoring:my_scores')}?year=2026")
    chart = page.locator("[data-testid=score-chart]")
    expect(chart).to_be_visible()
    width = chart.bounding_box()["width"]
    assert 0 < width <= int(chart.get_attribute("width"))

    page.goto(f"{live_server.url}{reverse('org:unit_tree')}")
    indent = page.evaluate("""() => [...document.querySelectorAll('[data-testid=unit-tree] li')]
        .map((li) => [li.className, parseFloat(getComputedStyle(li).paddingLeft)])""")
    padding = dict(indent)
    assert padding["depth-0"] < padding["depth-1"] < padding["depth-2"]

    # htmx refreshes the search as one types, under the policy, and adds no inline style of its own.
    page.goto(f"{live_server.url}{reverse('org:person_search')}")
    page.fill("#q", "dang")
    expect(page.locator("#search-results table.list tbody")).to_contain_text("Đặng Thị Bình")
    assert page.locator("head style").count() == 0
    assert _violations(page) == []

    # The watch does see a violation: an inline style, as the templates had, is refused and reported.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any(violation.startswith("style-src") for violation in _violations(page))


def test_hr_and_the_administrators_pages_report_no_violation(agency_with_a_year, watched_page, live_server, sign_in):
    year_end = agency_with_a_year
    page = watched_page
    sign_in("hoa", PASSWORD)
    year = year_end.year.pk
    urls = [
        reverse("home"),
        reverse("monitoring:completion"),
        reverse("monitoring:cycles"),
        reverse("monitoring:cycle", kwargs={"pk": year_end.cycle.pk}),
        reverse("yearend:year", kwargs={"pk": year}),
        reverse("yearend:calibration", kwargs={"pk": year, "code": "VPL-P1"}),
        reverse("yearend:reports") + f"?year={year}",
        reverse("yearend:exports", kwargs={"pk": year}),
        reverse("org:import"),
        reverse("api:item_import"),
        reverse("api:system_list"),
        reverse("jobs:list"),
        reverse("org:person_search") + "?q=nguyen",
    ]
    assert _visit_all(page, live_server, urls) == {}
    page.goto(f"{live_server.url}{reverse('yearend:reports')}?year={year}")
    expect(page.locator("[data-testid=stacked-chart]")).to_be_visible()

    page.context.clear_cookies()
    sign_in("admin", PASSWORD)
    admin_urls = [
        reverse("audit:log"),
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", kwargs={"object_id": year_end.user(Role.STAFF).pk}),
        reverse("admin:org_unit_changelist"),
    ]
    assert _visit_all(page, live_server, admin_urls) == {}
