"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

# Playwright must never fetch a browser of its own; Debian's chromium is the browser.
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium")


# Function scope on purpose: started after pytest-django has set up the database.
# A browser started earlier (module or session scope) makes Playwright's event loop
# part of the thread's context before the serialized database contents are restored,
# and the test then sees an empty database.
@pytest.fixture
def browser(live_server) -> Iterator:
    executable = chromium_executable()
    if executable is None:
        reason = "Chromium not found: install Debian's package 'chromium' or set CHROMIUM_PATH."
        if os.environ.get("MITMACH_SKIP_E2E_WITHOUT_CHROMIUM"):
            pytest.skip(reason)
        pytest.fail(reason + " (Set MITMACH_SKIP_E2E_WITHOUT_CHROMIUM=1 to skip instead.)", pytrace=False)

    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would otherwise
    # refuse ORM calls from the test body (the live server runs in its own thread).
    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
            # Database connections opened by the test body while Playwright's loop ran
            # belong to that context; close them here, or PostgreSQL refuses to drop
            # the test database at the end ("accessed by other users").
            connections.close_all()
    finally:
        patch.undo()


@dataclass
class PageWatch:
    """What the page did besides what the test asked: console errors, JS errors, requested hosts."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requested_urls: list[str] = field(default_factory=list)

    def foreign_requests(self, allowed_host: str) -> list[str]:
        return [url for url in self.requested_urls if urlsplit(url).hostname not in {allowed_host}]


def watched_page(context):
    """A new page of `context` carrying a PageWatch as `page.watch`."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch()
    page.on("console", lambda message: message.type == "error" and watch.console_errors.append(message.text))
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.on("request", lambda request: watch.requested_urls.append(request.url))
    page.watch = watch
    return page


def quiet_realtime(context) -> None:
    """Answer the realtime client's WebSocket (/ws/) with a silent stand-in.

    pytest-django's live server speaks WSGI only: the real handshake would get a 404, which
    Chromium reports as a console error on every page a member opens.
    """
    context.route_web_socket(re.compile(r"/ws/"), lambda socket: None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
    quiet_realtime(context)
    page = watched_page(context)
    yield page
    context.close()


def session_cookie(user, base_url: str) -> dict:
    """The session cookie of `user`, logged in as by the login form (a session made by Client.force_login)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": base_url}


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a browser context of its own (another person), logged in as `user` if given.

    Each page carries a PageWatch as `page.watch`, like the `page` fixture's.
    """
    contexts = []

    def open_page(user=None):
        context = browser.new_context(
            locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        quiet_realtime(context)
        if user is not None:
            context.add_cookies([session_cookie(user, live_server.url)])
        page = watched_page(context)
        return page

    yield open_page
    for context in contexts:
        context.close()


@dataclass
class AsgiServer:
    url: str


@pytest.fixture
def asgi_server(live_server) -> Iterator[AsgiServer]:
    """The project's ASGI application under uvicorn in a thread: pages and /ws/ on one origin.

    pytest-django's live server speaks WSGI only, so the realtime browser tests use this one.
    It runs in the test's process: it sees the test database (SQLite's shared in-memory
    database, or the PostgreSQL test database) and the same channel layer and fan-out as the
    services the test calls. `live_server` is requested only so that it is set up first, as
    the `browser` fixture expects.
    """
    import socket
    import threading
    import time

    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from config.asgi import application

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    # uvicorn installs no signal handlers outside the main thread.
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("The ASGI test server did not start.", pytrace=False)
        time.sleep(0.05)
    try:
        yield AsgiServer(url=f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# Records the realtime client's events in the page, so a test can wait for a subscription.
REALTIME_PROBE = """
window.__realtime = {subscribed: [], errors: [], events: []};
for (const [name, list] of [["realtime:subscribed", "subscribed"], ["realtime:error", "errors"],
                            ["realtime:event", "events"]]) {
  document.addEventListener(name, (event) => window.__realtime[list].push(event.detail), true);
}
"""


@pytest.fixture
def live_page(browser, asgi_server):
    """Like `new_page`, but on the ASGI server with the real websocket (no stand-in).

    Returns (page, context); the context lets a test take the member offline. Paths passed to
    `page.goto` are relative to the ASGI server.
    """
    from playwright.sync_api import expect

    # Live updates cross a websocket (and Redis in CI's second run) on a loaded 2-core machine:
    # allow more than Playwright's default 5 s before an expectation fails.
    expect.set_options(timeout=15_000)
    contexts = []

    def open_page(user=None):
        context = browser.new_context(
            base_url=asgi_server.url,
            locale="de-DE",
            timezone_id="Europe/Berlin",
            viewport={"width": 1280, "height": 900},
        )
        contexts.append(context)
        if user is not None:
            context.add_cookies([session_cookie(user, asgi_server.url)])
        context.add_init_script(REALTIME_PROBE)
        page = watched_page(context)
        return page, context

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _no_handbook_builds_on_publish(settings):
    """Browser tests commit their pages: without this, every publish would render two handbook PDFs."""
    settings.COURSES_HANDBOOK_BUILD_ON_PUBLISH = False
