"""The OpenAPI 3.1 document, generated from the resources and schemas (apispec), the API's
root, and its reference page (rendered in the browser from the document, no CDN)."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify
from flask import render_template

from ...conditional import conditional
from ..v1 import bp
from .query import DEFAULT_LIMIT
from .query import MAX_LIMIT
from .resource import RESOURCES
from .resource import Resource
from .schemas import PREFIX
from .schemas import CategoryRefSchema
from .schemas import ListLinksSchema
from .schemas import ListMetaSchema
from .schemas import LocaleSchema
from .schemas import Money
from .schemas import PageSchema
from .schemas import ProblemSchema

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
HEADERS = {
    "ETag": {
        "description": "Strong validator of this representation.",
        "schema": {"type": "string"},
    },
    "Last-Modified": {"schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
    "Content-Language": {"description": "The translation(s) served.", "schema": {"type": "string"}},
    "Deprecation": {
        "description": "Present when a field sent is deprecated.",
        "schema": {"type": "string"},
    },
    "Sunset": {
        "description": "When the deprecated field or version stops.",
        "schema": {"type": "string"},
    },
}
LIST_HEADERS = {
    **HEADERS,
    "Link": {"description": "RFC 8288 page links.", "schema": {"type": "string"}},
}
ERRORS = {
    "304": {"description": "Not modified: the copy named by If-None-Match is current."},
    "default": {
        "description": "An error, as an RFC 9457 problem document (400 bad parameter, 401, 403, "
        "404, 405, 409, 412, 413, 415, 422 invalid fields, 428, 429, 500).",
        "content": PROBLEM,
    },
}
WRITE_ERRORS = {"default": ERRORS["default"]}


def _parameter(name: str, description: str, schema: dict, where: str = "query") -> dict:
    return {"name": name, "in": where, "description": description, "schema": schema}


def _common(resource_fields: str) -> list[dict]:
    return [
        _parameter(
            "fields",
            f"Comma-separated fields to return (dotted for nested): {resource_fields}.",
            {"type": "string"},
        ),
        _parameter(
            "lang",
            "The language of localized fields (else Accept-Language; falls back to the source).",
            {"type": "string"},
        ),
    ]


def _list_parameters(resource: Resource) -> list[dict]:
    spec = resource.spec
    params = [
        _parameter(
            "limit",
            f"Items per page (default {DEFAULT_LIMIT}).",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        ),
        _parameter(
            "page",
            "Page number, from 1 (the database skips the rows before it: for deep pages, "
            "follow the `next` links, which carry a cursor).",
            {"type": "integer", "minimum": 1, "maximum": 100000},
        ),
        _parameter(
            "cursor",
            "Where the page starts: taken from a `next` link, opaque, valid for the same "
            "`sort`; not with `page`.",
            {"type": "string", "maxLength": 1000},
        ),
        *_common(", ".join(spec.fields)),
        _parameter(
            "sort",
            "Comma-separated sort keys, `-` for descending: " + ", ".join(spec.sort_keys) + ".",
            {"type": "string"},
        ),
    ]
    if spec.searchable:
        params.append(_parameter("q", "Search text.", {"type": "string", "maxLength": 200}))
    for flt in spec.filters.values():
        schema: dict[str, Any] = {"type": "string"}
        if flt.kind in ("integer", "number", "boolean"):
            schema = {"type": flt.kind}
        elif flt.kind == "date-time":
            schema = {"type": "string", "format": "date-time"}
        if flt.choices:
            schema = {"type": "string", "enum": list(flt.choices)}
        for operator in flt.operators:
            name = flt.name if operator == "eq" else f"{flt.name}[{operator}]"
            params.append(_parameter(name, flt.description or f"Filter on {flt.name}.", schema))
    return params


def _list_body(item_ref: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "data": {"type": "array", "items": {"$ref": item_ref}},
            "links": {"$ref": "#/components/schemas/ListLinks"},
            "meta": {"$ref": "#/components/schemas/ListMeta"},
        },
    }


def _security(scope: str | None, public: bool) -> list[dict]:
    if public:
        return [{}, {"bearerAuth": []}]
    return [{"bearerAuth": [scope] if scope else []}]


def _add_resource(spec: APISpec, resource: Resource) -> None:
    name = resource.schema.__name__.removesuffix("Schema")
    spec.components.schema(name, schema=resource.schema)
    ref = f"#/components/schemas/{name}"
    item = {
        "description": "The item.",
        "headers": HEADERS,
        "content": {"application/json": {"schema": {"$ref": ref}}},
    }
    read_public = resource.read_scope is None
    tag = resource.name
    list_ops: dict[str, Any] = {
        "get": {
            "tags": [tag],
            "operationId": f"list_{resource.name}",
            "summary": f"List {resource.name}",
            "parameters": _list_parameters(resource),
            "security": _security(resource.read_scope, read_public),
            "responses": {
                "200": {
                    "description": "A page of items.",
                    "headers": LIST_HEADERS,
                    "content": {"application/json": {"schema": _list_body(ref)}},
                },
                **ERRORS,
            },
        }
    }
    ref_param = _parameter("ref", "The id, or the slug alias.", {"type": "string"}, "path")
    ref_param["required"] = True
    if_match = _parameter(
        "If-Match",
        "The ETag read (any representation of that version); required.",
        {"type": "string"},
        "header",
    )
    item_ops: dict[str, Any] = {
        "get": {
            "tags": [tag],
            "operationId": f"get_{resource.singular}",
            "summary": f"Read one {resource.singular}",
            "parameters": [ref_param, *_common(", ".join(resource.spec.fields))],
            "security": _security(resource.read_scope, read_public),
            "responses": {"200": item, **ERRORS},
        }
    }
    input_ref = None
    if resource.input_schema is not None:
        input_name = resource.input_schema.__name__
        spec.components.schema(input_name, schema=resource.input_schema)
        input_ref = f"#/components/schemas/{input_name}"
    update_ref = input_ref
    if resource.update_schema is not None:
        spec.components.schema(resource.update_schema.__name__, schema=resource.update_schema)
        update_ref = f"#/components/schemas/{resource.update_schema.__name__}"
    if "POST" in resource.methods:
        list_ops["post"] = {
            "tags": [tag],
            "operationId": f"create_{resource.singular}",
            "summary": f"Create a {resource.singular}"
            + (" (public, rate-limited)" if resource.create_public else ""),
            "parameters": _common(", ".join(resource.spec.fields)),
            "security": _security(resource.write_scope, resource.create_public),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": input_ref}}},
            },
            "responses": {
                "201": {
                    "description": "Created; Location names the new item.",
                    "headers": {**HEADERS, "Location": {"schema": {"type": "string"}}},
                    "content": {"application/json": {"schema": {"$ref": ref}}},
                },
                **WRITE_ERRORS,
            },
        }
    write = {"tags": [tag], "security": _security(resource.write_scope, False)}
    if "PUT" in resource.methods:
        item_ops["put"] = {
            **write,
            "operationId": f"replace_{resource.singular}",
            "summary": f"Replace a {resource.singular}",
            "parameters": [ref_param, if_match, *_common(", ".join(resource.spec.fields))],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": update_ref}}},
            },
            "responses": {"200": item, **WRITE_ERRORS},
        }
    if "PATCH" in resource.methods:
        patch_schema = {
            "type": "object",
            "description": f"A JSON Merge Patch (RFC 7396) of {update_ref.rsplit('/', 1)[1]}.",
        }
        item_ops["patch"] = {
            **write,
            "operationId": f"update_{resource.singular}",
            "summary": f"Change a {resource.singular} (JSON Merge Patch)",
            "parameters": [ref_param, if_match, *_common(", ".join(resource.spec.fields))],
            "requestBody": {
                "required": True,
                "content": {
                    "application/merge-patch+json": {"schema": patch_schema},
                    "application/json": {"schema": patch_schema},
                },
            },
            "responses": {"200": item, **WRITE_ERRORS},
        }
    if "DELETE" in resource.methods:
        item_ops["delete"] = {
            **write,
            "operationId": f"delete_{resource.singular}",
            "summary": f"Delete a {resource.singular}",
            "parameters": [ref_param, if_match],
            "responses": {"204": {"description": "Deleted."}, **WRITE_ERRORS},
        }
    spec.path(path=f"/{resource.name}", operations=list_ops)
    spec.path(path=f"/{resource.name}/{{ref}}", operations=item_ops)


def _add_read_only(spec: APISpec) -> None:
    spec.components.schema("Locale", schema=LocaleSchema)
    spec.components.schema("Page", schema=PageSchema)
    locale = {"$ref": "#/components/schemas/Locale"}
    page = {"$ref": "#/components/schemas/Page"}
    public = [{}, {"bearerAuth": []}]

    def ok(schema: dict, headers: dict = HEADERS) -> dict:
        return {
            "200": {
                "description": "OK",
                "headers": headers,
                "content": {"application/json": {"schema": schema}},
            },
            **ERRORS,
        }

    tag_param = _parameter("tag", "A BCP 47 tag.", {"type": "string"}, "path") | {"required": True}
    spec.path(
        path="/locales",
        operations={
            "get": {
                "tags": ["locales"],
                "operationId": "list_locales",
                "parameters": _common("tag, name, native_name, rtl, default, links, links.self"),
                "security": public,
                "responses": ok(_list_body(locale["$ref"]), LIST_HEADERS),
            }
        },
    )
    spec.path(
        path="/locales/{tag}",
        operations={
            "get": {
                "tags": ["locales"],
                "operationId": "get_locale",
                "parameters": [tag_param, *_common("tag, name, …")],
                "security": public,
                "responses": ok(locale),
            }
        },
    )
    for path, op, params, schema in _page_paths(page):
        spec.path(
            path=path,
            operations={
                "get": {
                    "tags": ["pages"],
                    "operationId": op,
                    "parameters": params,
                    "security": public,
                    "responses": ok(schema, LIST_HEADERS if op == "list_pages" else HEADERS),
                }
            },
        )


def _page_paths(page: dict) -> list[tuple[str, str, list[dict], dict]]:
    from .pages import LIST_PARAMETERS

    path_param = _parameter("path", "The page's path (`docs/install`).", {"type": "string"}, "path")
    path_param["required"] = True
    return [
        ("/pages", "list_pages", LIST_PARAMETERS, _list_body(page["$ref"])),
        ("/pages/{path}", "get_page", [path_param, *_common("path, lang, title, …")], page),
    ]


@cache
def document() -> dict:
    """The OpenAPI document (the same for every app: it depends on code only)."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Atrium API",
        version="1",
        openapi_version="3.1.0",
        plugins=[plugin],
        info={
            "description": "Products, categories, news, contact messages, pages and locales. "
            "Reads are public (except inquiries); writes need a Bearer token with a scope "
            "such as products:write, and If-Match with the ETag read. A client that cannot "
            "send PUT, PATCH or DELETE may POST to the item with X-HTTP-Method-Override. "
            "Errors are RFC 9457 problem documents.",
        },
        servers=[{"url": PREFIX}],
    )
    plugin.map_to_openapi_type(Money, "string", "decimal")
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.schema("ListLinks", schema=ListLinksSchema)
    spec.components.schema("ListMeta", schema=ListMetaSchema)
    spec.components.schema("CategoryRef", schema=CategoryRefSchema)
    for resource in RESOURCES:
        _add_resource(spec, resource)
    _add_read_only(spec)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_document():
    return conditional(jsonify(document()))  # the ETag is a hash of the body


@bp.get("/docs")
def docs():
    return render_template("api/docs.html")


@bp.get("/")
def api_root():
    names = [r.name for r in RESOURCES] + ["pages", "locales"]
    return jsonify(
        version="v1",
        links={
            **{name: f"{PREFIX}/{name}" for name in names},
            "openapi": f"{PREFIX}/openapi.json",
            "docs": f"{PREFIX}/docs",
        },
    )
