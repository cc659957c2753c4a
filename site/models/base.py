"""UTC timestamps and the version column shared by editable models."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import declared_attr
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Versioned(Timestamped):
    """Editable rows: timestamps, audit, and optimistic locking on `version`.

    SQLAlchemy adds `WHERE version = :old` to every UPDATE and DELETE and raises
    StaleDataError when another writer got there first.
    """

    __audited__ = True
    __audit_ignore__: frozenset[str] = frozenset()  # noise: not worth an entry
    __audit_redact__: frozenset[str] = frozenset()  # sensitive: name only, no values
    version: Mapped[int] = mapped_column(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class StaleVersion(Exception):
    """The record changed since the writer read it (its version moved on)."""

    def __init__(self, obj: object, expected: int) -> None:
        super().__init__(f"{type(obj).__name__} is at version {obj.version}, not {expected}")
        self.obj = obj
        self.expected = expected


def expect_version(obj: Versioned, expected: int | str | None) -> None:
    """Refuse to change `obj` unless it is still at the version the writer saw.

    Together with `version_id_col` (which guards the moment of the UPDATE) this stops
    the lost update: a form or request carries the version it was opened with.
    """
    if expected is None or str(obj.version) != str(expected):
        raise StaleVersion(obj, int(expected) if str(expected).isdigit() else -1)
