"""What tests share besides fixtures: the services they need, and small helpers.

A service (PostgreSQL, Redis, Chromium…) that is not configured skips its tests, unless CI.

Under CI (`CI=true`, or `ATRIUM_REQUIRE_SERVICES=1`) a missing service fails the test
instead; `.ci/run` sets `ATRIUM_REQUIRE_SERVICES=0` for its plain SQLite leg.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("ATRIUM_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")  # read before any test clears the environment
KEEP_ENV = {"ATRIUM_TEST_DATABASE_URL", "ATRIUM_REQUIRE_SERVICES"}
REQUIRE_SERVICES = (
    os.environ.get("ATRIUM_REQUIRE_SERVICES", "1" if os.environ.get("CI") == "true" else "0") == "1"
)


def require_service(name: str) -> None:
    """Skip a test whose service is not configured; under CI that is a failure."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required under CI but is not configured")
    pytest.skip(f"{name} is not configured")


def clear_atrium_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own settings must not leak into tests."""
    for name in list(os.environ):
        if (name.startswith("ATRIUM_") and name not in KEEP_ENV) or name in (
            "DATABASE_URL",
            "SECRET_KEY",
            "REDIS_URL",
        ):
            monkeypatch.delenv(name)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL test database if it does not exist yet."""
    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
            {"name": target.database},
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(workers: int, env: dict[str, str]) -> Iterator[str]:
    """`run:app` under gunicorn with `workers` sync workers; yields its base URL once up."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "run:app", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
