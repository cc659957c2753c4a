"""The admin's own pages: the dashboard, "My profile", and erasing a person's inquiries."""

from __future__ import annotations

from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_admin import AdminIndexView
from flask_admin import BaseView
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from wtforms import EmailField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import validators
from wtforms.fields.choices import SelectChoice

from .. import i18n
from ..extensions import db
from ..models import AuditEntry
from ..models import Inquiry
from ..models import InquiryStatus
from ..models import Post
from ..models import Product
from .access import ADMIN
from .access import EDITOR
from .access import STAFF
from .access import AccessMixin
from .access import role
from .privacy import erase_email


def estimated_rows(model: type) -> int:
    """A cheap row count: PostgreSQL's planner estimate, else the highest id (SQLite).

    Exact `count(*)` reads the whole table; on a million products that is the slowest
    part of a dashboard. Small tables (under 10,000 estimated) are counted exactly.
    """
    table = model.__tablename__
    estimate = None
    if db.engine.dialect.name == "postgresql":
        estimate = db.session.scalar(
            text("SELECT reltuples::bigint FROM pg_class WHERE relname = :t"), {"t": table}
        )
    if estimate is None or estimate < 0:
        estimate = db.session.scalar(select(func.max(model.id))) or 0
    if estimate < 10_000:
        return db.session.scalar(select(func.count()).select_from(model)) or 0
    return int(estimate)


class DashboardView(AccessMixin, AdminIndexView):
    read_roles = STAFF

    def is_visible(self) -> bool:
        return True

    @expose("/")
    def index(self):
        can_see_inquiries = role() in (ADMIN, EDITOR, "viewer")
        inquiries = (
            db.session.scalars(select(Inquiry).order_by(Inquiry.id.desc()).limit(5)).all()
            if can_see_inquiries
            else []
        )
        changes_query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(10)
        if role() != ADMIN:
            changes_query = changes_query.where(AuditEntry.actor_id == current_user.id)
        counts = {
            _("Products (about)"): estimated_rows(Product),
            _("News posts"): db.session.scalar(select(func.count()).select_from(Post)),
        }
        if can_see_inquiries:
            counts[_("New inquiries")] = db.session.scalar(
                select(func.count())
                .select_from(Inquiry)
                .where(Inquiry.status == InquiryStatus.NEW.value)
            )
        return self.render(
            "admin/atrium/dashboard.html",
            inquiries=inquiries,
            changes=db.session.scalars(changes_query).all(),
            counts=counts,
        )


class ProfileForm(FlaskForm):
    preferred_locale = SelectField(_l("Language of the back-office"), choices=[])
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(
        _l("New password"), validators=[validators.Optional(), validators.Length(min=8)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[validators.EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ProfileView(AccessMixin, BaseView):
    """Every staff member's own settings: language and password."""

    read_roles = STAFF

    @expose("/", methods=("GET", "POST"))
    def index(self):
        user = current_user._get_current_object()
        form = ProfileForm(obj=None if request.method == "POST" else user)
        form.preferred_locale.choices = [SelectChoice("", _("As my browser asks"))] + [
            SelectChoice(tag, i18n_name(tag)) for tag in i18n.supported()
        ]
        if request.method == "GET":
            form.preferred_locale.data = user.preferred_locale or ""
        if form.validate_on_submit():
            if form.new_password.data:
                if not user.check_password(form.current_password.data or ""):
                    form.current_password.errors.append(_("This is not your current password."))
                    return self.render("admin/atrium/profile.html", form=form), 400
                user.set_password(form.new_password.data)
            user.preferred_locale = form.preferred_locale.data or None
            db.session.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".index"))
        status = 400 if form.errors else 200
        return self.render("admin/atrium/profile.html", form=form), status


def i18n_name(tag: str) -> str:
    from babel import Locale

    return Locale.parse(i18n.babel_name(tag)).get_display_name(i18n.babel_name(tag))


class EraseForm(FlaskForm):
    email = EmailField(
        _l("Email address of the person"),
        validators=[validators.InputRequired(), validators.Email()],
    )


class EraseView(AccessMixin, BaseView):
    """Erase one person's inquiries on request (right to erasure)."""

    read_roles = frozenset({ADMIN, EDITOR})
    write_roles = frozenset({ADMIN, EDITOR})

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = EraseForm()
        if form.validate_on_submit():
            count = erase_email(form.email.data)
            db.session.commit()
            flash(
                ngettext("%(num)d inquiry erased.", "%(num)d inquiries erased.", count),
                "success",
            )
            return redirect(url_for(".index"))
        status = 400 if form.errors else 200
        retention = current_app.config["INQUIRY_RETENTION_DAYS"]
        return self.render("admin/atrium/erase.html", form=form, retention=retention), status
