"""Database-backed resources: the list, item and write endpoints every resource shares.

A resource module declares a `Resource` (model, schema, filters, sort keys, who may write,
how its input maps onto rows) and calls `register`. The OpenAPI document is generated
from the same declarations, so the documentation cannot drift from what is served.

Validators: each representation's ETag is computed from a light query (ids, versions,
update times of the rows and of what they embed) before any row is loaded, so a
revalidation answers 304 without loading or serializing anything. An item's ETag starts
with `<letter><id>.<version>.`, so If-Match accepts the ETag of any representation
(any lang=, any fields=) of the version the client read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from functools import cached_property
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request
from flask import url_for
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import ValidationError
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ... import i18n
from ...conditional import etag_for
from ...conditional import require_match
from ...errors import ApiError
from ...extensions import db
from ...extensions import limiter
from ...models.base import utcnow
from . import auth
from .http import announce
from .http import json_body
from .http import link_header
from .http import merge_patch
from .http import validated_response
from .query import MAX_INT
from .query import ListQuery
from .query import QuerySpec
from .query import check_only
from .query import compare
from .query import parse_fields
from .query import parse_lang
from .query import parse_list
from .schemas import DEPRECATED
from .schemas import Ctx
from .schemas import field_paths
from .schemas import flatten_errors


@dataclass
class Resource:
    name: str  # URL segment: "products"
    singular: str  # endpoint names: get_product
    model: Any
    schema: type[Schema]
    sort_columns: dict[str, Any]
    filters: dict = field(default_factory=dict)
    default_sort: tuple[str, ...] = ("id",)
    search: Callable[[str], Any] | None = None
    #: extra columns that change the representation (translations, embedded rows)
    stamp: Callable[[], list[Any]] = lambda: []
    #: loader options for the fields asked for (None: all), so sparse lists load less
    load_options: Callable[[tuple[str, ...] | None], list[Any]] = lambda only: []
    #: a WHERE clause for what the caller may see (None: everything)
    visible: Callable[[], Any] = lambda: None
    list_where: Callable[[], Any] | None = None  # lists only (posts: one per language)
    read_scope: str | None = None
    write_scope: str | None = None
    lookup_slug: Callable[[str], Any] | None = None  # slug → WHERE clause
    #: writes: input schema(s), row → input document, apply an input document to a row
    input_schema: type[Schema] | None = None
    update_schema: type[Schema] | None = None
    to_input: Callable[[Any], dict] | None = None
    apply: Callable[[Any, dict, bool], None] | None = None  # (row, data, creating)
    create: Callable[[dict], Any] | None = None  # for resources whose create is special
    create_public: bool = False
    create_limit: Callable[[], str] | None = None
    methods: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")
    _stamp_columns: list[Any] | None = field(default=None, repr=False)

    @property
    def tag(self) -> str:
        return self.name[0]

    @cached_property
    def spec(self) -> QuerySpec:
        return QuerySpec(
            fields=field_paths(self.schema),
            filters=self.filters,
            sort_keys=tuple(self.sort_columns),
            default_sort=self.default_sort,
            searchable=self.search is not None,
        )


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


def _page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = str(page)
    return f"{request.path}?{urlencode(args)}"


def _conditional_request() -> bool:
    return bool(request.if_none_match or request.if_modified_since)


def list_items(resource: Resource) -> Response:
    """A page of items. A conditional request first reads only the validators (and may end
    in a 304); an unconditional one reads rows and validators in one query."""
    if resource.read_scope:
        auth.require_scope(resource.read_scope)
    query = parse_list(resource.spec)
    model = resource.model
    extra = _stamp_columns(resource)[3:]
    order = []
    for key, descending in query.sort:
        column = resource.sort_columns[key]
        order.append(column.desc() if descending else column.asc())
    order.append(model.id.asc())
    # The page's ids first, then its validator columns for those rows only (computed for
    # every matching row, correlated subqueries would make a long list slow).
    page = _where(resource, select(model.id), query)
    if resource.list_where:
        page = page.where(resource.list_where())
    page = (
        page.order_by(*order)
        .limit(query.limit + 1)
        .offset((query.page - 1) * query.limit)
        .subquery()
    )
    conditional = _conditional_request()
    stmt = select(*_stamp_columns(resource)) if conditional else select(model, *extra)
    stmt = stmt.join(page, page.c.id == model.id).order_by(*order)
    if conditional:
        stamps = _core(stmt)
        rows = None
    else:
        found = db.session.execute(stmt.options(*resource.load_options(query.fields))).all()
        rows = [row[0] for row in found]
        stamps = [(r[0].id, r[0].version, r[0].updated_at, *r[1:]) for r in found]
    has_next = len(stamps) > query.limit
    stamps = [tuple(stamp) for stamp in stamps[: query.limit]]
    private = _private()
    lang = i18n.current()
    canonical = sorted(request.args.items(multi=True))
    etag = "L." + etag_for(resource.name, lang, private, canonical, *stamps)
    last_modified = max((stamp[2] for stamp in stamps), default=None)
    links = {
        "self": _page_url(query.page),
        "first": _page_url(1),
        "prev": _page_url(query.page - 1) if query.page > 1 else None,
        "next": _page_url(query.page + 1) if has_next else None,
    }

    def build():
        items = rows[: query.limit] if rows is not None else _load(resource, stamps, query)
        data, headers = _dump(resource, items, query.fields, many=True)
        headers["Link"] = link_header(links)
        body = {
            "data": data,
            "links": {rel: url for rel, url in links.items() if url},
            "meta": {"page": query.page, "limit": query.limit, "count": len(data)},
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


def load(schema: type[Schema], data: dict, *, partial: bool = False) -> dict:
    try:
        return schema().load(data, partial=partial)
    except ValidationError as e:
        raise invalid(flatten_errors(e.messages)) from None


def invalid(errors: list[dict[str, str]]) -> ApiError:
    return ApiError(
        422,
        _(
            "The request has invalid fields: %(names)s.",
            names=", ".join(e["field"] for e in errors),
        ),
        title=_("Invalid fields"),
        errors=errors,
    )


def commit() -> None:
    """Commit the write; a concurrent writer's change is a 412, a duplicate a 409."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ApiError(412, _("The record changed since you read it: read it again.")) from None
    except IntegrityError:
        db.session.rollback()
        raise ApiError(
            409,
            _("The change conflicts with another record (a duplicate?)."),
            title=_("Conflict"),
        ) from None


def create_item(resource: Resource) -> Response:
    if not resource.create_public:
        auth.require_scope(resource.write_scope)
    check_only(("fields", "lang"))
    only = parse_fields(field_paths(resource.schema))
    data = load(resource.input_schema, json_body())
    if resource.create:
        row = resource.create(data)
    else:
        row = resource.model()
        resource.apply(row, data, True)
        db.session.add(row)
    commit()
    response = item_response(resource, row.id, only=only, status=201)
    response.headers["Location"] = url_for(
        f"api_v1.get_{resource.singular}", ref=row.id, _external=True
    )
    return response


def _check_version(resource: Resource, row: Any) -> None:
    """428 without If-Match, 412 unless it names this row at its current version.

    The version read is checked here, and again by the version column in the UPDATE or
    DELETE itself (a writer who got there in between makes the commit fail: 412 too).
    """
    prefix = f"{resource.tag}{row.id}.{row.version}."
    require_match(prefix, prefix=prefix)


def update_item(resource: Resource, ref: str, *, patch: bool) -> Response:
    auth.require_scope(resource.write_scope)
    check_only(("fields", "lang"))
    only = parse_fields(field_paths(resource.schema))
    row = find(resource, ref)
    _check_version(resource, row)
    body = json_body(merge_patch=patch)
    schema = resource.update_schema or resource.input_schema
    data = merge_patch(resource.to_input(row), body) if patch else body
    resource.apply(row, load(schema, data), False)
    row.updated_at = utcnow()  # the row's version moves even when only translations changed
    commit()
    return item_response(resource, row.id, only=only)


def delete_item(resource: Resource, ref: str) -> Response:
    auth.require_scope(resource.write_scope)
    check_only(())
    row = find(resource, ref)
    _check_version(resource, row)
    db.session.delete(row)
    commit()
    return Response(status=204)


def register(bp: Blueprint, resource: Resource) -> None:
    """Add the resource's endpoints (list_products, get_product, create_product…)."""
    name, one = resource.name, resource.singular

    def list_view():
        return list_items(resource)

    def get_view(ref: str):
        return get_item(resource, ref)

    _name(list_view, f"list_{name}")
    _name(get_view, f"get_{one}")
    bp.add_url_rule(f"/{name}", f"list_{name}", list_view, methods=["GET"])
    bp.add_url_rule(f"/{name}/<ref>", f"get_{one}", get_view, methods=["GET"])
    if "POST" in resource.methods:

        def create_view():
            return create_item(resource)

        _name(create_view, f"create_{one}")
        if resource.create_limit:
            create_view = limiter.limit(resource.create_limit, override_defaults=False)(create_view)
        bp.add_url_rule(f"/{name}", f"create_{one}", create_view, methods=["POST"])
    if "PUT" in resource.methods:

        def put_view(ref: str):
            return update_item(resource, ref, patch=False)

        _name(put_view, f"replace_{one}")
        bp.add_url_rule(f"/{name}/<ref>", f"replace_{one}", put_view, methods=["PUT"])
    if "PATCH" in resource.methods:

        def patch_view(ref: str):
            return update_item(resource, ref, patch=True)

        _name(patch_view, f"update_{one}")
        bp.add_url_rule(f"/{name}/<ref>", f"update_{one}", patch_view, methods=["PATCH"])
    if "DELETE" in resource.methods:

        def delete_view(ref: str):
            return delete_item(resource, ref)

        _name(delete_view, f"delete_{one}")
        bp.add_url_rule(f"/{name}/<ref>", f"delete_{one}", delete_view, methods=["DELETE"])
    RESOURCES.append(resource)


def _name(view: Callable, name: str) -> None:
    """Views made in a loop get their endpoint's name (Flask-Limiter keys limits by it)."""
    view.__name__ = view.__qualname__ = name


#: Every registered resource, for the OpenAPI document.
RESOURCES: list[Resource] = []


def filter_on(column: Any) -> Callable[[str, Any], Any]:
    return lambda operator, value: compare(column, operator, value)


def set_translations(
    row: Any, translations: dict[str, dict], make: Callable[..., Any], errors_field: str
) -> None:
    """Make `row.translations` exactly `translations` ({tag: {field: value}}), in place."""
    errors = []
    wanted: dict[str, dict] = {}
    for key, values in translations.items():
        tag = i18n.canonical_tag(key)
        if tag not in i18n.supported() or tag == i18n.default():
            errors.append(
                {
                    "field": f"{errors_field}.{key}",
                    "message": _(
                        "Not a translation locale; use one of %(tags)s.",
                        tags=", ".join(i18n.supported()[1:]),
                    ),
                }
            )
            continue
        wanted[tag] = values
    if errors:
        raise invalid(errors)
    existing = {t.locale: t for t in row.translations}
    for tag, translation in existing.items():
        if tag not in wanted:
            row.translations.remove(translation)
    for tag, values in wanted.items():
        if tag in existing:
            for name, value in values.items():
                if getattr(existing[tag], name) != value:
                    setattr(existing[tag], name, value)
        else:
            row.translations.append(make(locale=tag, **values))


def unique(model: Any, row: Any, **values: Any) -> list[dict[str, str]]:
    """Field errors for values another row already has."""
    errors = []
    for name, value in values.items():
        stmt = select(model.id).where(getattr(model, name) == value)
        if row.id is not None:
            stmt = stmt.where(model.id != row.id)
        if db.session.scalar(stmt.limit(1)) is not None:
            errors.append({"field": name, "message": _("Already used by another record.")})
    return errors
