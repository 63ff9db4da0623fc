"""Browser-test fixtures: the real app served on 127.0.0.1 and Debian's Chromium driven headless by Playwright.

Use ``live_server`` (an object with ``.url`` and ``.app``) and ``page`` (a Playwright page that
records every request it makes in ``page.requests_seen``). tests/conftest.py registers this module as a
pytest plugin, so test modules just name the fixtures.

Pages run under the app's real Content-Security-Policy, and a test fails if the browser refused
anything on its account (``page.csp_violations``). The policy forbids eval, which Playwright's own
``wait_for_function`` uses for string predicates: on these pages it polls ``page.evaluate`` instead.
"""
from __future__ import annotations

import shutil
import threading
import time

import pytest
from werkzeug.serving import make_server

from tests.conftest import running_app

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these Chromium tries to reach Google's services, which this machine cannot.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Debian's chromium is not installed: run tests/setup.sh")
    return path


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def live_app(tmp_path):
    """An app with its background workers running, like `whose-streets run`."""
    yield from running_app(tmp_path, start_workers=True)


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.requests_seen = []
    page.on("request", lambda request: page.requests_seen.append(request.url))
    page.dialogs_seen = []
    page.on("dialog", lambda dialog: (page.dialogs_seen.append(dialog.message), dialog.dismiss()))
    page.csp_violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.csp_violations.append(message.text))
    poll_instead_of_eval(page)
    yield page
    context.close()
    assert page.csp_violations == [], "the page broke its Content-Security-Policy"


def poll_instead_of_eval(page) -> None:
    """Make ``page.wait_for_function`` poll ``page.evaluate``: Playwright's own polling evaluates a string,
    which our Content-Security-Policy (no 'unsafe-eval') refuses as soon as a first check fails."""
    page.wait_for_function = lambda expression, timeout=30000, **_: wait_until(page, expression, timeout)


def wait_until(page, expression: str, timeout: float = 30000) -> None:
    """Poll a JavaScript expression until it is true (``timeout`` in milliseconds, like Playwright's)."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression!r} was not true within {timeout:g} ms")
        time.sleep(0.05)
