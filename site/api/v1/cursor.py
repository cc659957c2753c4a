"""Cursor (keyset) paging for lists: each page's `next` link carries the sort values of its
last row, and the next page starts after them.

Every page then costs the same, however deep: `page=N` makes the database walk all the rows
before it (an OFFSET), which on a million products takes seconds. The token is opaque to
clients (base64 of JSON) and bound to the sort order it was made for. NULLs sort as the
greatest value on every backend (`NULLS LAST` ascending, `NULLS FIRST` descending), so a
nullable sort key (a draft's `published_at`) pages the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import tuple_

from ... import keyset

#: A cursor longer than this was not made by us.
MAX_LENGTH = 1000


@dataclass(frozen=True)
class Key:
    """One sort key of a list: its column and direction (the last key is always the id)."""

    column: Any
    descending: bool

    @property
    def nullable(self) -> bool:
        return keyset.nullable(self.column)

    def order(self) -> Any:
        if not self.nullable:
            return self.column.desc() if self.descending else self.column.asc()
        return (
            self.column.desc().nulls_first() if self.descending else self.column.asc().nulls_last()
        )


def encode(signature: str, values: tuple) -> str:
    """The cursor after a row whose sort values are `values`, for the sort `signature`."""
    plain = [_plain(v) for v in values]
    text = json.dumps({"sort": signature, "after": plain}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(token: str, signature: str, keys: list[Key]) -> list[Any]:
    """The sort values a cursor carries. ValueError("sort") when it was made for another
    sort order, ValueError("cursor") when it is not one of ours."""
    try:
        if len(token) > MAX_LENGTH:
            raise ValueError
        found = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
        sort, values = found["sort"], found["after"]
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        raise ValueError("cursor") from None
    if sort != signature:
        raise ValueError("sort")
    try:  # each value one its column can hold: a forged one never reaches SQL
        return [keyset.value_for(k.column, v) for k, v in zip(keys, values, strict=True)]
    except ValueError:
        raise ValueError("cursor") from None


def after(keys: list[Key], values: list[Any]) -> Any:
    """The SQL condition for the rows that come after `values` in the order of `keys`."""
    same_direction = len({key.descending for key in keys}) == 1
    if same_direction and not any(key.nullable for key in keys):
        # A row value: one range on the first key's index, on SQLite and PostgreSQL alike.
        row = tuple_(*(key.column for key in keys))
        bound = tuple_(*(literal(v, key.column.type) for key, v in zip(keys, values, strict=True)))
        return row < bound if keys[0].descending else row > bound
    beyond_each, equal_so_far = [], []
    for key, value in zip(keys, values, strict=True):
        column = key.column
        if value is None:  # NULL is the greatest value
            beyond = column.is_not(None) if key.descending else false()
            same = column.is_(None)
        else:
            beyond = column < value if key.descending else column > value
            if key.nullable and not key.descending:
                beyond = or_(beyond, column.is_(None))
            same = column == value
        beyond_each.append(and_(*equal_so_far, beyond))
        equal_so_far.append(same)
    return or_(*beyond_each)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
