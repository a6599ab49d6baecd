"""A person's walk through the directory in a real browser."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def test_sign_in_browse_units_people_and_search(live_world, page, live_server, sign_in):
    sign_in("an", PASSWORD)
    expect(page.locator("h1")).to_have_text("Xin chào, Nguyễn Văn An")

    page.click("text=Đơn vị >> nth=0")
    tree = page.locator("[data-testid=unit-tree]")
    expect(tree).to_contain_text("Vụ Pháp luật")
    expect(tree).to_contain_text("Phòng Luật Hành chính")

    page.click("text=Phòng Luật Hành chính")
    expect(page.locator("h1")).to_contain_text("Phòng Luật Hành chính")
    rows = page.locator("table.list tbody tr td:first-child")
    expect(rows).to_have_text(["Nguyễn Văn An", "Đặng Thị Bình", "Trịnh Văn Sơn"])

    page.click("text=Đặng Thị Bình")
    expect(page.locator("[data-testid=evaluator]")).to_contain_text("Trịnh Văn Sơn")
    expect(page.locator("[data-testid=approver]")).to_contain_text("Hoàng Thị Lan")
    expect(page.locator("[data-testid=history]")).to_contain_text("Phòng Luật Hành chính")
    # Another person's sensitive data is not shown to a staff member.
    expect(page.locator("[data-testid=sensitive]")).to_have_count(0)

    page.click("text=Tìm nhân sự")
    page.fill("#q", "nguyen van an")
    page.keyboard.press("Enter")
    expect(page.locator("table.list tbody")).to_contain_text("Nguyễn Văn An")
    page.fill("#q", "dang")  # htmx refreshes the results as one types
    expect(page.locator("#search-results table.list tbody")).to_contain_text("Đặng Thị Bình")
    expect(page.locator("#search-results table.list tbody tr")).to_have_count(1)


def test_language_switch_is_remembered(live_world, page, live_server, sign_in):
    sign_in("an", PASSWORD)
    page.goto(f"{live_server.url}/org/units/")
    expect(page.locator("h1")).to_have_text("Các đơn vị của Văn phòng Quốc hội")
    page.click("[data-testid=lang-en]")
    expect(page.locator("h1")).to_have_text("The units of Văn phòng Quốc hội")
    page.goto(f"{live_server.url}/org/people/NV021/")
    expect(page.locator("h2", has_text=re.compile("Unit history"))).to_be_visible()
    page.click("[data-testid=lang-vi]")
    expect(page.locator("h2", has_text="Quá trình công tác")).to_be_visible()


def test_wrong_password_is_explained(live_world, page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "an")
    page.fill("#id_password", "sai")
    page.click("button.primary")
    expect(page.locator("[role=alert]")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")


def test_hr_sees_sensitive_data_and_the_read_is_logged(live_world, page, live_server, sign_in):
    from congtam.audit.models import AuditEntry

    sign_in("hoa", PASSWORD)
    page.goto(f"{live_server.url}/org/people/NV021/")
    sensitive = page.locator("[data-testid=sensitive]")
    expect(sensitive).to_contain_text("Tày")
    expect(sensitive).to_contain_text("02/03/1990")
    assert AuditEntry.objects.filter(event="privacy.person.sensitive_viewed", actor_label="hoa").count() == 1
