"""Writing resources: create, replace, merge-patch, delete; If-Match, validation, audit.

The audit log and the version column live on the session (audit.py, models/base.py), so
these writes get them as the admin's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

from flask import Response
from flask import url_for
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ... import i18n
from ...conditional import require_match
from ...errors import ApiError
from ...extensions import db
from ...services import RuleBroken
from . import auth
from .http import json_body
from .http import merge_patch
from .query import check_only
from .query import parse_fields
from .reads import find
from .reads import item_response
from .schemas import field_paths
from .schemas import flatten_errors

if TYPE_CHECKING:
    from .resource import Resource


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


def commit(resource: Resource) -> None:
    """Commit the write; a concurrent writer's change is a 412, a duplicate a 409, a broken
    domain rule a 422 naming its field (or a 409 when the record's state forbids it)."""
    try:
        db.session.commit()
    except RuleBroken as broken:
        db.session.rollback()
        errors = None
        if broken.field:
            name = resource.input_names.get(broken.field, broken.field)
            errors = [{"field": name, "message": broken.message}]
            if broken.status == 422:
                raise invalid(errors) from None
        raise ApiError(broken.status, broken.message, title=_("Conflict"), errors=errors) from None
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
    commit(resource)
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
    commit(resource)
    return item_response(resource, row.id, only=only)


def delete_item(resource: Resource, ref: str) -> Response:
    auth.require_scope(resource.write_scope)
    check_only(())
    row = find(resource, ref)
    _check_version(resource, row)
    db.session.delete(row)
    commit(resource)
    return Response(status=204)


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
