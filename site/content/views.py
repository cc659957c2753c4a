"""Page views: `/` (locale negotiation), `/<lang>/<path>`, the language switch.

A rendered page is cached per app, keyed by locale, path, the page file's version and the
index generation (bumped by any change seen in the pages folder), so a warm request costs
a few dictionary look-ups; the ETag is a hash of the body, hence strong and the same in
every worker.
"""

from __future__ import annotations

import hashlib
import re

from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from jinja2 import TemplateNotFound

from .. import i18n
from ..conditional import conditional
from . import bp
from . import navigation
from . import pages
from . import site

COOKIE_MAX_AGE = 365 * 24 * 3600
TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")
PAGE_CACHE_CONTROL = "public, max-age=0, must-revalidate"


@bp.get("/")
def root():
    response = redirect(url_for("content_site.page", lang=i18n.negotiate(), path=""))
    response.vary.update(("Accept-Language", "Cookie"))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/language/<tag>")
def switch_language(tag: str):
    """Remember the visitor's choice in a cookie, then go to the page in that language."""
    lang = i18n.canonical_tag(tag)
    if lang not in i18n.supported():
        abort(404)
    target = request.args.get("next", "")
    if not target.startswith("/" + lang + "/") or "//" in target or "\\" in target:
        target = url_for("content_site.page", lang=lang, path="")
    response = redirect(target, code=303)
    response.set_cookie(
        i18n.COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True, secure=False
    )
    return response


@site.get("/", defaults={"path": ""}, endpoint="page")
@site.get("/<path:path>", endpoint="page")
def page(path: str):
    lang = i18n.current()
    clean = pages.normalize_path(path)
    segments = clean.split("/") if clean else []
    if any(s in ("", ".", "..") or s.startswith(".") for s in segments):
        abort(404)
    if segments and segments[0] in pages.RESERVED:
        abort(404)
    found = pages.find_page(lang, clean)
    if found is None:
        abort(404)
    page, served = found
    canonical = navigation.page_url(lang, clean)
    if request.path != canonical:
        return redirect(canonical, code=308)
    index = pages.index()
    key = (lang, clean, served, page.version, index.generation, request.host_url)
    cached = index.responses.get(key)
    if cached is None:
        body = _render(page, lang, served).encode()
        cached = (body, hashlib.sha256(body).hexdigest()[:32])
        index.cache_response(key, cached)
    response = Response(cached[0], mimetype="text/html")
    response.headers["Content-Language"] = lang
    return conditional(
        response, etag=cached[1], last_modified=page.updated, cache_control=PAGE_CACHE_CONTROL
    )


def _template(page: pages.Page) -> str:
    name = str(page.meta.get("template") or "")
    if name and TEMPLATE_NAME.match(name):
        return f"content/{name}.html"
    return "content/page.html"


def _render(page: pages.Page, lang: str, served: str) -> str:
    home, section = navigation.sidebar(lang, page.path)
    context = {
        "page": page,
        "served_locale": served,
        "fallback": served != lang,
        "served_dir": "rtl" if i18n.is_rtl(served) else "ltr",
        "canonical": navigation.page_url(served, page.path, external=True),
        "alternates": navigation.alternates(page.path),
        "section_home": home,
        "section_pages": section,
    }
    try:
        return render_template(_template(page), **context)
    except TemplateNotFound:
        return render_template("content/page.html", **context)
