"""News rules: a published post has a publication time; one post per locale in a story
(its translation group), and a slug once per locale."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_sqlalchemy.session import Session
from sqlalchemy import event
from sqlalchemy import select

from ..models import Post
from ..models import PostStatus
from ..models.base import utcnow
from ..models.news import new_group
from . import RuleBroken
from . import changed
from .slugs import check_slug


def _taken(session: Session, post: Post, **values: Any) -> bool:
    query = select(Post.id).where(Post.locale == post.locale)
    for name, value in values.items():
        query = query.where(getattr(Post, name) == value)
    if post.id is not None:
        query = query.where(Post.id != post.id)
    return session.scalar(query.limit(1)) is not None


def check_post(session: Session, post: Post) -> None:
    if not post.translation_group:  # a new story: its own group
        post.translation_group = new_group()
    if post.status == PostStatus.PUBLISHED and post.published_at is None:
        post.published_at = utcnow()
    check_slug(post)
    if not changed(post, "slug", "locale", "translation_group"):
        return
    if _taken(session, post, slug=post.slug):
        raise RuleBroken(_("Already used by another record."), "slug")
    if _taken(session, post, translation_group=post.translation_group):
        raise RuleBroken(_("This post already has a translation in it."), "locale")


@event.listens_for(Session, "before_flush")
def _news(session: Session, flush_context: Any, instances: Any) -> None:
    with session.no_autoflush:
        for obj in [*session.new, *session.dirty]:
            if isinstance(obj, Post) and (obj in session.new or session.is_modified(obj)):
                check_post(session, obj)
