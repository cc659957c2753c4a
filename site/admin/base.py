"""The base of every Atrium model view: what Flask-Admin's defaults get wrong, fixed once.

- forms carry a CSRF token (Flask-WTF base class; CSRFProtect checks every POST);
- `get_one` goes through `get_query`, so row rules hold for details, edit and delete too;
- the edit form carries the version it was opened with; saving over a newer version shows
  the form again with what changed, and writes nothing (`expect_version` + StaleDataError);
  an inline list edit and a delete from the list carry the version the list showed, likewise;
- database errors become a sentence next to the field, never exception text;
- lists run no `count(*)` (next/previous paging) and fetch a page by primary key;
- CSV export streams rows and neutralises spreadsheet formulas.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from flask import Response
from flask import abort
from flask import flash
from flask import g
from flask import jsonify
from flask import request
from flask import stream_with_context
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.babel import gettext as admin_gettext
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.contrib.sqla.validators import Unique
from flask_admin.form import BaseForm
from flask_admin.form import DateTimeField
from flask_admin.model.fields import AjaxSelectField
from flask_admin.model.fields import AjaxSelectMultipleField
from flask_admin.model.form import converts
from flask_admin.model.widgets import XEditableWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import ColumnProperty
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.utils import secure_filename
from wtforms import HiddenField
from wtforms import ValidationError

from .. import errors
from .. import keyset
from ..extensions import db
from ..models import AuditEntry
from ..models.base import MissingVersion
from ..models.base import StaleVersion
from ..models.base import expect_version
from ..models.base import utcnow
from ..services import RuleBroken
from . import paging
from .access import AccessMixin

log = logging.getLogger(__name__)

DUPLICATE = _l("This value is already used by another record; choose another one.")
#: The largest OFFSET SQLite and PostgreSQL take (a signed 64-bit integer): a typed
#: `?page=` beyond it shows an empty list.
MAX_OFFSET = 2**63 - 1
MISSING_VERSION = _l(
    "The form was sent without the version it was opened with, so nothing was saved. "
    "Reload the page and make the change again."
)

#: A cell starting with one of these is a formula to a spreadsheet (CSV injection): OWASP's
#: list (= + - @ tab CR LF), the full-width forms some spreadsheets read as the ASCII ones,
#: and `;` `|` (a separator or a DDE pipe to some importers).
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20;|")
#: Skipped before looking for a formula start: spreadsheets trim them (` =1+1` is a formula).
LEADING_BLANKS = " \u00a0"


class AdminForm(BaseForm, FlaskForm):
    """Flask-Admin's form (translations, `_obj`) with Flask-WTF's CSRF token."""


class VersionField(HiddenField):
    """The version the form was opened with; read by `update_model`, never written.

    A posted form without it has no version, rather than the record's current one
    (WTForms' default, which would let such a POST skip the conflict check).
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = valuelist[0] if valuelist and valuelist[0] else None

    def populate_obj(self, obj: Any, name: str) -> None:
        pass


class OpenedField(HiddenField):
    """When the form was opened (UTC, ISO 8601). After a conflict, the audit log since then
    tells which fields someone else changed, as opposed to what this editor typed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(default=lambda: utcnow().isoformat(), **kwargs)

    def populate_obj(self, obj: Any, name: str) -> None:
        pass


def _since(opened: str | None) -> dt.datetime | None:
    """When the form was opened (its `opened_at`), or None when it did not say."""
    try:
        since = dt.datetime.fromisoformat(opened or "")
    except ValueError:
        return None
    return since if since.tzinfo is not None else None


def _changed_since(model: Any, opened: str | None) -> set[str] | None:
    """Names of the fields others changed on `model` since `opened`; None when unknown."""
    since = _since(opened)
    if since is None:
        return None
    changes = db.session.scalars(
        select(AuditEntry.changes).where(
            AuditEntry.model == type(model).__name__,
            AuditEntry.pk == ",".join(str(v) for v in inspect(model).identity),
            AuditEntry.at >= since,
        )
    )
    return {name for change in changes for name in (change or {})}


def _rows_changed_since(
    model: Any, name: str, stored: list, submitted: Any, opened: str | None
) -> bool | None:
    """Whether others added, changed or removed inline rows (translations) of `model`
    since `opened`, from the audit log; None when unknown."""
    since = _since(opened)
    relation = inspect(type(model)).relationships.get(name)
    if since is None or relation is None:
        return None
    ids = {str(getattr(row, "id", "")) for row in stored}
    if isinstance(submitted, list):
        ids |= {str(row["id"]) for row in submitted if isinstance(row, dict) and row.get("id")}
    ids.discard("")
    if not ids:
        return False
    query = select(AuditEntry.id).where(
        AuditEntry.model == relation.mapper.class_.__name__,
        AuditEntry.pk.in_(ids),
        AuditEntry.at >= since,
    )
    return db.session.scalar(query.limit(1)) is not None


class VersionedXEditable(XEditableWidget):
    """An inline list edit (x-editable) that carries the row's version in its key:
    `data-pk="<id>:<version>"`, read back by `ajax_update`. `row_version` is set on the
    fields by `list_form`."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        version = getattr(field, "row_version", None)
        if version is not None:
            kwargs["pk"] = f"{kwargs.get('pk')}:{version}"
        return super().__call__(field, **kwargs)


class UtcDateTimeField(DateTimeField):
    """Staff type UTC times (the admin says so); stored as aware UTC datetimes."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=dt.UTC)


class AtriumConverter(AdminModelConverter):
    """Flask-Admin skips TypeDecorator columns: our UTCDateTime gets a field too."""

    @converts("UTCDateTime")
    def convert_utc_datetime(self, field_args, **extra):
        field_args.setdefault("description", _l("Time in UTC, e.g. 2026-01-31 14:00:00"))
        return UtcDateTimeField(**field_args)


def neutralise(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text, never evaluates (OWASP's CSV injection advice).

    A cell whose first character, after any spaces and no-break spaces, is one of
    `FORMULA_STARTS` gets a leading `'`; quotes inside it are the csv writer's job."""
    text = "" if value is None else str(value)
    first = text.lstrip(LEADING_BLANKS)[:1]
    return "'" + text if first and first in FORMULA_STARTS else text


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _rows_differ(stored: list, submitted: Any) -> bool:
    """Inline rows as stored vs as the form sent them back (a list of dicts with `id`):
    whether someone changed, added or removed one meanwhile."""
    if not isinstance(submitted, list):
        return False  # many-to-many: not compared
    sent = {str(row["id"]): row for row in submitted if isinstance(row, dict) and row.get("id")}
    for item in stored:
        row = sent.pop(str(getattr(item, "id", "")), None)
        if row is None:
            return True
        for name, value in row.items():
            if (
                name != "id"
                and hasattr(item, name)
                and _shown(getattr(item, name)) != _shown(value)
            ):
                return True
    return bool(sent)


class AtriumModelView(AccessMixin, ModelView):
    form_base_class = AdminForm
    model_form_converter = AtriumConverter
    list_template = "admin/atrium/list.html"
    edit_template = "admin/atrium/edit.html"
    create_template = "admin/atrium/create.html"
    details_template = "admin/atrium/details.html"
    can_view_details = True
    simple_list_pager = True  # no count(*) per page: next/previous paging
    page_size = 20
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    column_display_pk = True
    column_auto_select_related = False
    export_max_rows = 0  # unlimited: the export streams
    #: Columns with a unique constraint: a duplicate is reported next to the field.
    unique_fields: tuple[str, ...] = ()
    #: Relationships loaded with the page (one query, not one per row).
    list_eager: tuple[Any, ...] = ()
    #: Audit history links show on edit pages (the audit view's endpoint).
    audit_endpoint = "audit.index_view"
    #: HTML attributes per form field (Flask-Admin's `form_widget_args`, see below).
    widget_args: dict[str, dict[str, Any]] = {}

    @property
    def form_widget_args(self) -> dict[str, dict[str, Any]]:
        """A fresh copy for each form: Flask-Admin's `render_field` macro writes into the
        dict it is given (`is-invalid` after an error), which would otherwise mark that
        field invalid on every later form of this view, for everyone."""
        return copy.deepcopy(self.widget_args)

    def __init__(self, model: type, **kwargs: Any) -> None:
        super().__init__(model, db, **kwargs)

    # -- forms ----------------------------------------------------------------------------

    def scaffold_form(self):
        form_class = super().scaffold_form()
        if hasattr(self.model, "version"):
            form_class.version = VersionField()
            form_class.opened_at = OpenedField()
        for name in dir(form_class):
            unbound = getattr(form_class, name)
            for validator in getattr(unbound, "kwargs", {}).get("validators", []) or []:
                if isinstance(validator, Unique):
                    validator.message = DUPLICATE
        return form_class

    def get_list_form(self):
        if not hasattr(self.model, "version"):
            return super().get_list_form()
        validators = {
            key: {"validators": value["validators"]}
            for key, value in (self.form_args or {}).items()
            if value.get("validators")
        }
        return self.scaffold_list_form(widget=VersionedXEditable(), validators=validators)

    def list_form(self, obj=None):
        form = super().list_form(obj)
        if obj is not None and hasattr(obj, "version"):
            for field in form:
                field.row_version = obj.version
        return form

    @staticmethod
    def _vanished_choices(form) -> list[Any]:
        """Relation fields (ajax pickers) whose chosen record is gone: deleted since the
        form was opened, or a typed id that never was. Flask-Admin would store None."""
        vanished = []
        for field in form:
            if not isinstance(field, AjaxSelectField) or isinstance(field, AjaxSelectMultipleField):
                continue
            raw = (field.raw_data or [""])[0]
            if raw in ("", "__None") or field.raw_data is None:
                continue
            column = inspect(field.loader.model).mapper.primary_key[0]
            if keyset.ident(raw, column) is None or field.data is None:
                field._formdata = None  # no lookup of a value the database cannot take
                vanished.append(field)
        return vanished

    def validate_form(self, form) -> bool:
        vanished = self._vanished_choices(form) if request.method == "POST" else []
        valid = super().validate_form(form)
        for field in vanished:
            field.errors = [*field.errors, _("The chosen record no longer exists; choose another.")]
            valid = False
        # Flask-Admin's templates show only `str` errors: lazy messages would vanish.
        for field in form:
            if field.errors and isinstance(field.errors, list | tuple):
                field.errors = [e if isinstance(e, list | dict) else str(e) for e in field.errors]
        return valid

    # -- reading --------------------------------------------------------------------------

    def get_one(self, id: Any) -> Any:
        """Through `get_query`, unlike Flask-Admin's `session.get`: row rules apply."""
        ident = keyset.ident(id, self.model.id)
        if ident is None:  # no such record, nor SQL for it
            return None
        return self.get_query().filter(self.model.id == ident).one_or_none()

    def known_ids(self, ids: list[str]) -> list[int]:
        """The ids of a bulk action that can name a row (see `keyset.ident`)."""
        return [i for i in (keyset.ident(text, self.model.id) for text in ids) if i is not None]

    def search_order(self, search: str) -> Any:
        """The order of search results when no sort is chosen (None: the default order)."""
        return None

    def _list_key(self, sort_column: Any, sort_desc: bool, search: str | None) -> tuple[Any, bool]:
        """The expression a page is ordered by (ties broken by id), and its direction.

        `?sort=N` names any list column, sortable or not (a relation, say): only a sortable
        column of this model's own table is taken, else the default order."""
        if sort_column is not None:
            column = (
                self._sortable_columns.get(sort_column)
                if isinstance(sort_column, str)
                else sort_column
            )
            if (
                column is not None
                and not self._sortable_joins.get(sort_column)
                and getattr(column, "class_", None) is self.model
                and isinstance(getattr(column, "property", None), ColumnProperty)
            ):
                return column, bool(sort_desc)
        if search and (order := self.search_order(search)) is not None:
            return order, False
        default = self.column_default_sort
        if isinstance(default, tuple):
            return getattr(self.model, default[0]), bool(default[1])
        if isinstance(default, str):
            return getattr(self.model, default), False
        return self.model.id, False

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """One page: its ids first (an index scan, keyset when a cursor came), then the rows.

        No `count(*)`: the pager is next/previous. Filters and search are Flask-Admin's
        (this view's `_apply_search`); ordering and paging are done here.
        """
        if not execute:
            return super().get_list(
                page, sort_column, sort_desc, search, filters, execute=False, page_size=page_size
            )
        page_size = self.page_size if page_size is None else page_size
        page = max(page or 0, 0)  # a typed ?page=-3 is the first page
        if page_size and page * page_size > MAX_OFFSET:
            return None, []
        _count, query = super().get_list(
            None, None, False, search, filters, execute=False, page_size=0
        )
        key, descending = self._list_key(sort_column, sort_desc, search)
        pk = self.model.id
        sort = f"{request.args.get('sort', '')}:{request.args.get('desc', '')}:{search or ''}"
        cursor, forward = paging.decode(request.args.get(paging.AFTER), sort, key, pk), True
        if cursor is None:  # a bad cursor, like none, is the first page
            cursor = paging.decode(request.args.get(paging.BEFORE), sort, key, pk)
            forward = cursor is None
        scan_descending = descending if forward else not descending
        query = query.order_by(None)
        if cursor is not None:
            query = query.filter(paging.beyond(key, pk, cursor, scan_descending))
        order = (key.desc(), pk.desc()) if scan_descending else (key.asc(), pk.asc())
        query = query.order_by(*order[: 1 if key is pk else 2])
        if page_size:
            query = query.limit(page_size)
            if cursor is None and page:
                query = query.offset(page * page_size)
        keys = query.with_entities(pk, key).all()
        if not forward:
            keys.reverse()
        if not keys:
            return None, []
        g.atrium_list_bounds = {
            "view": self.endpoint,
            "page": page or 0,
            "first": paging.encode(sort, keys[0][1], keys[0][0]),
            "last": paging.encode(sort, keys[-1][1], keys[-1][0]),
        }
        ids = [row[0] for row in keys]
        rows_query = self.get_query().filter(pk.in_(ids))
        if self.list_eager:
            rows_query = rows_query.options(*self.list_eager)
        rows = {row.id: row for row in rows_query}
        return None, [rows[i] for i in ids if i in rows]

    def _get_list_extra_args(self):
        view_args = super()._get_list_extra_args()
        for name in (paging.AFTER, paging.BEFORE):
            view_args.extra_args.pop(name, None)
        return view_args

    def _get_list_url(self, view_args) -> str:
        """The pager's next/previous links carry a cursor (see paging)."""
        url = super()._get_list_url(view_args)
        bounds = g.get("atrium_list_bounds")
        if not bounds or bounds["view"] != self.endpoint or not view_args.page:
            return url
        if view_args.page == bounds["page"] + 1:
            return f"{url}{'&' if '?' in url else '?'}{paging.AFTER}={bounds['last']}"
        if view_args.page == bounds["page"] - 1:
            return f"{url}{'&' if '?' in url else '?'}{paging.BEFORE}={bounds['first']}"
        return url

    # -- writing --------------------------------------------------------------------------

    def handle_view_exception(self, exc: Exception) -> bool:
        """Never show exception text: a validation message is ours, anything else is logged."""
        if isinstance(exc, ValidationError):
            flash(str(exc), "error")
            return True
        if isinstance(exc, errors.UNAVAILABLE):  # the app's 503 page; nothing was saved
            raise exc
        log.exception("admin %s failed", self.endpoint)
        flash(_("The change could not be saved. It has been logged; please try again."), "error")
        return True

    def _save(self, form, model, is_created: bool) -> bool:
        session = db.session
        try:
            if not is_created and "version" in form:
                expect_version(model, form.version.data)
            form.populate_obj(model)
            if is_created:
                session.add(model)
            self._on_model_change(form, model, is_created)
            session.commit()
        except MissingVersion:
            session.rollback()
            flash(MISSING_VERSION, "error")
            return False
        except (StaleVersion, StaleDataError):
            session.rollback()
            self._explain_conflict(form, model)
            return False
        except RuleBroken as broken:
            session.rollback()
            self._explain_rule(form, broken)
            return False
        except IntegrityError:
            session.rollback()
            self._explain_integrity(form, model)
            return False
        except Exception as exc:
            session.rollback()
            self.handle_view_exception(exc)
            return False
        self.after_model_change(form, model, is_created)
        return True

    @staticmethod
    def _explain_rule(form, broken: RuleBroken) -> None:
        """A domain rule refused: its sentence next to the field it is about (a foreign key
        `parent_id` is the form's `parent`), else at the top of the page."""
        names = (broken.field, broken.field.removesuffix("_id")) if broken.field else ()
        field = next((form[name] for name in names if name in form), None)
        if field is None:
            flash(broken.message, "error")
        else:
            field.errors = list(field.errors) + [broken.message]

    def create_model(self, form):
        model = self.build_new_instance()
        return model if self._save(form, model, True) else False

    def update_model(self, form, model) -> bool:
        return self._save(form, model, False)

    def delete_model(self, model) -> bool:
        """A row deleted from the list carries the version the list showed (row_actions.html):
        a record changed since is not deleted unseen. (Bulk actions send ids only.)"""
        sent = request.form.get("version") if request.endpoint.endswith(".delete_view") else None
        if sent is not None and hasattr(model, "version"):
            try:
                expect_version(model, sent)
            except StaleVersion:
                flash(
                    _(
                        "Someone changed this record since the list was loaded, so it was not "
                        "deleted. Look at their change first."
                    ),
                    "error",
                )
                return False
        try:
            self.on_model_delete(model)
            db.session.delete(model)
            db.session.commit()
        except RuleBroken as broken:
            db.session.rollback()
            flash(broken.message, "error")
            return False
        except IntegrityError:
            db.session.rollback()
            flash(
                _("This record is still used by other records, so it cannot be deleted."), "error"
            )
            return False
        except Exception as exc:
            db.session.rollback()
            self.handle_view_exception(exc)
            return False
        self.after_model_delete(model)
        return True

    def _explain_conflict(self, form, model) -> None:
        """Someone saved first: show the stored values next to the fields that differ."""
        db.session.refresh(model)
        others = _changed_since(model, form.opened_at.data) if "opened_at" in form else None
        changed = []
        for field in form:
            if field.name in ("csrf_token", "version") or not hasattr(model, field.name):
                continue
            stored = getattr(model, field.name)
            submitted = field.data
            if isinstance(stored, list):  # inline rows (translations), many-to-many
                theirs = (
                    _rows_changed_since(model, field.name, stored, submitted, form.opened_at.data)
                    if "opened_at" in form
                    else None
                )
                differs = theirs is not False and _rows_differ(stored, submitted)
            elif others is not None:  # what they changed, not what this editor typed
                differs = field.name in others and _shown(stored) != _shown(submitted)
            else:
                differs = _shown(stored) != _shown(submitted)
            if differs:
                changed.append((field.label.text, _shown(stored)))
                field.errors = list(field.errors) + [
                    _(
                        "Changed by someone else meanwhile; it is now: %(value)s",
                        value=_shown(stored),
                    )
                ]
        form.conflict = changed
        form.current_version = model.version
        flash(
            _(
                "Someone else saved this record while you were editing it, so nothing was "
                "saved. The fields they changed are marked; reload the page to start from "
                "their version."
            ),
            "error",
        )

    def _explain_integrity(self, form, model) -> None:
        """Which unique value is taken: said next to its field, in a sentence."""
        found = False
        for name in self.unique_fields:
            if name not in form or not form[name].data:
                continue
            column = getattr(self.model, name)  # the value as stored (normalised)
            query = select(self.model.id).where(column == getattr(model, name))
            ident = inspect(model).identity
            if ident:
                query = query.where(self.model.id != ident[0])
            if db.session.scalar(query.limit(1)) is not None:
                form[name].errors = list(form[name].errors) + [str(DUPLICATE)]
                found = True
        if not found:
            flash(
                _("The record could not be saved: it conflicts with another record."),
                "error",
            )

    @action(
        "delete",
        admin_lazy_gettext("Delete"),
        admin_lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids):
        """Flask-Admin's bulk delete flashes exception text; this one does not, and each
        row goes through `delete_model` (the domain rules: a category still in use stays)."""
        count = 0
        for model in self.get_query().filter(self.model.id.in_(self.known_ids(ids))).all():
            if self.delete_model(model):
                count += 1
        if count:
            flash(
                admin_gettext("%(count)s records were successfully deleted.", count=count),
                "success",
            )

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self):
        """One column edited in the list (x-editable). Flask-Admin's version does not check
        `can_edit` (our `_handle_view` does), answers 500 to bad input, and shows
        exception text; this one answers 400 with a sentence."""
        if not self.column_editable_list:
            abort(404)
        form = self.list_form()
        for field in list(form):
            if field.name not in request.form and field.name != "csrf_token":
                del form[field.name]
        if "list_form_pk" not in form or not self.validate_form(form):
            errors = [e for f in form for e in f.errors if isinstance(e, str)]
            return (errors[0] if errors else _("Nothing to save.")), 400
        pk, _sep, version = form.list_form_pk.data.partition(":")
        record = self.get_one(pk)
        if record is None:
            return _("Record does not exist."), 404
        try:
            if hasattr(record, "version"):  # no lost update: the row as the list showed it
                expect_version(record, version or None)
            form.populate_obj(record)
            self._on_model_change(form, record, False)
            db.session.commit()
        except ValidationError as exc:
            db.session.rollback()
            return str(exc), 400
        except RuleBroken as broken:
            db.session.rollback()
            return broken.message, broken.status
        except (StaleVersion, StaleDataError):
            db.session.rollback()
            return _("Someone changed this record since the list was loaded: reload the page."), 409
        except IntegrityError:
            db.session.rollback()
            return _("The value could not be saved: it conflicts with another change."), 409
        self.after_model_change(form, record, False)
        # The new key lets the page edit this row again (static/admin/admin.js).
        new_pk = f"{pk}:{record.version}" if hasattr(record, "version") else pk
        return jsonify(message=_("Record was successfully saved."), pk=new_pk)

    # -- export ---------------------------------------------------------------------------

    def _export_csv(self, return_url):
        """Stream rows (`yield_per`) instead of loading them all; neutralise formulas.

        The query is built inside the generator: the session of the view has been closed
        by the time the response streams, and a query bound to it would take a connection
        that no teardown returns.
        """
        columns = list(self._export_columns)

        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())

        def rows() -> Iterator[str]:
            yield writer.writerow([neutralise(label) for _name, label in columns])
            view_args = self._get_list_extra_args()
            sort = self._get_column_by_idx(view_args.sort)
            _count, query = ModelView.get_list(
                self,
                0,
                sort[0] if sort else None,
                view_args.sort_desc,
                view_args.search,
                view_args.filters,
                execute=False,
                page_size=0,
            )
            for row in query.yield_per(500):
                yield writer.writerow(
                    [neutralise(self.get_export_value(row, name)) for name, _label in columns]
                )

        filename = secure_filename(self.get_export_name(export_type="csv"))
        return Response(
            stream_with_context(rows()),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={filename}"},
        )


#: Labels shared by several views (lazy: evaluated at request time).
LABELS = {
    "created_at": _l("Created"),
    "updated_at": _l("Updated"),
    "version": _l("Version"),
}
