"""News posts: one row per locale, linked across locales by a translation group."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from ..extensions import db
from .base import UTCDateTime
from .base import Versioned
from .user import User


class PostStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


def new_group() -> str:
    return uuid.uuid4().hex


class Post(Versioned, db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("locale", "slug"),
        UniqueConstraint("translation_group", "locale"),
        CheckConstraint("status IN ('draft', 'published')", name="status_known"),
        Index("ix_posts_locale_status_published_at", "locale", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    locale: Mapped[str] = mapped_column(String(35))
    translation_group: Mapped[str] = mapped_column(String(32), default=new_group, index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=PostStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[User | None] = relationship()

    @property
    def is_published(self) -> bool:
        return self.status == PostStatus.PUBLISHED

    def __str__(self) -> str:
        return self.title
