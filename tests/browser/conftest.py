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


@pytest.fixture
def live_server(make_app, smtp) -> Iterator[str]:
    """The base URL of a real server with demo content and a user per role."""
    app = make_app(WTF_CSRF_SSL_STRICT=False, JOBS_RETRY_INTERVALS=[0.1], **smtp.config())
    with app.app_context():
        for role in ROLES:
            user = User(email=f"{role}@example.com", role=role)
            user.set_password(PASSWORD)
            db.session.add(user)
        seed.seed_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


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


def login(page, base: str, role: str) -> None:
    """Log in through the real login form."""
    page.goto(f"{base}/admin/login")
    page.fill("input[name=email]", f"{role}@example.com")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{base}/admin/**")
