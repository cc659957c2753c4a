"""`flask` commands: seed, users (and the commands of other areas, registered here)."""

from __future__ import annotations

import functools
import sys

import click
from email_validator import EmailNotValidError
from email_validator import validate_email
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import with_appcontext
from sqlalchemy import select

from . import audit
from . import datacopy
from . import errors
from . import jobs
from . import seed
from .admin.privacy import inquiries
from .api import cli as api_cli
from .content.cli import group as pages_group
from .extensions import db
from .models import Role
from .models import User
from .services import RuleBroken
from .services import staff
from .translate import cli as translate_cli

users = AppGroup("users", help="Manage staff accounts.")
ROLES = [role.value for role in Role]


def _actor() -> None:
    audit.set_actor(None, "cli")


def _valid_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as e:
        raise click.ClickException(f"{email!r} is not a valid email address: {e}") from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.ClickException("The password must have at least 8 characters.")
    return password


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user has the email address {email}.")
    return user


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, password_stdin: bool) -> None:
    """Create a staff account."""
    _actor()
    email = _valid_email(email)
    try:  # said before the password is asked for
        staff.check_email_free(email)
    except RuleBroken as broken:
        raise click.ClickException(broken.message) from None
    user = User(email=email, role=role)
    user.set_password(_read_password(password_stdin))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}.")


@users.command("list")
def list_users() -> None:
    """List staff accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.email:40} {user.role:10} {state:8} last login: {last}")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Set a staff member's password."""
    _actor()
    user = _user(email)
    user.set_password(_read_password(password_stdin))
    db.session.commit()
    click.echo(f"Password of {user.email} changed.")


@click.command("seed")
@with_appcontext
@click.option("--products", default=0, type=click.IntRange(min=0), help="Generated products.")
@click.option("--posts", default=0, type=click.IntRange(min=0), help="Generated news posts.")
def seed_command(products: int, posts: int) -> None:
    """Add demo content to an empty database, or bulk rows for benchmarks."""
    _actor()
    if not products and not posts:
        if not seed.is_empty():
            raise click.ClickException("The database already has products; nothing seeded.")
        seed.seed_demo()
        db.session.commit()
        click.echo("Demo content added.")
        return
    with click.progressbar(length=products + posts, label="Seeding") as bar:
        seed.seed_bulk(products, posts, progress=bar.update)
    click.echo(f"Added {products} products and {posts} posts.")


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run background jobs from Redis, and schedule the periodic ones."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException(
            "flask worker needs REDIS_URL; without Redis, jobs run inside the web process."
        )
    jobs.work(url, burst=burst)


def _database_errors_in_one_sentence(command: click.Command) -> None:
    """Every command (and subcommand) says one sentence when the database is unreachable,
    not a traceback. The command objects are shared by every app: wrapped once."""
    for sub in getattr(command, "commands", {}).values():
        _database_errors_in_one_sentence(sub)
    callback = command.callback
    if callback is None or getattr(callback, "database_errors_explained", False):
        return

    @functools.wraps(callback)
    def explained(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except errors.UNAVAILABLE as e:
            reason = str(getattr(e, "orig", None) or e).strip().splitlines()
            raise click.ClickException(
                f"The database is unreachable ({reason[0] if reason else type(e).__name__}); "
                "check DATABASE_URL and that the database server is running."
            ) from None

    explained.database_errors_explained = True
    command.callback = explained


def init_app(app: Flask) -> None:
    datacopy.init_app(app)
    app.cli.add_command(users)
    app.cli.add_command(inquiries)
    app.cli.add_command(seed_command)
    app.cli.add_command(api_cli.tokens)
    app.cli.add_command(pages_group)
    app.cli.add_command(translate_cli.translate)
    app.cli.add_command(worker_command)
    _database_errors_in_one_sentence(app.cli)
