"""Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators."""

from __future__ import annotations

import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import jsonify
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .errors import problem
from .extensions import db
from .extensions import limiter

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify(status="ok")


def migration_heads() -> tuple[set[str], set[str]]:
    """(revisions the code ships, revisions the database is at)."""
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return set(script.get_heads()), current


def _check_database() -> str | None:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        shipped, current = migration_heads()
    except SQLAlchemyError as e:
        log.warning("readiness: database unreachable: %s", e.__class__.__name__)
        return _("The database is unreachable.")
    if shipped != current:
        return _("The database schema is not at the latest migration (run flask db upgrade).")
    return None


def _check_redis() -> str | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError:
        return _("Redis is unreachable.")
    return None


@bp.get("/readyz")
@limiter.exempt
def readyz():
    checks = {"database": _check_database(), "redis": _check_redis()}
    failures = {name: detail for name, detail in checks.items() if detail}
    if failures:
        return problem(503, _("Not ready"), " ".join(failures.values()), checks=failures)
    return jsonify(status="ready", checks={name: "ok" for name in checks})


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
