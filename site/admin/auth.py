"""Staff login and logout (blueprint `admin_auth`): CSRF, one generic error, rate limit.

A successful login starts a fresh session (nothing from before survives: no session
fixation), records `last_login_at`, and follows `next` only to a local /admin path.
"""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy import update
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import validators

from ..extensions import db
from ..extensions import limiter
from ..models import User
from ..models.base import utcnow
from .access import safe_next

bp = Blueprint("admin_auth", __name__, url_prefix="/admin")

# Compared against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not a password")


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[validators.InputRequired()])
    password = PasswordField(_l("Password"), validators=[validators.InputRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class LogoutForm(FlaskForm):
    pass


def _login_limit() -> str:
    return current_app.config.get("ADMIN_LOGIN_RATE_LIMIT", "10 per minute; 50 per hour")


def _authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@bp.route("/login", methods=("GET", "POST"))
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or url_for("admin.index"))
    if form.validate_on_submit():
        user = _authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong email or password."))
        else:
            target = safe_next(form.next.data) or url_for("admin.index")
            session.clear()  # a fresh session: nothing set before login survives it
            login_user(user, remember=form.remember.data)
            # A Core UPDATE: logging in is not an edit, so the version (and with it any
            # admin's open edit form for this user) stays valid.
            db.session.execute(
                update(User.__table__).where(User.id == user.id).values(last_login_at=utcnow())
            )
            db.session.commit()
            return redirect(target)
    status = 400 if form.errors else 200
    return render_template("admin/atrium/login.html", form=form), status


@bp.route("/logout", methods=("POST",))
def logout():
    if LogoutForm().validate_on_submit():  # CSRFProtect has checked the token already
        logout_user()
        session.clear()
        flash(_("You are logged out."), "info")
    return redirect(url_for("admin_auth.login"))
