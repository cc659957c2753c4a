"""Fixtures of the API tests."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator

import pytest
from flask import Flask

from atrium.extensions import db as _db

from . import apihelp


@pytest.fixture
def seeded(db) -> None:
    apihelp.seed_demo(db)


@pytest.fixture
def other_app(make_app) -> Iterator[Callable[..., Flask]]:
    """`make_app`, whose apps' connection pools are closed after the test (PostgreSQL)."""
    apps: list[Flask] = []

    def build(**overrides) -> Flask:
        app = make_app(**overrides)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            _db.engine.dispose()
