"""Staff hear of every new inquiry, however it arrived (contact form, API, CLI).

A session listener notes the ids of inquiries as they are flushed, and queues the mail job
only once the transaction commits: a rolled-back inquiry sends nothing, and the mail is
never sent inside the visitor's request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event

from . import jobs
from . import mail
from .models import Inquiry

_KEY = "atrium.new_inquiries"
_QUIET = "atrium.inquiries_quiet"


@contextmanager
def suppressed(session: Session) -> Iterator[None]:
    """Inquiries flushed inside this block notify no one (demo content is no visitor's)."""
    session.info[_QUIET] = True
    try:
        yield
    finally:
        session.info.pop(_QUIET, None)


@event.listens_for(Session, "after_flush")
def _note(session: Session, flush_context: Any) -> None:
    if session.info.get(_QUIET):
        return
    ids = [obj.id for obj in session.new if isinstance(obj, Inquiry)]
    if ids:
        session.info.setdefault(_KEY, []).extend(ids)


@event.listens_for(Session, "after_commit")
def _queue(session: Session) -> None:
    ids = session.info.pop(_KEY, [])
    if has_app_context():
        for inquiry_id in ids:
            jobs.enqueue(mail.notify_staff_of_inquiry, inquiry_id)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
