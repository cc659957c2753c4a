"""`flask tokens create|list|revoke`."""

from __future__ import annotations

import factories
from sqlalchemy import select

from atrium.models import ApiToken


def _staff(db, email="dev@example.com"):
    factories.user(email=email)
    db.session.commit()


def test_create_prints_the_secret_once_and_stores_its_hash(runner, db, client):
    _staff(db)
    result = runner.invoke(
        args=[
            "tokens",
            "create",
            "dev@example.com",
            "--scopes",
            "products:write,posts:write",
            "--expires-in",
            "30d",
            "--name",
            "shop app",
        ]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("atr_")
    token = db.session.scalars(select(ApiToken)).one()
    assert token.token_hash == ApiToken.hash(secret) and token.name == "shop app"
    assert token.scopes == ["posts:write", "products:write"]
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    response = client.post(
        "/api/v1/categories",
        json={"slug": "x", "name": "X"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403  # the token works; it lacks categories:write
    listed = runner.invoke(args=["tokens", "list"])
    assert token.prefix in listed.output and "active" in listed.output
    assert secret not in listed.output


def test_revoke_by_prefix(runner, db, client):
    _staff(db)
    secret = (
        runner.invoke(args=["tokens", "create", "dev@example.com", "--scopes", "categories:write"])
        .output.strip()
        .splitlines()[-1]
    )
    result = runner.invoke(args=["tokens", "revoke", secret[:12]])
    assert result.exit_code == 0, result.output
    assert "Revoked" in result.output
    response = client.post(
        "/api/v1/categories",
        json={"slug": "x", "name": "X"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 401
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    again = runner.invoke(args=["tokens", "revoke", secret[:12]])
    assert again.exit_code != 0 and "already revoked" in again.output


def test_bad_input_is_one_sentence_and_non_zero(runner, db):
    _staff(db)
    factories.user(email="viewer@example.com", role="viewer")
    db.session.commit()
    cases = [
        (["tokens", "create", "nobody@example.com", "--scopes", "posts:write"], "No user"),
        (["tokens", "create", "dev@example.com", "--scopes", "root"], "Unknown scope"),
        (
            ["tokens", "create", "viewer@example.com", "--scopes", "products:write"],
            "role (viewer) does not allow the scope products:write",
        ),
        (
            [
                "tokens",
                "create",
                "dev@example.com",
                "--scopes",
                "posts:write",
                "--expires-in",
                "soon",
            ],
            "not a duration",
        ),
        (["tokens", "revoke", "atr_"], "at least 6"),
        (["tokens", "revoke", "atr_zzzzzz"], "No token"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.output, result.output
        assert "Traceback" not in result.output
