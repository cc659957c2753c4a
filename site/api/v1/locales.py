"""/api/v1/locales: the languages the site and API serve (read-only)."""

from __future__ import annotations

from babel import Locale
from flask import Response
from flask_babel import gettext as _

from ... import i18n
from ...conditional import etag_for
from ...errors import ApiError
from . import bp
from .http import link_header
from .http import validated_response
from .query import check_only
from .query import parse_fields
from .query import parse_lang
from .schemas import PREFIX
from .schemas import LocaleSchema
from .schemas import field_paths


def _describe(tag: str, lang: str) -> dict:
    locale = Locale.parse(i18n.babel_name(tag))
    return {
        "tag": tag,
        "name": locale.get_display_name(i18n.babel_name(lang)),
        "native_name": locale.get_display_name(i18n.babel_name(tag)),
        "rtl": i18n.is_rtl(tag),
        "default": tag == i18n.default(),
        "links": {"self": f"{PREFIX}/locales/{tag}"},
    }


def _respond(tags: list[str], many: bool) -> Response:
    check_only(("fields", "lang"))
    only = parse_fields(field_paths(LocaleSchema))
    parse_lang()
    lang = i18n.current()
    etag = etag_for("locales", many, tags, lang, only)

    def build():
        schema = LocaleSchema(only=only) if only else LocaleSchema()
        items = [_describe(tag, lang) for tag in tags]
        headers = {"Content-Language": lang}
        if not many:
            return schema.dump(items[0]), headers
        links = {"self": f"{PREFIX}/locales"}
        headers["Link"] = link_header(links)
        body = {
            "data": schema.dump(items, many=True),
            "links": links,
            "meta": {"page": 1, "limit": len(items), "count": len(items)},
        }
        return body, headers

    return validated_response(etag, build, last_modified=None, private=False)


@bp.get("/locales")
def list_locales():
    return _respond(i18n.supported(), many=True)


@bp.get("/locales/<tag>")
def get_locale(tag: str):
    canonical = i18n.canonical_tag(tag)
    if canonical not in i18n.supported():
        raise ApiError(404, _("There is no locale %(tag)s.", tag=tag))
    return _respond([canonical], many=False)
