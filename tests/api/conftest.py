"""Fixtures of the API tests."""

from __future__ import annotations

import pytest

from . import apihelp


@pytest.fixture
def seeded(db) -> None:
    apihelp.seed_demo(db)
