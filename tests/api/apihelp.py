"""Helpers for the API tests: seeded content and tokens (the caller passes the `db` fixture)."""

from __future__ import annotations

from typing import Any

import factories

from atrium import seed
from atrium.models import ApiToken


def seed_demo(db: Any) -> None:
    seed.seed_demo()
    db.session.commit()


def token(db: Any, *scopes: str, role: str = "editor", active: bool = True, **fields: Any) -> str:
    """A new staff member's token with `scopes`; returns the secret."""
    owner = factories.user(role=role, active=active)
    row, secret = ApiToken.issue(owner, list(scopes), **fields)
    db.session.add(row)
    db.session.commit()
    return secret


def bearer(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}
