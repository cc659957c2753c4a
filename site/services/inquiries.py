"""The inquiry workflow: which status may follow which, and when it was handled."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy import inspect

from ..models import Inquiry
from ..models import InquiryStatus
from ..models.base import utcnow
from . import RuleBroken

NEW, OPEN, HANDLED, SPAM = (s.value for s in InquiryStatus)

#: Which status may follow which (a new inquiry may be anything at once).
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({OPEN, HANDLED, SPAM}),
    OPEN: frozenset({HANDLED, SPAM}),
    HANDLED: frozenset({OPEN}),
    SPAM: frozenset({NEW}),
}


def allowed(old: str, new: str) -> bool:
    return old == new or new in TRANSITIONS.get(old, frozenset())


def _check(inquiry: Inquiry) -> None:
    history = inspect(inquiry).attrs.status.history
    if not history.has_changes():
        return
    old = history.deleted[0] if history.deleted else None
    new = inquiry.status
    if old is not None and not allowed(old, new):
        raise RuleBroken(
            _("An inquiry cannot go from %(old)s to %(new)s.", old=old, new=new),
            "status",
        )
    if new == HANDLED:
        inquiry.handled_at = inquiry.handled_at or utcnow()
    elif old == HANDLED:
        inquiry.handled_at = None


@event.listens_for(Session, "before_flush")
def _workflow(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in session.dirty:
        if isinstance(obj, Inquiry):
            _check(obj)
