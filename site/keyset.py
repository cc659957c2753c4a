"""What a keyset cursor may carry: a sort value read back from a client, checked against its
column before any SQL sees it.

Both pagers (the API's `cursor` and the admin's `after`/`before`) put the last row's sort
values in a token the client hands back, so a token may be forged. A value the column cannot
hold must not reach the database: Python or the driver would raise (an integer past 64 bits,
a time that leaves the calendar once in UTC), or PostgreSQL would refuse it (an int4 past
2**31, a NUL in text, a numeric past the column's precision). `value_for` turns it into a
ValueError instead, which each pager answers in its own way.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation
from decimal import localcontext
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import Enum
from sqlalchemy import Float
from sqlalchemy import Integer
from sqlalchemy import Numeric
from sqlalchemy import SmallInteger
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

#: The integers each column type holds (PostgreSQL's int2, int4, int8), on every backend.
INT_BITS = ((SmallInteger, 16), (BigInteger, 64), (Integer, 32))


def int_range(column: Any) -> range:
    """The integers an integer column holds (INTEGER is 32-bit, as on PostgreSQL)."""
    kind = _base_type(column)
    bits = next((n for cls, n in INT_BITS if isinstance(kind, cls)), 64)
    return range(-(2 ** (bits - 1)), 2 ** (bits - 1))


def ident(text: Any, column: Any) -> int | None:
    """A typed id (`?id=`, a row's checkbox, a picker's value) as an integer `column` holds;
    None for anything else, which then names no row and reaches no SQL."""
    try:
        number = int(text)
    except (TypeError, ValueError):
        return None
    return number if number in int_range(column) else None


def nullable(column: Any) -> bool:
    """Whether the column (or expression) may be NULL; False when not known."""
    return bool(getattr(getattr(column, "expression", column), "nullable", False))


def value_for(column: Any, value: Any) -> Any:
    """A JSON value (times and decimals as strings) as a bind value for `column`.

    ValueError when the column cannot hold it: wrong JSON type, out of the column's range,
    a naive time or one outside the calendar in UTC, a decimal past the column's precision,
    text with a NUL or an unpaired surrogate, or a column type a cursor cannot carry."""
    if value is None:
        if not nullable(column):
            raise ValueError("NULL in a NOT NULL column")
        return None
    try:
        return _checked(_base_type(column), column, value)
    except (TypeError, OverflowError, InvalidOperation, UnicodeEncodeError):
        raise ValueError("not a value of this column") from None


def _base_type(column: Any) -> Any:
    kind = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def _checked(kind: Any, column: Any, value: Any) -> Any:
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError("not a boolean")
        return value
    if isinstance(value, bool):  # JSON true is a Python int, but no number
        raise ValueError("a boolean for a column that is not one")
    if isinstance(kind, Integer):
        if not isinstance(value, int) or value not in int_range(column):
            raise ValueError("not an integer in the column's range")
        return value
    if isinstance(kind, DateTime):
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        if moment is None or moment.tzinfo is None:
            raise ValueError("not an aware time")
        return moment.astimezone(UTC)  # OverflowError past year 1 or 9999 in UTC
    if isinstance(kind, Float):
        if not isinstance(value, int | float) or not abs(value) < float("inf"):
            raise ValueError("not a finite number")
        return float(value)
    if isinstance(kind, Numeric):
        return _decimal(kind, value)
    if isinstance(kind, String):
        if not isinstance(value, str) or "\x00" in value:
            raise ValueError("not text, or text with a NUL")
        value.encode()  # UnicodeEncodeError on an unpaired surrogate ("\ud800")
        if isinstance(kind, Enum) and value not in kind.enums:
            raise ValueError("not one of the enum's values")
        return value
    raise ValueError("a column type that cursors do not carry")


def _decimal(kind: Numeric, value: Any) -> Decimal:
    number = Decimal(value) if isinstance(value, str) else None
    if number is None or not number.is_finite():
        raise ValueError("not a finite decimal")
    if kind.precision is None:  # unconstrained: PostgreSQL's own limits of numeric
        if number and not (-16383 <= number.as_tuple().exponent and number.adjusted() < 131072):
            raise ValueError("beyond numeric")
        return number
    scale = kind.scale or 0
    if number and number.adjusted() >= kind.precision - scale:
        raise ValueError("more digits than the column's precision")
    with localcontext() as context:
        context.prec = max(context.prec, kind.precision + 1)
        if number != number.quantize(Decimal(1).scaleb(-scale)):
            raise ValueError("more decimal places than the column's scale")
    return number
