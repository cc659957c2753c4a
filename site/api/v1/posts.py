"""/api/v1/posts: news, one row per locale; a list shows each post once, in the
request's language when it is translated, else in the source language (as the site does).

Drafts and scheduled posts are seen only with `posts:write`, which writes need too.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.orm import aliased

from ... import i18n
from ...extensions import db
from ...models import Post
from ...models import PostStatus
from ...models.base import utcnow
from . import auth
from . import bp
from .query import Filter
from .query import parse_datetime
from .query import parse_text
from .resource import Resource
from .resource import filter_on
from .resource import register
from .schemas import PREFIX
from .schemas import PostInput
from .schemas import PostSchema
from .writes import invalid


def _published(model: Any) -> Any:
    return and_(model.status == PostStatus.PUBLISHED.value, model.published_at <= utcnow())


def _visible() -> Any:
    return None if auth.has_scope("posts:write") else _published(Post)


def _one_per_group() -> Any:
    """The post in the request's language, or the source-language one if there is none."""
    lang, source = i18n.current(), i18n.default()
    other = aliased(Post)
    translated = exists().where(
        other.translation_group == Post.translation_group,
        other.locale == lang,
        _visible_alias(other),
    )
    return or_(Post.locale == lang, and_(Post.locale == source, ~translated))


def _visible_alias(model: Any) -> Any:
    return true() if auth.has_scope("posts:write") else _published(model)


def translations(post: Post) -> list[dict]:
    stmt = select(Post.id, Post.locale).where(
        Post.translation_group == post.translation_group, Post.id != post.id
    )
    if not auth.has_scope("posts:write"):
        stmt = stmt.where(_published(Post))
    return [
        {"lang": locale, "id": pk, "href": f"{PREFIX}/posts/{pk}"}
        for pk, locale in db.session.execute(stmt.order_by(Post.locale))
    ]


def _stamp() -> list[Any]:
    group = aliased(Post)
    same = group.translation_group == Post.translation_group
    return [
        select(func.count(group.id)).where(same).scalar_subquery(),
        select(func.max(group.updated_at)).where(same).scalar_subquery(),
    ]


def _by_slug(slug: str) -> Any:
    lang, source = i18n.current(), i18n.default()
    best = case((Post.locale == lang, 0), (Post.locale == source, 1), else_=2)
    stmt = select(Post.id).where(Post.slug == slug)
    if _visible() is not None:
        stmt = stmt.where(_visible())
    return Post.id == stmt.order_by(best, Post.id).limit(1).scalar_subquery()


def _to_input(p: Post) -> dict:
    return {
        "slug": p.slug,
        "lang": p.locale,
        "title": p.title,
        "body": p.body,
        "status": p.status,
        "published_at": p.published_at.isoformat() if p.published_at else None,
        "translation_of": None,
    }


def _apply(p: Post, data: dict, creating: bool) -> None:
    errors = []
    lang = i18n.canonical_tag(data["lang"])
    if lang not in i18n.supported():
        errors.append(
            {
                "field": "lang",
                "message": _("Use one of %(tags)s.", tags=", ".join(i18n.supported())),
            }
        )
    group = p.translation_group
    source = data["translation_of"]
    if source is not None:
        if not creating:
            errors.append(
                {"field": "translation_of", "message": _("Only a new post can be linked.")}
            )
        else:
            original = db.session.get(Post, source)
            if original is None:
                errors.append({"field": "translation_of", "message": _("There is no such post.")})
            else:
                group = original.translation_group
    if errors:
        raise invalid(errors)
    if group:
        p.translation_group = group
    # One slug and one translation per locale, and a publication time for a published post:
    # the domain's rules (services.news), checked at the commit.
    published_at = data["published_at"]
    if data["status"] == PostStatus.PUBLISHED.value and published_at is None:
        published_at = p.published_at
    values = {
        "slug": data["slug"],
        "locale": lang,
        "title": data["title"],
        "body": data["body"],
        "status": data["status"],
        "published_at": published_at,
    }
    for name, value in values.items():
        if creating or getattr(p, name) != value:
            setattr(p, name, value)
    if creating:
        token = auth.current_token()
        p.author_id = token.owner_id if token else None


POSTS = Resource(
    name="posts",
    singular="post",
    model=Post,
    schema=PostSchema,
    sort_columns={
        "id": Post.id,
        "title": Post.title,
        "published_at": Post.published_at,
        "updated_at": Post.updated_at,
    },
    filters={
        "status": Filter(
            "status",
            filter_on(Post.status),
            parse_text,
            choices=tuple(s.value for s in PostStatus),
            description="Drafts are seen only with posts:write.",
        ),
        "published_at": Filter(
            "published_at",
            filter_on(Post.published_at),
            parse_datetime,
            ("lt", "lte", "gt", "gte"),
            "date-time",
        ),
    },
    default_sort=("-published_at",),
    search=lambda text: or_(
        func.lower(Post.title).contains(text.lower(), autoescape=True),
        func.lower(Post.body).contains(text.lower(), autoescape=True),
    ),
    stamp=_stamp,
    visible=_visible,
    list_where=_one_per_group,
    write_scope="posts:write",
    lookup_slug=_by_slug,
    input_schema=PostInput,
    to_input=_to_input,
    apply=_apply,
    input_names={"locale": "lang"},
)

register(bp, POSTS)
