"""Forgotten passwords: a time-limited, single-use link sent by mail.

The link carries the user's id and a fingerprint of their current password hash, signed
with the app's secret: it expires after PASSWORD_RESET_MAX_AGE seconds, and setting a new
password changes the hash, so a link works once. Asking for a link answers the same
whether or not the address belongs to an account, so nobody learns who has one.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from wtforms import PasswordField
from wtforms import StringField
from wtforms import validators

from .. import audit
from .. import i18n
from .. import jobs
from .. import mail
from ..extensions import db
from ..extensions import limiter
from ..links import public_url
from ..models import User
from .auth import bp

SALT = "atrium.password-reset"


class RequestForm(FlaskForm):
    email = StringField(_l("Email"), validators=[validators.InputRequired()])


class ResetForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            validators.InputRequired(),
            validators.Length(min=8, message=_l("Use at least %(min)d characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[validators.EqualTo("password", message=_l("The passwords differ."))],
    )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_token(user: User) -> str:
    return _serializer().dumps([user.id, _fingerprint(user)])


def user_for(token: str) -> User | None:
    """The user a valid, unexpired, unused token is for; None otherwise."""
    max_age = current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600)
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or _fingerprint(user) != fingerprint:
        return None
    return user


def send_reset_mail(user_id: int, link: str) -> None:
    """Job: the link, in the language the staff member prefers."""
    user = db.session.get(User, user_id)
    if user is None:
        return
    locale = i18n.canonical_tag(user.preferred_locale or "") or i18n.default()
    if locale not in i18n.supported():
        locale = i18n.default()
    with force_locale(i18n.babel_name(locale)):
        mail.send(
            [user.email],
            _("Reset your Atrium password"),
            "password_reset",
            link=link,
            lang=locale,
            direction="rtl" if i18n.is_rtl(locale) else "ltr",
            hours=current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600) // 3600,
        )


@bp.route("/reset", methods=("GET", "POST"))
@limiter.limit("5 per hour", methods=["POST"])
def request_reset():
    form = RequestForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email, User.active))
        if user is not None:
            # From PUBLIC_URL, never the request's Host (see links.py).
            link = public_url("admin_auth.reset_password", token=make_token(user))
            jobs.enqueue(send_reset_mail, user.id, link)
        flash(
            _("If an account uses that address, a link to choose a new password is on its way."),
            "info",
        )
        return redirect(url_for("admin_auth.login"))
    return render_template(
        "admin/atrium/reset_request.html", form=form
    ), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=("GET", "POST"))
def reset_password(token: str):
    user = user_for(token)
    if user is None:
        flash(_("This link has expired or was already used. Ask for a new one."), "warning")
        return redirect(url_for("admin_auth.request_reset"))
    form = ResetForm()
    if form.validate_on_submit():
        audit.set_actor(user, "password-reset")
        user.set_password(form.password.data)
        db.session.commit()
        flash(_("Your password has been changed. Log in with the new one."), "info")
        return redirect(url_for("admin_auth.login"))
    return render_template(
        "admin/atrium/reset_password.html", form=form
    ), 400 if form.errors else 200
