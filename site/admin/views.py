"""The model views of the back-office: catalog, news, inquiries, staff, tokens, audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from flask import abort
from flask import flash
from flask import g
from flask import jsonify
from flask import request
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.filters import BooleanEqualFilter
from flask_admin.contrib.sqla.filters import DateGreaterFilter
from flask_admin.contrib.sqla.filters import DateSmallerFilter
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_admin.contrib.sqla.filters import FilterLike
from flask_admin.contrib.sqla.filters import FloatGreaterFilter
from flask_admin.contrib.sqla.filters import FloatSmallerFilter
from flask_admin.contrib.sqla.filters import IntEqualFilter
from flask_admin.model.form import InlineFormAdmin
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy.orm import lazyload
from sqlalchemy.orm import selectinload
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import StringField
from wtforms import ValidationError
from wtforms import validators
from wtforms.fields.choices import SelectChoice

from .. import keyset
from .. import markdown
from ..api.v1.auth import scope_problem
from ..extensions import db
from ..models import ApiToken
from ..models import AuditEntry
from ..models import Category
from ..models import CategoryTranslation
from ..models import Inquiry
from ..models import InquiryStatus
from ..models import Post
from ..models import PostStatus
from ..models import Product
from ..models import ProductTranslation
from ..models import Role
from ..models import User
from ..models.base import utcnow
from .access import ADMIN
from .access import EDITOR
from .access import STAFF
from .access import TRANSLATOR
from .access import VIEWER
from .access import role
from .base import AtriumModelView

UTC = dt.UTC


def _prefix_range(column: Any, prefix: str) -> Any:
    """`column LIKE 'prefix%'` written as a range, so a plain B-tree index serves it."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


class UtcDateAfter(DateGreaterFilter):
    """On or after a day (UTC): Flask-Admin's date filters pass naive datetimes."""

    def apply(self, query, value, alias=None):
        start = dt.datetime.combine(value, dt.time.min, tzinfo=UTC)
        return query.filter(self.get_column(alias) >= start)

    def operation(self):
        return _l("on or after")


class UtcDateBefore(DateSmallerFilter):
    def apply(self, query, value, alias=None):
        end = dt.datetime.combine(value + dt.timedelta(days=1), dt.time.min, tzinfo=UTC)
        return query.filter(self.get_column(alias) < end)

    def operation(self):
        return _l("on or before")


class IdEqualFilter(IntEqualFilter):
    """Equals an id: a number the column cannot hold is an invalid value (not applied)."""

    def clean(self, value: str) -> int:
        number = keyset.ident(super().clean(value), self.column)
        if number is None:
            raise ValueError("beyond the column's range")  # validate() is then False
        return number


def _locale_choices(locales: list[str], source: bool = True) -> list[SelectChoice]:
    return [SelectChoice(tag, tag) for tag in (locales if source else locales[1:])]


class ProductView(AtriumModelView):
    """A million rows: indexed sorts, prefix search, ajax category lookup, no count."""

    read_roles = STAFF

    column_list = ("id", "sku", "name", "price", "stock", "published", "category", "created_at")
    column_labels = {
        "sku": _l("SKU"),
        "name": _l("Name"),
        "price": _l("Price"),
        "stock": _l("Stock"),
        "published": _l("Published"),
        "category": _l("Category"),
        "created_at": _l("Created"),
        "slug": _l("Slug"),
        "description": _l("Description"),
        "currency": _l("Currency"),
        "translations": _l("Translations"),
    }
    # Only indexed columns sort (name, sku, price, created_at, id).
    column_sortable_list = ("id", "sku", "name", "price", "created_at")
    column_default_sort = ("id", True)
    column_searchable_list = ("name", "sku")
    column_filters = (
        BooleanEqualFilter(Product.published, _l("Published")),
        # An int filter: its value is checked and converted, so PostgreSQL compares an
        # integer with an integer (FilterEqual passes the typed text: integer = varchar).
        IdEqualFilter(Product.category_id, _l("Category id")),
        FloatGreaterFilter(Product.price, _l("Price")),
        FloatSmallerFilter(Product.price, _l("Price")),
    )
    form_columns = (
        "sku",
        "slug",
        "name",
        "description",
        "price",
        "currency",
        "stock",
        "published",
        "category",
        "translations",
    )
    form_ajax_refs = {"category": {"fields": ("name", "slug"), "page_size": 10}}
    form_args = {
        "price": {"validators": [validators.InputRequired(), validators.NumberRange(min=0)]},
        "stock": {"validators": [validators.NumberRange(min=0)]},
        "currency": {"validators": [validators.Length(min=3, max=3)]},
    }
    widget_args = {"description": {"rows": 8, "data-markdown-preview": "1"}}
    unique_fields = ("sku", "slug")
    # The list shows no translations: skip their (selectin by default) query.
    list_eager = (selectinload(Product.category), lazyload(Product.translations))
    allow_export = True
    column_export_list = ("id", "sku", "slug", "name", "price", "currency", "stock", "published")

    def __init__(self, locales: list[str], **kwargs: Any) -> None:
        self.inline_models = (
            InlineFormAdmin(
                ProductTranslation,
                form_columns=("id", "locale", "name", "description"),
                form_overrides={"locale": SelectField},
                form_args={"locale": {"choices": _locale_choices(locales, source=False)}},
            ),
        )
        super().__init__(Product, **kwargs)

    def search_placeholder(self) -> str:
        return _("Name starts with…, or a SKU")

    @staticmethod
    def _is_sku(term: str) -> bool:
        return any(c.isdigit() or c == "-" for c in term)

    def search_order(self, search: str) -> Any:
        """Results in the order of the index that found them: no sort of the matches."""
        if self._is_sku(search.strip()):
            return Product.sku
        return func.lower(Product.name, type_=Product.name.type)  # typed: cursors check it

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """A prefix of the name (any case, `lower(name)` index) or, with a digit or `-`,
        of the SKU (unique index). One range scan each, never `LIKE '%…%'`."""
        term = search.strip()
        if term:
            if self._is_sku(term):
                condition = _prefix_range(Product.sku, term.upper())
            else:
                condition = _prefix_range(func.lower(Product.name), term.lower())
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    @expose("/preview/", methods=("POST",))
    def preview(self):
        """The description as the site will show it (sanitised Markdown)."""
        return jsonify(html=str(markdown.render(request.form.get("text", ""))))


class CategoryView(AtriumModelView):
    read_roles = STAFF
    column_list = ("id", "slug", "name", "parent")
    column_labels = {"slug": _l("Slug"), "name": _l("Name"), "parent": _l("Parent")}
    column_sortable_list = ("id", "slug", "name")
    column_searchable_list = ("name", "slug")
    column_default_sort = ("name", False)
    # Inline editing in the list (x-editable) costs a form per row: only on small tables.
    column_editable_list = ("name",)
    form_columns = ("slug", "name", "parent", "translations")
    form_ajax_refs = {"parent": {"fields": ("name", "slug"), "page_size": 10}}
    unique_fields = ("slug",)
    list_eager = (selectinload(Category.parent),)

    def __init__(self, locales: list[str], **kwargs: Any) -> None:
        self.inline_models = (
            InlineFormAdmin(
                CategoryTranslation,
                form_columns=("id", "locale", "name"),
                form_overrides={"locale": SelectField},
                form_args={"locale": {"choices": _locale_choices(locales, source=False)}},
            ),
        )
        super().__init__(Category, **kwargs)


class TranslationView(AtriumModelView):
    """Translators edit translated fields here; the source rows stay with editors."""

    read_roles = frozenset({ADMIN, EDITOR, TRANSLATOR, VIEWER})
    write_roles = frozenset({ADMIN, EDITOR, TRANSLATOR})
    column_filters = ("locale",)
    column_default_sort = ("id", True)

    def __init__(self, model: type, locales: list[str], **kwargs: Any) -> None:
        self.form_overrides = {"locale": SelectField}
        self.form_args = {"locale": {"choices": _locale_choices(locales, source=False)}}
        super().__init__(model, **kwargs)


class ProductTranslationView(TranslationView):
    column_list = ("id", "product", "locale", "name")
    column_searchable_list = ("name",)
    form_columns = ("product", "locale", "name", "description")
    form_ajax_refs = {"product": {"fields": ("sku",), "page_size": 10}}
    list_eager = (selectinload(ProductTranslation.product),)


class CategoryTranslationView(TranslationView):
    column_list = ("id", "category", "locale", "name")
    form_columns = ("category", "locale", "name")
    form_ajax_refs = {"category": {"fields": ("name", "slug"), "page_size": 10}}
    list_eager = (selectinload(CategoryTranslation.category),)


class PostView(AtriumModelView):
    """News posts: one row per locale; a translation group links the locales of a story."""

    read_roles = STAFF

    column_list = ("id", "title", "locale", "slug", "status", "published_at", "translation_group")
    column_labels = {
        "title": _l("Title"),
        "locale": _l("Locale"),
        "slug": _l("Slug"),
        "status": _l("Status"),
        "published_at": _l("Published at"),
        "translation_group": _l("Translation group"),
        "body": _l("Body"),
        "author": _l("Author"),
    }
    column_sortable_list = ("id", "title", "published_at")
    column_searchable_list = ("title", "slug")
    column_filters = ("locale", "status", "translation_group")
    column_default_sort = ("id", True)
    form_columns = (
        "locale",
        "slug",
        "title",
        "body",
        "status",
        "published_at",
        "translation_group",
    )
    form_overrides = {"status": SelectField}
    form_args = {
        "status": {"choices": [SelectChoice(s.value) for s in PostStatus]},
        "translation_group": {
            "description": _l("Give a post the group of its translations to link them."),
            "validators": [validators.Optional(), validators.Length(max=32)],
        },
    }
    widget_args = {"body": {"rows": 12}}
    column_formatters = {
        "translation_group": lambda v, c, m, n: Markup('<a href="{}">{}</a>').format(
            v.get_url(".index_view", group=m.translation_group), m.translation_group[:8]
        ),
    }

    def __init__(self, locales: list[str], **kwargs: Any) -> None:
        self.form_args = dict(self.form_args)
        self.form_args["locale"] = {"choices": _locale_choices(locales)}
        self.form_overrides = dict(self.form_overrides, locale=SelectField)
        super().__init__(Post, **kwargs)

    def get_query(self):
        query = super().get_query()
        group = request.args.get("group")
        return query.filter(Post.translation_group == group) if group else query

    def on_model_change(self, form, model, is_created):
        """The story's group and the publication time are the domain's (services.news)."""
        if is_created and current_user.is_authenticated:
            model.author = current_user._get_current_object()

    def _set_status(self, ids: list[str], status: PostStatus) -> int:
        count = 0
        for post in self.get_query().filter(Post.id.in_(self.known_ids(ids))):
            post.status = status.value
            count += 1
        db.session.commit()
        return count

    @action("publish", _l("Publish"), _l("Publish the selected posts?"))
    def action_publish(self, ids):
        count = self._set_status(ids, PostStatus.PUBLISHED)
        flash(_("%(count)d posts published.", count=count), "success")

    @action("draft", _l("Back to draft"), _l("Unpublish the selected posts?"))
    def action_draft(self, ids):
        count = self._set_status(ids, PostStatus.DRAFT)
        flash(_("%(count)d posts set back to draft.", count=count), "success")


def _mailto(view, context, model, name) -> Markup:
    subject = quote(_("Re: your message"))
    return Markup('<a href="mailto:{}?subject={}">{}</a>').format(
        quote(model.email, safe="@"), subject, model.email
    )


class InquiryView(AtriumModelView):
    """Contact form messages: a status workflow, a reply link, no creation by staff."""

    read_roles = frozenset({ADMIN, EDITOR, VIEWER})
    allow_create = False
    column_list = ("id", "created_at", "name", "email", "locale", "status")
    column_labels = {
        "created_at": _l("Received"),
        "name": _l("Name"),
        "email": _l("Email"),
        "locale": _l("Locale"),
        "status": _l("Status"),
        "message": _l("Message"),
        "handled_at": _l("Handled at"),
    }
    column_sortable_list = ("id", "created_at")
    column_default_sort = ("id", True)
    column_filters = ("status", "email")
    column_formatters = {"email": _mailto}
    column_details_list = ("id", "created_at", "name", "email", "locale", "message", "status")
    column_formatters_detail = {"email": _mailto}
    form_columns = ("status",)
    form_overrides = {"status": SelectField}
    form_args = {"status": {"choices": [SelectChoice(s.value) for s in InquiryStatus]}}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Inquiry, **kwargs)

    @action("handled", _l("Mark handled"), _l("Mark the selected inquiries as handled?"))
    def action_handled(self, ids):
        count = 0
        for inquiry in self.get_query().filter(Inquiry.id.in_(self.known_ids(ids))):
            if inquiry.status in (InquiryStatus.NEW, InquiryStatus.OPEN):
                inquiry.status = InquiryStatus.HANDLED.value  # the workflow stamps handled_at
                count += 1
        db.session.commit()
        flash(_("%(count)d inquiries marked handled.", count=count), "success")


class UserView(AtriumModelView):
    """Staff accounts (admins only): no password hash shown, a field to set a password."""

    read_roles = frozenset({ADMIN})
    write_roles = frozenset({ADMIN})
    column_list = ("id", "email", "role", "active", "preferred_locale", "last_login_at")
    column_labels = {
        "email": _l("Email"),
        "role": _l("Role"),
        "active": _l("Active"),
        "preferred_locale": _l("Language"),
        "last_login_at": _l("Last login"),
    }
    column_details_list = column_list
    column_sortable_list = ("id", "email", "role", "last_login_at")
    column_searchable_list = ("email",)
    column_filters = ("role", "active")
    form_columns = ("email", "role", "active", "preferred_locale", "new_password")
    form_overrides = {"role": SelectField}
    form_args = {
        "email": {"validators": [validators.InputRequired(), validators.Email()]},
        "role": {"choices": [SelectChoice(r.value) for r in Role]},
    }
    form_extra_fields = {
        "new_password": PasswordField(
            _l("Set password"),
            validators=[validators.Optional(), validators.Length(min=8)],
            description=_l("Leave empty to keep the current password."),
        )
    }
    unique_fields = ("email",)
    column_export_exclude_list = ("password_hash",)

    def __init__(self, locales: list[str], **kwargs: Any) -> None:
        self.form_args = dict(self.form_args)
        self.form_args["preferred_locale"] = {
            "choices": [SelectChoice("", _l("Browser"))] + _locale_choices(locales)
        }
        self.form_overrides = dict(self.form_overrides, preferred_locale=SelectField)
        super().__init__(User, **kwargs)

    def on_model_change(self, form, model, is_created):
        if form.new_password.data:
            model.set_password(form.new_password.data)
        elif is_created:
            raise ValidationError(_("A new account needs a password."))
        model.preferred_locale = model.preferred_locale or None
        if model.id == current_user.id and (model.role != ADMIN or not model.active):
            raise ValidationError(
                _("You cannot remove your own admin rights or deactivate yourself.")
            )

    def on_model_delete(self, model):
        if model.id == current_user.id:
            raise ValidationError(_("You cannot delete your own account."))


def _valid_scopes(form, field) -> None:
    problem = scope_problem(form.owner.data, (field.data or "").split())
    if problem:
        raise validators.ValidationError(problem)


class ApiTokenView(AtriumModelView):
    """API tokens (admins only): the secret is shown once, then only its prefix."""

    read_roles = frozenset({ADMIN})
    write_roles = frozenset({ADMIN})
    allow_edit = True
    column_list = (
        "id",
        "prefix",
        "name",
        "owner",
        "scopes",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    column_labels = {
        "prefix": _l("Prefix"),
        "name": _l("Name"),
        "owner": _l("Owner"),
        "scopes": _l("Scopes"),
        "expires_at": _l("Expires"),
        "last_used_at": _l("Last used"),
        "revoked_at": _l("Revoked"),
    }
    column_details_list = column_list
    column_sortable_list = ("id", "name", "expires_at")
    form_columns = ("name", "owner", "scope_list", "expires_at")
    form_ajax_refs = {"owner": {"fields": ("email",), "page_size": 10}}
    form_extra_fields = {
        "scope_list": StringField(
            _l("Scopes"),
            description=_l("Separated by spaces, e.g. products:write inquiries:read"),
            validators=[_valid_scopes],
        )
    }
    form_args = {"owner": {"validators": [validators.InputRequired()]}}
    token_template = "admin/atrium/token_created.html"
    list_eager = (selectinload(ApiToken.owner),)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(ApiToken, **kwargs)

    def on_form_prefill(self, form, id):
        model = self.get_one(id)
        if model is not None and not form.scope_list.data:
            form.scope_list.data = " ".join(model.scopes or [])

    def create_model(self, form):
        if form.owner.data is None:
            form.owner.errors = list(form.owner.errors) + [_("Choose the token's owner.")]
            return False
        token, secret = ApiToken.issue(
            form.owner.data,
            (form.scope_list.data or "").split(),
            name=form.name.data or "",
            expires_at=form.expires_at.data,
        )
        db.session.add(token)
        try:
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            self.handle_view_exception(exc)
            return False
        g.issued_token = (token, secret)
        return token

    def on_model_change(self, form, model, is_created):
        model.scopes = sorted(set((form.scope_list.data or "").split()))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """Like Flask-Admin's, but a created token is shown once instead of redirecting."""
        response = super().create_view()
        issued = g.pop("issued_token", None)
        if issued is None:
            return response
        token, secret = issued
        return self.render(self.token_template, token=token, secret=secret)

    @action(
        "revoke", _l("Revoke"), _l("Revoke the selected tokens? Clients using them stop working.")
    )
    def action_revoke(self, ids):
        count = 0
        for token in self.get_query().filter(ApiToken.id.in_(self.known_ids(ids))):
            if token.revoked_at is None:
                token.revoked_at = utcnow()
                count += 1
        db.session.commit()
        flash(_("%(count)d tokens revoked.", count=count), "success")


#: Which role may read the history of which model (the audit list filtered to a record).
HISTORY_ROLES = {
    "Product": {EDITOR, VIEWER, TRANSLATOR},
    "ProductTranslation": {EDITOR, VIEWER, TRANSLATOR},
    "Category": {EDITOR, VIEWER, TRANSLATOR},
    "CategoryTranslation": {EDITOR, VIEWER, TRANSLATOR},
    "Post": {EDITOR, VIEWER, TRANSLATOR},
    "Inquiry": {EDITOR, VIEWER},
}


def _change(value: Any) -> str:
    """One field of an entry: `[old, new]` for a row change, else a plain value (the count
    of an erasure or purge, "(redacted)")."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return " → ".join("—" if v is None else str(v) for v in value)
    return str(value)


def _changes(view, context, model, name) -> Markup:
    items = []
    changes = model.changes if isinstance(model.changes, dict) else {}
    for field, value in changes.items():
        items.append(Markup("<li><b>{}</b>: {}</li>").format(field, _change(value)))
    return Markup("<ul class='mb-0'>") + Markup("").join(items) + Markup("</ul>")


class AuditView(AtriumModelView):
    """The audit log: read only. Admins see it all; others the history of a record they read."""

    read_roles = STAFF
    write_roles = frozenset()
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "actor", "source", "action", "model", "pk", "changes")
    column_labels = {
        "at": _l("When"),
        "actor": _l("Who"),
        "source": _l("From"),
        "action": _l("Action"),
        "model": _l("Record type"),
        "pk": _l("Record"),
        "changes": _l("Changes"),
    }
    column_details_list = column_list
    column_sortable_list = ("at",)
    column_default_sort = ("at", True)
    column_filters = (
        FilterLike(AuditEntry.actor, _l("Who")),
        FilterEqual(AuditEntry.model, _l("Record type")),
        FilterEqual(AuditEntry.pk, _l("Record")),
        FilterEqual(AuditEntry.source, _l("From")),
        UtcDateAfter(AuditEntry.at, _l("When")),
        UtcDateBefore(AuditEntry.at, _l("When")),
    )
    column_formatters = {"changes": _changes}
    column_formatters_detail = {"changes": _changes}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(AuditEntry, **kwargs)

    def _scope(self) -> tuple[str | None, str | None]:
        return request.args.get("model"), request.args.get("pk")

    def is_visible(self) -> bool:
        return role() == ADMIN

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        if role() != ADMIN:
            model, _pk = self._scope()
            if role() not in HISTORY_ROLES.get(model or "", set()):
                abort(403)
        return None

    def get_query(self):
        query = super().get_query()
        model, pk = self._scope()
        if model:
            query = query.filter(AuditEntry.model == model)
        if pk:
            query = query.filter(AuditEntry.pk == pk)
        return query
