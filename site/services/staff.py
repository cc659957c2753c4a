"""Staff accounts: one account per e-mail address, whatever its case."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy import select

from ..extensions import db
from ..models import User
from . import RuleBroken
from . import changed


def normalise_email(email: str) -> str:
    """How an address is stored and compared: trimmed, lower-cased."""
    return (email or "").strip().lower()


def email_taken(email: str, user: User | None = None, *, session: Any = None) -> bool:
    """Whether another account has this address (stored lower-cased: the unique index)."""
    session = session or db.session
    query = select(User.id).where(User.email == normalise_email(email))
    if user is not None and user.id is not None:
        query = query.where(User.id != user.id)
    return session.scalar(query.limit(1)) is not None


def check_email_free(email: str, user: User | None = None, *, session: Any = None) -> None:
    if email_taken(email, user, session=session):
        raise RuleBroken(
            _(
                "A staff account with the e-mail address %(email)s already exists.",
                email=normalise_email(email),
            ),
            "email",
        )


@event.listens_for(Session, "before_flush")
def _unique_email(session: Session, flush_context: Any, instances: Any) -> None:
    with session.no_autoflush:
        for obj in [*session.new, *session.dirty]:
            if not isinstance(obj, User):
                continue
            if not changed(obj, "email"):
                continue
            check_email_free(obj.email, obj, session=session)
