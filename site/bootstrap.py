"""What `python run.py` does before serving: migrate, seed an empty database, first admin."""

from __future__ import annotations

import secrets

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from . import audit
from . import seed
from .extensions import db
from .models import Role
from .models import User

FIRST_ADMIN = "admin@example.com"


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached; the message names where it is."""


def describe_database(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"the SQLite file {parsed.database}"
    host = parsed.host or "localhost"
    return f"{parsed.get_backend_name()} at {host}:{parsed.port or 'its default port'}"


def _has_statistics() -> bool:
    with db.engine.connect() as connection:  # not the session: analyze() renews the pool
        found = connection.scalar(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_stat1'"))
    return bool(found)


def prepare(app: Flask) -> str | None:
    """Bring the database to the latest migration, seed it if empty, make a first admin,
    and give a SQLite file its first planner statistics.

    Returns the first admin's generated password when one was just created (shown once).
    """
    with app.app_context():
        audit.set_actor(None, "setup")
        try:
            upgrade(directory=app.extensions["migrate"].directory)
        except OperationalError as e:
            where = describe_database(app.config["SQLALCHEMY_DATABASE_URI"])
            raise DatabaseUnavailable(f"Cannot reach {where}: is it running?") from e
        password = None
        if db.session.scalar(select(func.count()).select_from(User)) == 0:
            password = secrets.token_urlsafe(12)
            admin = User(email=FIRST_ADMIN, role=Role.ADMIN.value)
            admin.set_password(password)
            db.session.add(admin)
            db.session.flush()
            if seed.is_empty():
                seed.seed_demo(author=admin)
        db.session.commit()
        if db.engine.dialect.name == "sqlite" and not _has_statistics():
            seed.analyze()  # once; PostgreSQL's autovacuum keeps its own up to date
        return password
