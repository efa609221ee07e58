"""The browser harness every area's browser tests share: Debian's headless chromium (never a downloaded
browser) against pytest-django's live server.

One browser per test module; each test gets a fresh context (its own cookies) and logs in through the
real login form. Screenshots go to $BANBIANTIAN_SCREENSHOTS when that is set (never into the repo).
The fixtures `browser` and `new_page` are registered for every test by banbiantian/conftest.py.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from banbiantian.core.testing.personas import PASSWORD

__all__ = ["PHONE", "browser", "log_in", "new_page", "shot", "submit"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run browser tests")
    # Playwright's sync API keeps an asyncio loop alive in this thread, and Django refuses ORM calls
    # from a thread with a running loop; the test's own fixtures and assertions are plain sync code.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def new_page(browser):
    """new_page(**context_options) -> a page in a fresh context, closed after the test."""
    contexts = []

    def _new_page(**options):
        context = browser.new_context(locale="zh-CN", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


def shot(page, name):
    folder = os.environ.get("BANBIANTIAN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page, live_server, user, next_url):
    """Through the real form: the protected page redirects to the login page, which returns us there."""
    page.goto(live_server.url + next_url)
    expect(page).to_have_url(re.compile(re.escape(live_server.url + reverse("login")) + r"\?next="))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + next_url)


def submit(page, name):
    """Click the submit button called `name` and wait for the answer page (the form's POST and redirect)."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
