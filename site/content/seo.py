"""`/sitemap.xml` (pages with hreflang alternates, news, products) and `/robots.txt`."""

from __future__ import annotations

from flask import Response
from flask import render_template
from flask import url_for
from sqlalchemy import select

from .. import i18n
from ..conditional import conditional
from ..extensions import db
from ..models import Post
from ..models import Product
from ..public.news import published
from . import bp
from . import navigation
from . import pages


def _page_entries() -> list[dict]:
    index = pages.index()
    paths = sorted({path for tag in i18n.supported() for path in index.paths(tag)})
    entries = []
    for path in paths:
        if path.partition("/")[0] in pages.RESERVED:
            continue
        alternates = navigation.alternates(path)
        for tag, url in alternates:
            if tag == "x-default":
                continue
            page = pages.get_page(tag, path)
            entries.append({"loc": url, "lastmod": page.updated, "alternates": alternates})
    return entries


def _news_entries() -> list[dict]:
    entries = []
    groups: dict[str, list[Post]] = {}
    for tag in i18n.supported():
        for post in db.session.scalars(published(tag)):
            groups.setdefault(post.translation_group, []).append(post)
    for posts in groups.values():
        alternates = [
            (p.locale, url_for("public.news_item", lang=p.locale, slug=p.slug, _external=True))
            for p in posts
        ]
        for post, (_, url) in zip(posts, alternates, strict=True):
            entries.append({"loc": url, "lastmod": post.updated_at, "alternates": alternates})
    return entries


def _product_entries() -> list[dict]:
    entries = []
    query = select(Product).where(Product.published.is_(True)).order_by(Product.slug)
    for product in db.session.scalars(query):
        alternates = [
            (tag, url_for("public.product_item", lang=tag, slug=product.slug, _external=True))
            for tag in i18n.supported()
        ]
        alternates.append(("x-default", alternates[0][1]))
        for _, url in alternates[:-1]:
            entries.append({"loc": url, "lastmod": product.updated_at, "alternates": alternates})
    return entries


def _view_entries() -> list[dict]:
    entries = []
    for endpoint in ("public.news_list", "public.product_list", "public.contact"):
        alternates = [
            (tag, url_for(endpoint, lang=tag, _external=True)) for tag in i18n.supported()
        ]
        alternates.append(("x-default", alternates[0][1]))
        entries += [
            {"loc": url, "lastmod": None, "alternates": alternates} for _, url in alternates[:-1]
        ]
    return entries


@bp.get("/sitemap.xml")
def sitemap():
    entries = _page_entries() + _view_entries() + _news_entries() + _product_entries()
    xml = render_template("content/sitemap.xml", entries=entries)
    response = Response(xml, mimetype="application/xml")
    return conditional(response, cache_control="public, max-age=300")


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /language/",
    ]
    lines += [f"Disallow: /{tag}/search" for tag in i18n.supported()]
    lines += ["", "Sitemap: " + url_for("content.sitemap", _external=True), ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    return conditional(response, cache_control="public, max-age=3600")
