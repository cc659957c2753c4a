"""`/<lang>/search?q=`: pages of that locale, its published news and products.

Every word of the query must occur (case-insensitive). Snippets are escaped text around
the first match with each word wrapped in `<mark>`.
"""

from __future__ import annotations

import re

from flask import abort
from flask import render_template
from flask import request
from flask import url_for
from markupsafe import Markup
from markupsafe import escape
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select

from .. import i18n
from ..content import navigation
from ..content import pages
from ..extensions import db
from ..markdown import render
from ..models import Post
from ..models import Product
from ..models import ProductTranslation
from . import bp
from .news import published
from .products import localized

MAX_QUERY = 200
MAX_RESULTS = 50
SNIPPET = 90


def snippet(text: str, words: list[str]) -> Markup:
    """Escaped text around the first match, every word highlighted."""
    text = " ".join(text.split())
    folded = text.casefold()
    first = min((i for w in words if (i := folded.find(w)) >= 0), default=0)
    start = max(0, first - SNIPPET // 2)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SNIPPET * 2)
    piece = text[start:end]
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.I)
    out = Markup("")
    last = 0
    for match in pattern.finditer(piece):
        out += escape(piece[last : match.start()]) + Markup("<mark>%s</mark>") % match.group(0)
        last = match.end()
    out += escape(piece[last:])
    return (Markup("… ") if start else Markup("")) + out + (Markup(" …") if end < len(text) else "")


def _contains_all(text: str, words: list[str]) -> bool:
    folded = text.casefold()
    return all(w in folded for w in words)


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _plain(markdown_text: str) -> str:
    return Markup(render(markdown_text)).striptags()


@bp.get("/search", endpoint="search")
def search():
    lang = i18n.current()
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY:
        abort(400)
    words = [w.casefold() for w in query.split()][:10]
    results = []
    if words:
        for page in pages.all_pages(lang):
            haystack = page.title + " " + page.text
            if _contains_all(haystack, words):
                results.append(
                    {
                        "kind": "page",
                        "title": page.title,
                        "url": navigation.page_url(lang, page.path),
                        "snippet": snippet(page.text or page.title, words),
                    }
                )
        likes = [f"%{_escape_like(w)}%" for w in words]
        posts = db.session.scalars(
            published(lang)
            .where(
                and_(
                    *(
                        or_(Post.title.ilike(p, escape="\\"), Post.body.ilike(p, escape="\\"))
                        for p in likes
                    )
                )
            )
            .order_by(Post.published_at.desc())
            .limit(MAX_RESULTS)
        )
        for post in posts:
            results.append(
                {
                    "kind": "news",
                    "title": post.title,
                    "url": url_for("public.news_item", slug=post.slug),
                    "snippet": snippet(_plain(post.body) or post.title, words),
                }
            )
        translated = select(ProductTranslation.product_id).where(
            ProductTranslation.locale == lang,
            and_(
                *(
                    or_(
                        ProductTranslation.name.ilike(p, escape="\\"),
                        ProductTranslation.description.ilike(p, escape="\\"),
                    )
                    for p in likes
                )
            ),
        )
        products = db.session.scalars(
            select(Product)
            .where(
                Product.published.is_(True),
                or_(
                    and_(
                        *(
                            or_(
                                Product.name.ilike(p, escape="\\"),
                                Product.description.ilike(p, escape="\\"),
                            )
                            for p in likes
                        )
                    ),
                    Product.id.in_(translated),
                ),
            )
            .order_by(Product.name)
            .limit(MAX_RESULTS)
        )
        for product in products:
            view = localized(product, lang)
            text = view.name + " " + _plain(view.description)
            if not _contains_all(text, words):
                continue  # matched another language's text only
            results.append(
                {
                    "kind": "product",
                    "title": view.name,
                    "url": url_for("public.product_item", slug=product.slug),
                    "snippet": snippet(_plain(view.description) or view.name, words),
                }
            )
    response = render_template("public/search.html", query=query, results=results[:MAX_RESULTS])
    return response, 200, {"Cache-Control": "private, max-age=0", "X-Robots-Tag": "noindex"}
