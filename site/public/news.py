"""`/<lang>/news`: the published posts of a locale, newest first, and one post by slug."""

from __future__ import annotations

from flask import abort
from flask import render_template
from flask import request
from flask import url_for
from sqlalchemy import func
from sqlalchemy import select

from .. import i18n
from ..conditional import validated
from ..extensions import db
from ..markdown import render
from ..models import Post
from ..models import PostStatus
from ..models.base import utcnow
from . import bp
from . import list_alternates

PER_PAGE = 10


def published(locale: str):
    """The query of the posts a visitor may read in `locale`."""
    return select(Post).where(
        Post.locale == locale,
        Post.status == PostStatus.PUBLISHED.value,
        Post.published_at.is_not(None),
        Post.published_at <= utcnow(),
    )


@bp.get("/news", endpoint="news_list")
@validated()
def news_list():
    lang = i18n.current()
    number = request.args.get("page", "1")
    if not number.isdigit() or int(number) < 1:
        abort(404)
    number = int(number)
    query = published(lang)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    if number > pages:
        abort(404)
    posts = db.session.scalars(
        query.order_by(Post.published_at.desc(), Post.id.desc())
        .limit(PER_PAGE)
        .offset((number - 1) * PER_PAGE)
    ).all()
    return render_template(
        "public/news_list.html",
        posts=posts,
        page=number,
        pages=pages,
        total=total,
        alternates=list_alternates("public.news_list"),
    )


@bp.get("/news/<slug>", endpoint="news_item")
@validated()
def news_item(slug: str):
    lang = i18n.current()
    post = db.session.scalar(published(lang).where(Post.slug == slug))
    if post is None:
        abort(404)
    translations = db.session.scalars(
        select(Post).where(
            Post.translation_group == post.translation_group,
            Post.status == PostStatus.PUBLISHED.value,
            Post.published_at <= utcnow(),
        )
    ).all()
    switch = {tag: url_for("public.news_list", lang=tag) for tag in i18n.supported()}
    alternates = []
    for other in translations:
        if other.locale in i18n.supported():
            switch[other.locale] = url_for("public.news_item", lang=other.locale, slug=other.slug)
            alternates.append(
                (
                    other.locale,
                    url_for("public.news_item", lang=other.locale, slug=other.slug, _external=True),
                )
            )
    default = i18n.default()
    alternates += [("x-default", url) for tag, url in list(alternates) if tag == default]
    return render_template(
        "public/news_item.html",
        post=post,
        body=render(post.body),
        alternates=alternates,
        switch_urls=switch,
    )
