"""The query language of list endpoints: limit, page or cursor, fields=, q=, filters, sort=.

Everything a client sends is checked against what the resource declares; an unknown or
malformed parameter is a 400 problem naming it, never silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from typing import Any

from flask import request
from flask_babel import gettext as _

from ...errors import ApiError
from ...i18n import canonical_tag
from ...i18n import match
from ...i18n import supported

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte")
LIST_PARAMETERS = frozenset({"limit", "page", "cursor", "fields", "sort", "lang"})
_FILTER_KEY = re.compile(r"^([a-z_]+)(?:\[([a-z]+)\])?$")


def bad_parameter(name: str, message: str) -> ApiError:
    return ApiError(
        400,
        _("Query parameter %(name)s: %(message)s", name=name, message=message),
        title=_("Invalid query parameter"),
        errors=[{"parameter": name, "message": message}],
    )


def parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ValueError(_("expected true or false"))


MAX_INT = 2**31 - 1  # the database's INTEGER (PostgreSQL int4)


def parse_int(value: str) -> int:
    if not re.fullmatch(r"-?[0-9]{1,10}", value) or abs(int(value)) > MAX_INT:
        raise ValueError(_("expected an integer of at most 10 digits"))
    return int(value)


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("expected a number")) from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ValueError(_("expected a number"))
    return number


def parse_datetime(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(_("expected an ISO 8601 date or date-time")) from None
    if not 1900 <= moment.year <= 9999:
        raise ValueError(_("expected a year between 1900 and 9999"))
    return moment


def parse_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError(_("contains a NUL character"))
    if len(value) > 200:
        raise ValueError(_("at most 200 characters"))
    return value


@dataclass(frozen=True)
class Filter:
    """A documented filter: `name=value`, or `name[op]=value` for the allowed operators."""

    name: str
    clause: Callable[[str, Any], Any]  # (operator, parsed value) → SQL condition
    parse: Callable[[str], Any] = parse_text
    operators: tuple[str, ...] = ("eq",)
    kind: str = "string"  # the OpenAPI type of its value
    description: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListQuery:
    limit: int
    page: int
    cursor: str | None  # opaque, read by cursor.decode against the sort keys
    fields: tuple[str, ...] | None
    q: str | None
    filters: list[tuple[Filter, str, Any]]
    sort: list[tuple[str, bool]]  # (key, descending)
    lang: str | None


@dataclass(frozen=True)
class QuerySpec:
    """What a list endpoint accepts: its fields, filters, sort keys, and whether it searches."""

    fields: tuple[str, ...]
    filters: dict[str, Filter] = field(default_factory=dict)
    sort_keys: tuple[str, ...] = ()
    default_sort: tuple[str, ...] = ("id",)
    searchable: bool = True


def _single(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise bad_parameter(name, _("given more than once"))
    return values[0] if values else None


def parse_lang() -> str | None:
    """An explicit lang= must name a supported locale (or one that falls back to one)."""
    value = _single("lang")
    if value is None:
        return None
    tag = canonical_tag(value)
    found = match([tag], supported()) if tag else None
    if not found:
        raise bad_parameter(
            "lang", _("unknown language; use one of %(tags)s", tags=", ".join(supported()))
        )
    return found


def parse_fields(allowed: Iterable[str]) -> tuple[str, ...] | None:
    value = _single("fields")
    if value is None:
        return None
    allowed = set(allowed)
    chosen = [part.strip() for part in value.split(",")]
    if not value.strip() or any(not part for part in chosen):
        raise bad_parameter("fields", _("expected a comma-separated list of field names"))
    unknown = [part for part in chosen if part not in allowed]
    if unknown:
        raise bad_parameter("fields", _("unknown field %(name)s", name=unknown[0]))
    return tuple(dict.fromkeys(chosen))


def check_no_nul() -> None:
    """No NUL character anywhere in the query (PostgreSQL text cannot hold one)."""
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise bad_parameter(name.replace("\x00", ""), _("contains a NUL character"))


def check_only(allowed_params: Iterable[str]) -> None:
    """Refuse any parameter an item endpoint does not know."""
    allowed_params = set(allowed_params)
    for name in request.args:
        if name not in allowed_params:
            raise bad_parameter(name, _("unknown parameter"))


def parse_list(spec: QuerySpec) -> ListQuery:
    limit_text = _single("limit")
    page_text = _single("page")
    try:
        limit = parse_int(limit_text) if limit_text is not None else DEFAULT_LIMIT
    except ValueError as e:
        raise bad_parameter("limit", str(e)) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_parameter("limit", _("must be between 1 and %(max)d", max=MAX_LIMIT))
    try:
        page = parse_int(page_text) if page_text is not None else 1
    except ValueError as e:
        raise bad_parameter("page", str(e)) from None
    if not 1 <= page <= 100_000:
        raise bad_parameter("page", _("must be between 1 and 100000"))
    cursor = _single("cursor")
    if cursor is not None and page_text is not None:
        raise bad_parameter("cursor", _("give either page or cursor, not both"))
    q = _single("q") if spec.searchable else None
    if q is not None:
        q = q.strip()
        if len(q) > 200:
            raise bad_parameter("q", _("at most 200 characters"))
    filters = []
    for name in request.args:
        if name in LIST_PARAMETERS or (name == "q" and spec.searchable):
            continue
        found = _FILTER_KEY.match(name)
        flt = spec.filters.get(found.group(1)) if found else None
        if flt is None:
            raise bad_parameter(name, _("unknown parameter"))
        operator = found.group(2) or "eq"
        if operator not in flt.operators:
            raise bad_parameter(
                name,
                _("unknown operator; use one of %(ops)s", ops=", ".join(flt.operators)),
            )
        try:
            value = flt.parse(_single(name) or "")
        except ValueError as e:
            raise bad_parameter(name, str(e)) from None
        if flt.choices and value not in flt.choices:
            raise bad_parameter(
                name, _("unknown value; use one of %(values)s", values=", ".join(flt.choices))
            )
        filters.append((flt, operator, value))
    sort_text = _single("sort")
    sort = []
    for key in sort_text.split(",") if sort_text is not None else spec.default_sort:
        key = key.strip()
        descending = key.startswith("-")
        name = key.lstrip("-")
        if name not in spec.sort_keys:
            raise bad_parameter(
                "sort",
                _(
                    "unknown sort key %(key)s; use %(keys)s",
                    key=name or '""',
                    keys=", ".join(spec.sort_keys),
                ),
            )
        sort.append((name, descending))
    return ListQuery(
        limit=limit,
        page=page,
        cursor=cursor,
        fields=parse_fields(spec.fields),
        q=q or None,
        filters=filters,
        sort=sort,
        lang=parse_lang(),
    )


def compare(column: Any, operator: str, value: Any) -> Any:
    """The SQL condition for one comparison operator."""
    return {
        "eq": lambda: column == value,
        "ne": lambda: column != value,
        "lt": lambda: column < value,
        "lte": lambda: column <= value,
        "gt": lambda: column > value,
        "gte": lambda: column >= value,
    }[operator]()
