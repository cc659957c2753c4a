"""Page views: `/` (locale negotiation), `/<lang>/<path>`, the language switch.

A rendered page is cached per app, keyed by locale, path, the page file's version and the
index generation (bumped by any change seen in the pages folder), so a warm request costs
a few dictionary look-ups; the ETag is a hash of the body, hence strong and the same in
every worker.
"""

from __future__ import annotations

import hashlib
import re
import time
from contextlib import suppress
from functools import cache as cache_once
from pathlib import Path
from urllib.parse import quote

from flask import Response
from flask import abort
from flask import current_app
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from jinja2 import TemplateNotFound

from .. import i18n
from ..conditional import NotModified
from ..conditional import conditional
from ..conditional import is_fresh
from ..extensions import cache
from ..extensions import limiter
from . import bp
from . import navigation
from . import pages
from . import site

COOKIE_MAX_AGE = 365 * 24 * 3600
TEMPLATE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")
PAGE_CACHE_CONTROL = "public, max-age=0, must-revalidate"
FRESH = pages.REFRESH_SECONDS


@limiter.request_filter
def _reading_pages_is_not_limited() -> bool:
    """Limits guard abuse (forms, logins, writes), not reading; this also keeps pages fast."""
    return request.endpoint == "content_site.page"


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
        i18n.COOKIE,
        lang,
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


@site.get("/", defaults={"path": ""}, endpoint="page")
@site.get("/<path:path>", endpoint="page")
def page(path: str):
    lang = g.locale  # set by the URL prefix
    index = pages.index()
    environ = request.environ  # scheme and host: the canonical and hreflang URLs are absolute
    host = (environ["wsgi.url_scheme"], environ.get("HTTP_HOST") or environ.get("SERVER_NAME"))
    # The hot path: this exact URL was answered before and nothing changed since.
    hot_key = ("hot", lang, path, host)
    hot = index.responses.get(hot_key)
    if hot is not None:
        index.tree()  # the throttled directory check, which may bump the generation
        generation, page, cached = hot
        if generation == index.generation and time.monotonic() - page.checked_at < FRESH:
            with suppress(KeyError):  # another thread may have just dropped it
                index.responses.move_to_end(hot_key)  # popular pages stay cached
            return _respond(cached, page, lang)
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
    canonical = f"/{lang}/{clean}/" if clean and page.is_section else f"/{lang}/{clean}"
    if request.path != canonical:
        return redirect(quote(canonical), code=308)
    key = (lang, clean, served, page.version, index.generation, host)
    cached = index.responses.get(key)
    if cached is None:
        cached = _shared_render(index, page, lang, served, host)
        index.cache_response(key, cached)
    index.cache_response(hot_key, (index.generation, page, cached))
    return _respond(cached, page, lang)


def _shared_render(index, page: pages.Page, lang: str, served: str, host: tuple) -> tuple:
    """The rendered page and its ETag, from the shared cache (Redis, when configured) or
    rendered now and shared: each change is rendered by one worker, not by each of them.

    The key holds everything a rendering depends on that may differ between deploys or
    change while running: the page files (`signature`), the compiled catalogs, the code.
    """
    shared_key = (
        "page:"
        + hashlib.sha256(
            repr(
                (lang, page.path, served, host, index.signature(), _catalogs(), _code_version())
            ).encode()
        ).hexdigest()
    )
    cached = cache.get(shared_key)
    if cached is None:
        body = _render(page, lang, served).encode()
        cached = (body, hashlib.sha256(body).hexdigest()[:32])
        cache.set(shared_key, cached, timeout=SHARED_SECONDS)
    return tuple(cached)


def _catalogs() -> tuple:
    """Modification times of the compiled catalogs (a compile shows without restart)."""
    root = Path(current_app.config["TRANSLATIONS_ROOT"])
    return tuple((str(mo), mo.stat().st_mtime_ns) for mo in sorted(root.glob("*/LC_MESSAGES/*.mo")))


@cache_once
def _code_version() -> str:
    """The templates and modules this app renders with (equal in workers of one deploy);
    computed on the first shared render, not at import."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for file in sorted(package.rglob("*")):
        if file.suffix in (".py", ".html"):
            digest.update(f"{file}\0{file.stat().st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


SHARED_SECONDS = 3600


def _respond(cached: tuple[bytes, str], page: pages.Page, lang: str) -> Response:
    if is_fresh(cached[1], page.updated):
        return NotModified(cached[1], PAGE_CACHE_CONTROL)
    response = Response(
        cached[0], headers={"Content-Type": "text/html; charset=utf-8", "Content-Language": lang}
    )
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
