"""Reading resources: lists and items, with validators read before any row is loaded.

Each representation's ETag comes from a light query (ids, versions, update times of the
rows and of what they embed), so a revalidation answers 304 without loading or
serializing anything. An item's ETag starts with `<letter><id>.<version>.`, so If-Match
(see writes.py) accepts the ETag of any representation of the version the client read.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlencode

from flask import Response
from flask import jsonify
from flask import request
from flask_babel import gettext as _
from marshmallow import Schema
from sqlalchemy import Select
from sqlalchemy import select

from ... import i18n
from ...conditional import etag_for
from ...errors import ApiError
from ...extensions import db
from . import auth
from . import cursor
from .http import announce
from .http import link_header
from .http import validated_response
from .query import MAX_INT
from .query import ListQuery
from .query import bad_parameter
from .query import check_only
from .query import parse_fields
from .query import parse_lang
from .query import parse_list
from .schemas import DEPRECATED
from .schemas import Ctx
from .schemas import field_paths

if TYPE_CHECKING:
    from .resource import Resource


@lru_cache(maxsize=512)
def _schema_for(schema: type[Schema], only: tuple[str, ...] | None) -> Schema:
    # marshmallow 4 schemas hold no per-call state (context is a contextvar): reuse them.
    return schema(only=only) if only else schema()


def _schema(resource: Resource, only: tuple[str, ...] | None) -> Schema:
    return _schema_for(resource.schema, only)


def _where(resource: Resource, stmt: Select, query: ListQuery | None = None) -> Select:
    visible = resource.visible()
    if visible is not None:
        stmt = stmt.where(visible)
    if query is None:
        return stmt
    if query.q and resource.search:
        stmt = stmt.where(resource.search(query.q))
    for flt, operator, value in query.filters:
        stmt = stmt.where(flt.clause(operator, value))
    return stmt


def _stamp_columns(resource: Resource) -> list[Any]:
    """The validator's columns; SQL constructs, made once (they depend on no request)."""
    if resource._stamp_columns is None:
        model = resource.model
        resource._stamp_columns = [model.id, model.version, model.updated_at, *resource.stamp()]
    return resource._stamp_columns


def _core(stmt: Any) -> list[Any]:
    """Rows of a column query, without the ORM's per-row work (validators only)."""
    return db.session.connection().execute(stmt).all()


def _private() -> bool:
    return auth.current_token() is not None


def _dump(resource: Resource, rows: Any, only: tuple[str, ...] | None, many: bool):
    lang = i18n.current()
    context = {"lang": lang, "source": i18n.default(), "served": set()}
    with Ctx(context):
        data = _schema(resource, only).dump(rows, many=many)
    headers = {}
    if context["served"]:
        headers["Content-Language"] = ", ".join(sorted(context["served"]))
    return data, headers


def _deprecations(resource: Resource, only: tuple[str, ...] | None):
    chosen = set(only) if only else set(resource.schema._declared_fields)
    return [d for (name, fld), d in DEPRECATED.items() if name == resource.name and fld in chosen]


def _list_url(**changes: str | None) -> str:
    """This list's URL with some parameters changed (None: removed)."""
    args = request.args.to_dict()
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args[name] = value
    return f"{request.path}?{urlencode(args)}" if args else request.path


def _keys(resource: Resource, query: ListQuery) -> list[cursor.Key]:
    """The list's order: its sort keys, then the id, in the direction of the last key, so
    that one walk of that column's index (which ends in the row id) serves it all."""
    keys = [cursor.Key(resource.sort_columns[name], desc) for name, desc in query.sort]
    return [*keys, cursor.Key(resource.model.id, keys[-1].descending if keys else False)]


def list_items(resource: Resource) -> Response:
    """A page of items, by `page` (an OFFSET) or by `cursor` (after the previous page's last
    row, constant cost however deep; the `next` link always carries one).

    Only the validators are read first (one query of plain columns): they make the ETag,
    which may end in a 304 or find the body in the shared cache. Rows are loaded and
    serialized only when neither happens."""
    if resource.read_scope:
        auth.require_scope(resource.read_scope)
    query = parse_list(resource.spec)
    model = resource.model
    keys = _keys(resource, query)
    order = [key.order() for key in keys]
    signature = ",".join(("-" if desc else "") + name for name, desc in query.sort)
    # The page's ids first, then its validator columns for those rows only (computed for
    # every matching row, correlated subqueries would make a long list slow).
    page = _where(resource, select(model.id), query)
    if resource.list_where:
        page = page.where(resource.list_where())
    if query.cursor is not None:
        try:
            page = page.where(cursor.after(keys, cursor.decode(query.cursor, signature, keys)))
        except ValueError as e:
            raise bad_parameter(
                "cursor",
                _("made for another sort order: start again without it")
                if str(e) == "sort"
                else _("not a cursor of this list: follow the links the list gives"),
            ) from None
    else:
        page = page.offset((query.page - 1) * query.limit)
    page = page.order_by(*order).limit(query.limit + 1).subquery()
    validators = _stamp_columns(resource)
    sort_values = [key.column.label(f"sort_{i}") for i, key in enumerate(keys)]
    stmt = select(*validators, *sort_values).join(page, page.c.id == model.id).order_by(*order)
    rows = _core(stmt)
    has_next = len(rows) > query.limit
    rows = rows[: query.limit]
    stamps = [tuple(row[: len(validators)]) for row in rows]
    after_last = cursor.encode(signature, tuple(rows[-1][len(validators) :])) if rows else None
    private = _private()
    lang = i18n.current()
    canonical = sorted(request.args.items(multi=True))
    etag = "L." + etag_for(resource.name, lang, private, canonical, has_next, *stamps)
    last_modified = max((stamp[2] for stamp in stamps), default=None)

    def build():
        by_page = query.cursor is None
        links = {
            "self": _list_url(),
            "first": _list_url(page="1", cursor=None),
            "prev": _list_url(page=str(query.page - 1)) if by_page and query.page > 1 else None,
            "next": _list_url(page=None, cursor=after_last) if has_next else None,
        }
        items = _load(resource, stamps, query)
        data, headers = _dump(resource, items, query.fields, many=True)
        headers["Link"] = link_header(links)
        meta = {"limit": query.limit, "count": len(data)}
        if by_page:
            meta = {"page": query.page, **meta}
        body = {
            "data": data,
            "links": {rel: url for rel, url in links.items() if url},
            "meta": meta,
        }
        return body, headers

    response = validated_response(etag, build, last_modified=last_modified, private=private)
    announce(response, _deprecations(resource, query.fields))
    return response


def _load(resource: Resource, stamps: list[tuple], query: ListQuery) -> list[Any]:
    """The rows of a page whose validators were read first, in their order."""
    ids = [stamp[0] for stamp in stamps]
    if not ids:
        return []
    loaded = db.session.scalars(
        select(resource.model)
        .where(resource.model.id.in_(ids))
        .options(*resource.load_options(query.fields))
    ).all()
    by_id = {row.id: row for row in loaded}
    return [by_id[i] for i in ids if i in by_id]


def not_found(resource: Resource, ref: str) -> ApiError:
    return ApiError(
        404,
        _("There is no %(kind)s %(ref)s.", kind=resource.singular, ref=ref),
        title=_("Not found"),
    )


def find(resource: Resource, ref: str) -> Any:
    """A visible row by id or slug alias, or 404."""
    model = resource.model
    if "\x00" in ref or len(ref) > 200:
        ref = ""
    if ref.isascii() and ref.isdigit() and int(ref) <= MAX_INT:
        clause = model.id == int(ref)
    elif resource.lookup_slug and ref:
        clause = resource.lookup_slug(ref)
    else:
        clause = None
    row = None
    if clause is not None:
        row = db.session.scalars(_where(resource, select(model)).where(clause)).first()
    if row is None:
        raise not_found(resource, ref)
    return row


def item_etag(resource: Resource, stamp: Any, only: Any, private: bool) -> str:
    digest = etag_for(resource.name, i18n.current(), private, only, *tuple(stamp))
    return f"{resource.tag}{stamp.id}.{stamp.version}.{digest}"


def item_response(resource: Resource, row_id: int, *, only=None, status: int = 200) -> Response:
    private = _private()
    found = _core(select(*_stamp_columns(resource)).where(resource.model.id == row_id))
    if not found:
        raise not_found(resource, str(row_id))
    stamp = found[0]
    etag = item_etag(resource, stamp, only, private)

    def build():
        row = db.session.scalars(
            select(resource.model)
            .where(resource.model.id == row_id)
            .options(*resource.load_options(only))
            .execution_options(populate_existing=True)
        ).one()
        return _dump(resource, row, only, many=False)

    if status == 200:
        response = validated_response(etag, build, last_modified=stamp.updated_at, private=private)
    else:
        body, headers = build()
        response = jsonify(body)
        response.status_code = status
        response.headers.update(headers)
        response.set_etag(etag)
        response.last_modified = stamp.updated_at.replace(microsecond=0)
        response.headers["Cache-Control"] = "no-store"
    announce(response, _deprecations(resource, only))
    return response


def get_item(resource: Resource, ref: str) -> Response:
    if resource.read_scope:
        auth.require_scope(resource.read_scope)
    check_only(("fields", "lang"))
    only = parse_fields(field_paths(resource.schema))
    parse_lang()
    row = find(resource, ref)
    return item_response(resource, row.id, only=only)
