"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The server is this test's app served by Werkzeug on a loopback port in a thread, on the
test database (SQLite file or PostgreSQL) with the demo content and one user per role.
A failing test leaves a screenshot in test-artifacts/screenshots/ (see the README).
axe-core (from the npm registry) is read from AXE_CORE_JS, which .ci/run sets.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from smtp import SMTPServer
from support import require_service
from werkzeug.serving import make_server

from atrium import seed
from atrium.extensions import db
from atrium.models import User

CHROMIUM = os.environ.get("ATRIUM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "browser-pass-1"
ROLES = ("admin", "editor", "translator", "viewer")

pytestmark = pytest.mark.browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        require_service(f"Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server


class LiveServer:
    """A real server for `app` on a loopback port, in a thread, until `stop()`."""

    def __init__(self, app) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture
def serve(make_app, smtp) -> Iterator:
    """`serve(**config)`: a live server with demo content and a user per role."""
    servers: list[LiveServer] = []

    def start(**overrides) -> LiveServer:
        app = make_app(JOBS_RETRY_INTERVALS=[0.1], **smtp.config(), **overrides)
        if not servers:
            with app.app_context():
                for role in ROLES:
                    user = User(email=f"{role}@example.com", role=role)
                    user.set_password(PASSWORD)
                    db.session.add(user)
                seed.seed_demo()
                db.session.commit()
        servers.append(LiveServer(app))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def live(serve) -> LiveServer:
    return serve()


def _new_context(browser, request, **options):
    context = browser.new_context(**options)
    request.addfinalizer(context.close)
    return context


@pytest.fixture
def context(browser, request):
    """A fresh browser profile (cookies, storage) per test; more with `new_context()`."""
    return _new_context(browser, request, locale="en-US")


@pytest.fixture
def new_context(browser, request):
    return lambda **options: _new_context(browser, request, **options)


@pytest.fixture
def page(context, request):
    page = context.new_page()
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = os.environ.get("AXE_CORE_JS")
    if not path or not Path(path).exists():
        require_service("axe-core (AXE_CORE_JS)")
    return Path(path).read_text()


def log_in(page, base: str, role: str) -> None:
    """Through the real login form, as that role's user."""
    page.goto(f"{base}/admin/login")
    page.fill("input[name=email]", f"{role}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/**")


@pytest.fixture
def as_staff():
    """`as_staff(page, live, "editor")` logs the page in (a fixture: test modules can't
    import from conftest)."""
    return lambda page, live, role: log_in(page, live.url, role)
