"""Keyset paging for the admin lists: next/previous links carry the last row's key.

`OFFSET 400000` reads and throws away 400,000 rows; `WHERE (key, id) > (:k, :i)` starts
right there through an index. The pager offers only next/previous (no count, no page
numbers to jump to), so every link it draws can carry a cursor: the sort key and id of
the row at the page's edge, tied to the sort it was made for. A typed `?page=N` without
a cursor still works, through OFFSET.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from typing import Any

from sqlalchemy import and_
from sqlalchemy import literal
from sqlalchemy import or_

from .. import keyset

AFTER = "after"
BEFORE = "before"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1 and ("d" in value or "t" in value):
        return next(iter(value.values()))
    if isinstance(value, dict):
        raise ValueError("not a tagged value")
    return value


def encode(sort: str, key: Any, ident: int) -> str:
    raw = json.dumps([sort, _plain(key), ident], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str | None, sort: str, key: Any, pk: Any) -> tuple[Any, int] | None:
    """(key, id) of a cursor made for this sort, each a value its column can hold (see
    atrium.keyset); None when absent, foreign, broken or forged."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        made_for, value, ident = json.loads(raw)
        if made_for != sort:
            return None
        return keyset.value_for(key, _untagged(value)), keyset.value_for(pk, ident)
    except (ValueError, TypeError):
        return None


def beyond(key: Any, pk: Any, cursor: tuple[Any, int], descending: bool) -> Any:
    """Rows past the cursor in scan order; `key >= :k` first, so one-column indexes serve it."""
    value, ident = cursor
    if key is pk:
        return pk < ident if descending else pk > ident
    bound = literal(value, key.type)
    if descending:
        return and_(key <= bound, or_(key < bound, pk < ident))
    return and_(key >= bound, or_(key > bound, pk > ident))
