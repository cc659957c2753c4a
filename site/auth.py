"""Who is asking: staff sessions (Flask-Login); the audit actor follows the logged-in user."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user

from . import audit
from . import errors
from .extensions import db
from .extensions import login
from .models import User


@login.user_loader
def load_user(user_id: str) -> User | None:
    """The logged-in staff member. With the database down: nobody, so a page that needs no
    database (a Markdown page, the 503 page itself) still renders; admin views see
    `errors.database_was_unavailable()` and answer 503 instead of sending to the login."""
    if errors.database_was_unavailable():
        return None
    try:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    except errors.UNAVAILABLE as e:
        db.session.rollback()
        errors.database_unavailable(e)  # logged once; the view decides what to answer
        return None
    return user if user is not None and user.active else None


def _actor_from_session() -> None:
    if current_user.is_authenticated:
        audit.set_actor(current_user, "admin")


def init_app(app: Flask) -> None:
    login.login_view = None  # the admin sets its own login page
    app.before_request(_actor_from_session)
