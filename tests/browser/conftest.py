"""Browser tests: Debian's chromium driven by Playwright against a live Django server.

Why not pytest-django's `live_server`: it forces `transactional_db`, whose teardown flushes
every table, so the ~35,000 territories imported once per session would be gone for every
later test (and re-importing or `serialized_rollback` them costs seconds per test). These
tests only read pages, so they need no isolation: `browser_server` runs Django's
`LiveServerThread` on the session's test database as it is, with database access unblocked
for the duration of the module, and makes sure the territories are there (an earlier
transactional test may have flushed them).

Playwright never downloads a browser here: it drives /usr/bin/chromium (`apt-get install
chromium`; `.ci/run` does it). Screenshots go to `test-artifacts/` (git-ignored).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


class _JoiningServer(ThreadedWSGIServer):
    """Request threads are joined on close, so their database connections (kept open for
    keep-alive browsers, CONN_MAX_AGE) are closed before the test database is dropped."""

    daemon_threads = False
    block_on_close = True


class _LiveServerThread(LiveServerThread):
    server_class = _JoiningServer


def _territories_missing() -> bool:
    from territories.models import Commune

    return not Commune.objects.exists()


@pytest.fixture(scope="module")
def browser_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Base URL of a live server on the test database, territories included."""
    with django_db_blocker.unblock():
        if _territories_missing():
            call_command("import_territories", verbosity=0)
        connections.close_all()
        with override_settings(
            ALLOWED_HOSTS=["127.0.0.1"],
            SECURE_SSL_REDIRECT=False,
            DEBUG=False,
        ):
            thread = _LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
            thread.daemon = True
            thread.start()
            thread.is_ready.wait()
            if thread.error:
                raise thread.error
            try:
                yield f"http://127.0.0.1:{thread.port}"
            finally:
                thread.terminate()  # after chromium_browser's teardown: its sockets are closed
                connections.close_all()


@pytest.fixture(scope="module")
def chromium_browser(browser_server: str) -> Iterator[Any]:
    """Chromium for one module, started after the live server.

    Playwright's sync API keeps an asyncio loop marked as running in this thread, which makes
    Django refuse any ORM call here (SynchronousOnlyOperation), including the test transaction of
    `django_db`. Our calls are plain synchronous ones, so Django's guard is lifted while the
    browser lives, and the browser is closed at the end of the module so no other test runs
    under it.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            browser.close()
            # The tests' own connection was opened under Playwright's loop, in a context of its
            # own (asgiref Local): close it here, or it outlives the session and the test
            # database cannot be dropped.
            connections.close_all()


@dataclass
class BrowserPage:
    """A fresh page on the live server that records console errors and outside requests."""

    page: Any
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path, wait_until="load")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def serious_axe_violations(self) -> list[dict[str, Any]]:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_JS.read_text())
        results = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [v for v in results["violations"] if v.get("impact") in {"serious", "critical"}]


# The page's width, the window's, and the elements that pass the window's right edge.
_WIDTH_JS = """() => [document.documentElement.scrollWidth, innerWidth, [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
    .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 8)]"""


def sideways_scroll(page: Any) -> str:
    """Empty when the page fits its window's width, else what runs past it (a table scrolls inside its
    own frame; the page must not)."""
    width, window, past = page.evaluate(_WIDTH_JS)
    return "" if width <= window else f"{width} px wide in a {window} px window: {past}"


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


@pytest.fixture
def browser_page(browser_server: str, chromium_browser: Any) -> Iterator[BrowserPage]:
    context = chromium_browser.new_context(
        base_url=browser_server,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        bypass_csp=False,  # the real policy applies: a violation is a console error; axe goes in through CDP
    )
    page = context.new_page()
    wrapper = BrowserPage(page=page, base_url=browser_server)
    local_host = urllib.parse.urlsplit(browser_server).netloc

    def on_console(message: Any) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            wrapper.console_errors.append(f"{message.text} ({location})")

    def on_page_error(error: Any) -> None:
        wrapper.console_errors.append(f"uncaught: {error}")

    def route(route: Any) -> None:
        # No CDN at run time: anything outside the live server is a defect, and is refused.
        if urllib.parse.urlsplit(route.request.url).netloc in {local_host, ""}:
            route.continue_()
        else:
            wrapper.outside_requests.append(route.request.url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    context.route("**/*", route)
    try:
        yield wrapper
    finally:
        context.close()
