"""Fixtures: an isolated app per test on SQLite (default) or PostgreSQL, and its clients.

`ATRIUM_TEST_DATABASE_URL=postgresql+psycopg://…` runs the suite on PostgreSQL: the tables
are made once per run and emptied after each test. `REDIS_URL` enables the Redis tests.
Under CI (`CI=true`, or `ATRIUM_REQUIRE_SERVICES=1`) a missing service fails those tests
instead of skipping them; `.ci/run` sets `ATRIUM_REQUIRE_SERVICES=0` for its plain SQLite leg.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask.testing import FlaskCliRunner

from atrium import create_app
from atrium.extensions import db as _db

PG_URL = os.environ.get("ATRIUM_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")  # read before any test clears the environment
KEEP_ENV = {"ATRIUM_TEST_DATABASE_URL", "ATRIUM_REQUIRE_SERVICES"}
REQUIRE_SERVICES = (
    os.environ.get("ATRIUM_REQUIRE_SERVICES", "1" if os.environ.get("CI") == "true" else "0") == "1"
)


def clear_atrium_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own settings must not leak into tests."""
    for name in list(os.environ):
        if (name.startswith("ATRIUM_") and name not in KEEP_ENV) or name in (
            "DATABASE_URL",
            "SECRET_KEY",
            "REDIS_URL",
        ):
            monkeypatch.delenv(name)


def require_service(name: str) -> None:
    """Skip a test whose service is not configured; under CI that is a failure."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required under CI but is not configured")
    pytest.skip(f"{name} is not configured")


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


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[None]:
    """On PostgreSQL, the tables are made once for the whole run."""
    if not PG_URL:
        yield
        return
    ensure_database(PG_URL)
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": PG_URL})
    with app.app_context():
        _db.drop_all()
        with _db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        _db.create_all()
        _db.engine.dispose()
    yield


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
        with _db.engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        _db.engine.dispose()


@pytest.fixture
def make_app(
    tmp_path, monkeypatch: pytest.MonkeyPatch, pg_schema: None
) -> Iterator[Callable[..., Flask]]:
    """Build isolated apps: `make_app(PAGES_ROOT=…)`; each shares this test's database."""
    clear_atrium_env(monkeypatch)
    url = PG_URL or f"sqlite:///{tmp_path / 'test.db'}"
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
        }
        config.update(overrides)
        app = create_app(config)
        if config["SQLALCHEMY_DATABASE_URI"] == url:  # another URL: the test's own database
            if not PG_URL and not built:
                with app.app_context():
                    _db.create_all()
            built.append(app)
        return app

    yield build
    if built and PG_URL:
        _empty_tables(built[0])


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database session, inside an app context, for arranging rows and reading them."""
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        require_service("Redis (REDIS_URL)")
    return REDIS_URL


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def staff(app: Flask) -> Any:
    """Back-office actions: `staff.login(role="editor")` returns a logged-in client."""
    from admin_helpers import Staff

    return Staff(app)
