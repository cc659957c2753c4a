"""/api/v1/pages: the site's Markdown pages, read-only: metadata, rendered HTML, and the
locales each exists in. A page missing in the language asked for is served in the source
language, as the site does, and Content-Language says so.

Pages live in files (site/content/pages.py), not rows: lists are paged in memory.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from flask import Response
from flask_babel import gettext as _

from ... import i18n
from ...conditional import etag_for
from ...content.pages import all_pages
from ...content.pages import find_page
from ...content.pages import page_locales
from ...errors import ApiError
from . import bp
from .http import link_header
from .http import validated_response
from .query import DEFAULT_LIMIT
from .query import MAX_LIMIT
from .query import bad_parameter
from .query import check_only
from .query import parse_fields
from .query import parse_int
from .query import parse_lang
from .schemas import PREFIX
from .schemas import PageSchema
from .schemas import field_paths

LIST_PARAMETERS = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "fields", "in": "query", "schema": {"type": "string"}},
    {"name": "lang", "in": "query", "schema": {"type": "string"}},
    {"name": "q", "in": "query", "description": "Search in titles.", "schema": {"type": "string"}},
]


def _plain(value: Any) -> Any:
    """YAML headers may hold dates: JSON gets ISO 8601 strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _url_path(path: str) -> str:
    return path or "index"


def _describe(page: Any, served: str) -> dict:
    return {
        "path": page.path,
        "lang": served,
        "title": str(page.title),
        "meta": _plain(dict(page.meta or {})),
        "html": str(page.html),
        "locales": page_locales(page.path),
        "updated_at": page.updated,
        "links": {"self": f"{PREFIX}/pages/{_url_path(page.path)}"},
    }


def _pages(lang: str) -> list[tuple[Any, str]]:
    """Every page of the source, plus those only in `lang`, each in `lang` when it can be."""
    paths = {p.path for p in all_pages(i18n.default())} | {p.path for p in all_pages(lang)}
    found = [find_page(lang, path) for path in sorted(paths)]
    return [item for item in found if item is not None]


def _page_url(number: int, args: dict) -> str:
    from urllib.parse import urlencode

    return f"{PREFIX}/pages?{urlencode({**args, 'page': str(number)})}"


@bp.get("/pages")
def list_pages() -> Response:
    from flask import request

    check_only(("limit", "page", "fields", "lang", "q"))
    values = {}
    for name, default, top in (("limit", DEFAULT_LIMIT, MAX_LIMIT), ("page", 1, 100_000)):
        text = request.args.get(name)
        try:
            values[name] = parse_int(text) if text is not None else default
        except ValueError as e:
            raise bad_parameter(name, str(e)) from None
        if not 1 <= values[name] <= top:
            raise bad_parameter(name, _("must be between 1 and %(max)d", max=top))
    only = parse_fields(field_paths(PageSchema))
    parse_lang()
    lang = i18n.current()
    q = (request.args.get("q") or "").strip().lower()
    pages = [(p, s) for p, s in _pages(lang) if not q or q in str(p.title).lower()]
    limit, number = values["limit"], values["page"]
    chosen = pages[(number - 1) * limit : number * limit]
    args = request.args.to_dict()
    links = {
        "self": _page_url(number, args),
        "first": _page_url(1, args),
        "prev": _page_url(number - 1, args) if number > 1 else None,
        "next": _page_url(number + 1, args) if len(pages) > number * limit else None,
    }
    etag = etag_for(
        "pages",
        lang,
        only,
        sorted(request.args.items()),
        *((p.path, s, p.version, tuple(page_locales(p.path))) for p, s in chosen),
    )
    updated = max((p.updated for p, _s in chosen), default=None)

    def build():
        schema = PageSchema(only=only) if only else PageSchema()
        data = schema.dump([_describe(p, s) for p, s in chosen], many=True)
        headers = {"Link": link_header(links)}
        served = sorted({s for _p, s in chosen})
        if served:
            headers["Content-Language"] = ", ".join(served)
        body = {
            "data": data,
            "links": {rel: url for rel, url in links.items() if url},
            "meta": {"page": number, "limit": limit, "count": len(data)},
        }
        return body, headers

    return validated_response(etag, build, last_modified=updated, private=False)


@bp.get("/pages/<path:path>")
def get_page(path: str) -> Response:
    check_only(("fields", "lang"))
    only = parse_fields(field_paths(PageSchema))
    parse_lang()
    lang = i18n.current()
    found = find_page(lang, "" if path.strip("/") == "index" else path)
    if found is None:
        raise ApiError(404, _("There is no page %(path)s.", path=path))
    page, served = found
    locales = page_locales(page.path)
    etag = etag_for("page", page.path, served, page.version, lang, only, tuple(locales))

    def build():
        schema = PageSchema(only=only) if only else PageSchema()
        return schema.dump(_describe(page, served)), {"Content-Language": served}

    return validated_response(etag, build, last_modified=page.updated, private=False)
