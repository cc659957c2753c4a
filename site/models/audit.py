"""The audit log: who changed what, when, from where. Written by ..audit, never edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from ..extensions import db
from .base import UTCDateTime
from .base import utcnow
from .user import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_model_pk", "model", "pk"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Kept as text too, so the entry still says who after the user is deleted.
    actor: Mapped[str] = mapped_column(String(254), default="system")
    source: Mapped[str] = mapped_column(String(20), default="system")  # admin, api, cli…
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete, or a verb
    model: Mapped[str] = mapped_column(String(64))
    pk: Mapped[str] = mapped_column(String(64), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor_user: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.pk}"
