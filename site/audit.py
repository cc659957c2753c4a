"""Audit history on the session: every flush of an audited model writes entries.

Admin, API and CLI writes all pass through the session, so none of them repeats this.
Who acted is taken from `g.audit_actor` (set by login, token auth or a CLI command).
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any

from flask import g
from flask import has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy.orm import Mapper

from .models.audit import AuditEntry
from .models.base import utcnow

_SKIPPED = frozenset({"version", "created_at", "updated_at"})
REDACTED = "(redacted)"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    source: str


SYSTEM = Actor(None, "system", "system")


def set_actor(user: Any | None, source: str) -> None:
    """Record who the writes of this app context are made by (a User, or None)."""
    g.audit_actor = Actor(getattr(user, "id", None), str(user) if user else source, source)


def current_actor() -> Actor:
    return g.get("audit_actor", SYSTEM) if has_app_context() else SYSTEM


def record(action: str, model: str, pk: str = "", changes: dict | None = None) -> None:
    """An entry for something that is not a row change (an erasure, a purge)."""
    from .extensions import db

    actor = current_actor()
    db.session.add(
        AuditEntry(
            actor_id=actor.user_id,
            actor=actor.label,
            source=actor.source,
            action=action,
            model=model,
            pk=pk,
            changes=changes or {},
        )
    )


def _plain(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool | dict) or value is None:
        return value
    return str(value)


def _changes(obj: Any, action: str) -> dict[str, Any]:
    state = inspect(obj)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        name = attr.key
        if name in _SKIPPED or name in obj.__audit_ignore__:
            continue
        history = state.attrs[name].history
        if action == "update" and not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else state.attrs[name].value
        if action == "create":
            old = None
        if action == "delete":
            old, new = state.attrs[name].value, None
        if action != "update" and old is None and new is None:
            continue
        changes[name] = REDACTED if name in obj.__audit_redact__ else [_plain(old), _plain(new)]
    return changes


def _pk(obj: Any) -> str:
    # Not `identity`: a new row has none yet in after_flush, but its key columns are set.
    state = inspect(obj)
    values = state.identity or state.mapper.primary_key_from_instance(obj)
    return ",".join(str(v) for v in values if v is not None)


def _entries(session: Session, action: str, objects: Any) -> list[dict[str, Any]]:
    rows = []
    for obj in objects:
        if not getattr(obj, "__audited__", False):
            continue
        if action == "update" and not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes(obj, action)
        if action == "update" and not changes:
            continue
        rows.append(
            {"action": action, "model": type(obj).__name__, "pk": _pk(obj), "changes": changes}
        )
    return rows


def _keep_old_value(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


@event.listens_for(Mapper, "mapper_configured")
def _track_old_values(mapper: Mapper, cls: type) -> None:
    """Load the old value before a set, even when the row was expired by a commit."""
    if getattr(cls, "__audited__", False):
        for attr in mapper.column_attrs:
            event.listen(
                getattr(cls, attr.key), "set", _keep_old_value, active_history=True, retval=True
            )


@event.listens_for(Session, "before_flush")
def _collect(session: Session, flush_context: Any, instances: Any) -> None:
    """Updates and deletes are read before the flush, while every value is loaded."""
    pending = session.info.setdefault("audit_pending", [])
    pending += _entries(session, "update", session.dirty)
    pending += _entries(session, "delete", session.deleted)


@event.listens_for(Session, "after_flush")
def _write(session: Session, flush_context: Any) -> None:
    """Creates are read after it, once they have a primary key; all are then written."""
    rows = session.info.pop("audit_pending", []) + _entries(session, "create", session.new)
    if rows:
        actor = current_actor()
        at = utcnow()
        for row in rows:
            row.update(actor_id=actor.user_id, actor=actor.label, source=actor.source, at=at)
        session.connection().execute(insert(AuditEntry.__table__), rows)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("audit_pending", None)
