"""Browser tests: Debian's Chromium driven by Playwright for Python (no browser download)."""

import os
import shutil

import pytest

from tests.factories import build_canonical_agency

CHROMIUM = os.environ.get("CONGTAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]

# Playwright's sync API runs an event loop in the test's thread; the test itself only prepares
# data before the browser acts, so Django's guard against ORM calls from async code is lifted.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}: scripts/setup.sh --test installs it.")
        pytest.skip(f"Chromium is missing at {CHROMIUM} (scripts/setup.sh --test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # An English-language browser: the interface must still open in Vietnamese.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live_world(transactional_db):
    return build_canonical_agency()


@pytest.fixture
def sign_in(page, live_server):
    def do(username: str, password: str):
        from tests.factories import PASSWORD

        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password or PASSWORD)
        page.click("button.primary")
        page.wait_for_load_state("networkidle")
        return page

    return do
