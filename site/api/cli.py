"""`flask tokens`: issue, list and revoke API tokens (the secret is shown once)."""

from __future__ import annotations

import re
from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .. import audit
from ..extensions import db
from ..models import ApiToken
from ..models import User
from ..models.base import utcnow
from .v1.auth import scope_problem

tokens = AppGroup("tokens", help="Manage API tokens.")
_DURATION = re.compile(r"^(\d{1,5})([dhm])$")


def parse_duration(value: str) -> timedelta:
    """`30d`, `12h`, `90m`."""
    found = _DURATION.match(value.strip())
    if not found or int(found.group(1)) == 0:
        raise click.ClickException(
            f"--expires-in {value!r} is not a duration such as 30d, 12h or 90m."
        )
    amount, unit = int(found.group(1)), found.group(2)
    unit_name = {"d": "days", "h": "hours", "m": "minutes"}[unit]
    return timedelta(**{unit_name: amount})


def parse_scopes(value: str, owner: User) -> list[str]:
    scopes = [s.strip() for s in value.replace(" ", ",").split(",") if s.strip()]
    problem = scope_problem(owner, scopes)
    if problem:
        raise click.ClickException(problem)
    return scopes


@tokens.command("create")
@click.argument("email")
@click.option("--scopes", required=True, help="Comma-separated, e.g. products:write,posts:write.")
@click.option("--expires-in", default=None, help="A duration: 30d, 12h, 90m (default: never).")
@click.option("--name", default="", help="What the token is for.")
def create_token(email: str, scopes: str, expires_in: str | None, name: str) -> None:
    """Issue a token for a staff member; its secret is printed once and never stored."""
    audit.set_actor(None, "cli")
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user has the email address {email}.")
    if not user.active:
        raise click.ClickException(f"The account {user.email} is inactive.")
    chosen = parse_scopes(scopes, user)
    expires_at = utcnow() + parse_duration(expires_in) if expires_in else None
    token, secret = ApiToken.issue(user, chosen, name=name[:100], expires_at=expires_at)
    db.session.add(token)
    db.session.commit()
    until = expires_at.strftime("%Y-%m-%d %H:%M UTC") if expires_at else "never"
    click.echo(
        f"Token {token.prefix}… for {user.email} (scopes: {', '.join(token.scopes)}; "
        f"expires: {until})."
    )
    click.echo("Copy it now, it is not shown again:")
    click.echo(secret)


@tokens.command("list")
def list_tokens() -> None:
    """List tokens (prefix, owner, scopes, state, last use); never their secrets."""
    now = utcnow()
    for token in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        if token.revoked_at:
            state = "revoked"
        elif token.expires_at and token.expires_at <= now:
            state = "expired"
        else:
            state = "active"
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
        expires = token.expires_at.strftime("%Y-%m-%d") if token.expires_at else "never"
        click.echo(
            f"{token.prefix:13} {token.owner.email:30} {state:8} expires {expires:10} "
            f"used {used:16} {','.join(token.scopes)} {token.name}"
        )


@tokens.command("revoke")
@click.argument("prefix")
def revoke_token(prefix: str) -> None:
    """Revoke the token whose prefix (as `tokens list` shows it) is PREFIX."""
    audit.set_actor(None, "cli")
    prefix = prefix.rstrip("…. ")
    if len(prefix) < 6:
        raise click.ClickException("Give at least 6 characters of the token's prefix.")
    found = list(db.session.scalars(select(ApiToken).where(ApiToken.prefix.startswith(prefix))))
    if not found:
        raise click.ClickException(f"No token starts with {prefix}.")
    if len(found) > 1:
        raise click.ClickException(f"{len(found)} tokens start with {prefix}; give more of it.")
    token = found[0]
    if token.revoked_at:
        raise click.ClickException(f"The token {token.prefix}… is already revoked.")
    token.revoked_at = utcnow()
    db.session.commit()
    click.echo(f"Revoked {token.prefix}… of {token.owner.email}.")
