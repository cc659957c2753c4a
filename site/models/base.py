"""UTC timestamps and the version column shared by editable models."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from typing import Any
from typing import ClassVar

from flask_sqlalchemy.session import Session
from sqlalchemy import DateTime
from sqlalchemy import event
from sqlalchemy import inspect
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

    @property
    def python_type(self) -> type:
        return datetime

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
    #: For a row that is part of another (a translation of a product): the relationship to
    #: that parent, whose version then moves with every change of this row, so a form or an
    #: If-Match read before a translator's edit cannot overwrite it.
    __version_parent__: ClassVar[str | None] = None
    version: Mapped[int] = mapped_column(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


def _parent(session: Session, obj: Any, name: str) -> Any:
    parent = getattr(obj, name)
    if parent is None:  # a new row with only its foreign key set: no lazy load when pending
        relation = inspect(type(obj)).relationships[name]
        key = [getattr(obj, column.key) for column in relation.local_columns]
        if None not in key:
            parent = session.get(relation.mapper.class_, key[0] if len(key) == 1 else key)
    return parent


@event.listens_for(Session, "before_flush")
def _move_parent_versions(session: Session, flush_context: Any, instances: Any) -> None:
    """A child row added, changed or deleted: its parent's version moves (one UPDATE)."""
    changed = [
        *session.new,
        *session.deleted,
        *(o for o in session.dirty if session.is_modified(o, include_collections=False)),
    ]
    with session.no_autoflush:
        for obj in changed:
            name = getattr(obj, "__version_parent__", None)
            if name:
                parent = _parent(session, obj, name)
                if (
                    parent is not None
                    and parent not in session.new
                    and parent not in session.deleted
                ):
                    parent.updated_at = utcnow()


class StaleVersion(Exception):
    """The record changed since the writer read it (its version moved on)."""

    def __init__(self, obj: object, expected: int) -> None:
        super().__init__(f"{type(obj).__name__} is at version {obj.version}, not {expected}")
        self.obj = obj
        self.expected = expected


class MissingVersion(StaleVersion):
    """The writer did not say which version it read: refused like a stale one."""


def expect_version(obj: Versioned, expected: int | str | None) -> None:
    """Refuse to change `obj` unless it is still at the version the writer saw.

    Together with `version_id_col` (which guards the moment of the UPDATE) this stops
    the lost update: a form or request carries the version it was opened with.
    """
    if expected is None or str(expected) == "":
        raise MissingVersion(obj, -1)
    if str(obj.version) != str(expected):
        raise StaleVersion(obj, int(expected) if str(expected).isdigit() else -1)
