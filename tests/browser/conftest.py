"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every page a test visits is checked with axe-core; a "serious" or "critical" violation fails
the test. Use the helpers, never ``page.goto`` or a bare click that submits a form:

- ``visit(page, live_server, "/pfad/")`` navigates and checks the page;
- ``submit(page, button)`` clicks a submit button, waits for the next page and checks it;
- ``follow(page, link)`` does the same for a link;
- ``login(page, live_server, "owner")`` signs in through the German login form.

As a safety net, the ``page`` fixture records every document that finished loading and fails
at teardown if one of them was never checked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the main thread; the ORM calls made by fixtures
# in that thread would otherwise be refused as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
BLOCKING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def pytest_collection_modifyitems(items):
    """Everything under tests/browser is a browser test."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.browser)
            # WhiteNoise looks for STATIC_ROOT; the live server serves from the finders instead.
            item.add_marker(pytest.mark.filterwarnings("ignore:No directory at:UserWarning"))


# --- Settings for the live server ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _browser_settings(settings):
    """Plain HTTP on localhost, static files from the finders (no collectstatic manifest)."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test gets a fresh database, but keep axes from counting across a test's own logins.
    settings.AXES_FAILURE_LIMIT = 100


# --- Browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    """A fresh context per test (German locale, Berlin time); fails if a page went unchecked."""
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page._imcase_loaded = []  # type: ignore[attr-defined]
    page._imcase_checked = set()  # type: ignore[attr-defined]
    page.on("load", lambda p: p._imcase_loaded.append(p.url))
    yield page
    unchecked = [url for url in page._imcase_loaded if url not in page._imcase_checked]
    context.close()
    if unchecked:
        pytest.fail(
            "Seiten ohne axe-Prüfung geladen (visit()/submit() benutzen): " + ", ".join(unchecked)
        )


# --- Helpers ---------------------------------------------------------------------------------


def assert_accessible(page: Page) -> None:
    """Run axe-core on the current page; fail on serious or critical violations."""
    results = _axe.run(page)
    page._imcase_checked.add(page.url)  # type: ignore[attr-defined]
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe: {len(blocking)} schwerwiegende Verstöße auf {page.url}"]
        for violation in blocking:
            targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"])
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} → {targets}"
            )
        pytest.fail("\n".join(lines))


def visit(page: Page, live_server, path: str):
    """Open ``path`` on the live server, check it with axe and return the response."""
    response = page.goto(live_server.url + path, wait_until="load")
    assert_accessible(page)
    return response


def submit(page: Page, button: Locator) -> None:
    """Click a submit button, wait for the page the form leads to and check it with axe."""
    with page.expect_navigation(wait_until="load"):
        button.click()
    assert_accessible(page)


def follow(page: Page, link: Locator) -> None:
    """Click a link, wait for the page it leads to and check it with axe."""
    submit(page, link)


def login(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form and wait for the home page."""
    visit(page, live_server, "/anmelden/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    submit(page, page.get_by_role("button", name="Anmelden"))
    assert page.url == live_server.url + "/", f"Anmeldung als {username} fehlgeschlagen"
