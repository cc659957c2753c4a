"""Messages sent through the contact form (personal data: purged after retention)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from ..extensions import db
from .base import UTCDateTime
from .base import Versioned


class InquiryStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    HANDLED = "handled"
    SPAM = "spam"


class Inquiry(Versioned, db.Model):
    __tablename__ = "inquiries"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'open', 'handled', 'spam')", name="status_known"),
        Index("ix_inquiries_created_at", "created_at"),
    )
    # Personal data stays out of the audit log, so erasing it erases it everywhere.
    __audit_redact__ = frozenset({"name", "email", "message"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    message: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(35))
    status: Mapped[str] = mapped_column(String(20), default=InquiryStatus.NEW.value, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __str__(self) -> str:
        return f"#{self.id} {self.name}"
