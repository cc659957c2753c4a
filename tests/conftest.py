"""Fixtures: an isolated app per test on SQLite (default) or PostgreSQL, and its clients.

`ATRIUM_TEST_DATABASE_URL=postgresql+psycopg://…` runs the suite on PostgreSQL: the tables
are made once per run and emptied after each test. `REDIS_URL` enables the Redis tests.
Under CI (`CI=true`, or `ATRIUM_REQUIRE_SERVICES=1`) a missing service fails those tests
instead of skipping them; `.ci/run` sets `ATRIUM_REQUIRE_SERVICES=0` for its plain SQLite leg.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask.testing import FlaskCliRunner
from pagetree import write_tree
from support import PG_URL
from support import REDIS_URL
from support import clear_atrium_env
from support import ensure_database
from support import require_service

from atrium import create_app
from atrium import jobs
from atrium.extensions import db as _db


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
    built: list[Flask] = []  # apps on this test's database
    every: list[Flask] = []

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
        every.append(app)
        if config["SQLALCHEMY_DATABASE_URI"] == url:  # another URL: the test's own database
            if not PG_URL and not built:
                with app.app_context():
                    _db.create_all()
            built.append(app)
        return app

    yield build
    for app in every:  # a job thread still using the database would outlive its pool
        jobs.wait(app, timeout=10)
    if built and PG_URL:
        _empty_tables(built[0])
    for app in every:  # close pooled connections now, not when the collector finds them
        with app.app_context():
            _db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def page_tree(tmp_path) -> Path:
    """The small page tree of `pagetree.py`, for tests that need known pages (a module
    overrides `app` with it; `client` and `runner` then follow)."""
    return write_tree(tmp_path)


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


@pytest.fixture
def staff(app: Flask) -> Any:
    """Back-office actions: `staff.login(role="editor")` returns a logged-in client."""
    from admin_helpers import Staff

    return Staff(app)
