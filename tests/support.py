"""What tests share besides fixtures: the services they need, and small helpers.

A service (PostgreSQL, Redis, Chromium…) that is not configured skips its tests, unless CI.

Under CI (`CI=true`, or `ATRIUM_REQUIRE_SERVICES=1`) a missing service fails the test
instead; `.ci/run` sets `ATRIUM_REQUIRE_SERVICES=0` for its plain SQLite leg.
"""

import os
import re

import pytest
import sqlalchemy as sa

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
