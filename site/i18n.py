"""Locales: the supported set, BCP 47 ↔ Babel names, and the one locale selector.

URLs and headers speak BCP 47 (`pt-BR`, `zh-Hant`); catalogs and Babel speak POSIX-like
names (`pt_BR`, `zh_Hant`). The mapping lives here alone. The same selector serves the
site, the admin and the API, in requests and outside them (CLI, jobs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel import Locale
from babel import UnknownLocaleError
from babel.core import get_global
from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import g
from flask import has_request_context
from flask import request
from flask_babel import refresh
from flask_login import current_user
from werkzeug.routing import BaseConverter

from .extensions import babel
from .translate import loader as translate_loader

COOKIE = "locale"


@cache
def canonical_tag(value: str) -> str | None:
    """`pt_br`, `PT-BR` → `pt-BR`; `zh_hant` → `zh-Hant`; None when not a known locale."""
    value = (value or "").strip().replace("_", "-")
    if not value or len(value) > 35 or not all(part.isalnum() for part in value.split("-")):
        return None
    parts = value.split("-")
    parts = [parts[0].lower()] + [
        p.title() if len(p) == 4 else p.upper() if len(p) in (2, 3) else p for p in parts[1:]
    ]
    try:
        locale = Locale.parse("_".join(parts))
    except (ValueError, UnknownLocaleError):
        return None
    return "-".join(p for p in (locale.language, locale.script, locale.territory) if p)


def babel_name(tag: str) -> str:
    """`pt-BR` → `pt_BR`: the name of a catalog folder and of a Babel locale."""
    return tag.replace("-", "_")


def _likely(tag: str) -> tuple[str, str]:
    """(language, script) with the likely script filled in: `zh-TW` → ('zh', 'Hant')."""
    name = babel_name(tag)
    likely = get_global("likely_subtags")
    full = likely.get(name) or likely.get(name.split("_")[0]) or name
    parts = full.split("_")
    script = next((p for p in parts[1:] if len(p) == 4), "")
    if len(name.split("_")) > 1 and len(name.split("_")[1]) == 4:
        script = name.split("_")[1]
    return parts[0], script


def is_rtl(tag: str) -> bool:
    return Locale.parse(babel_name(tag)).character_order == "right-to-left"


@cache
def display_name(tag: str, in_tag: str | None = None) -> str:
    """A locale's name, in its own language by default: `de` → `Deutsch`; (`en`, `de`) →
    `Englisch`; `pt-BR` → `Português (Brasil)`."""
    name = Locale.parse(babel_name(tag)).get_display_name(babel_name(in_tag or tag)) or tag
    return name[:1].upper() + name[1:] if not in_tag else name


def supported() -> list[str]:
    """Canonical tags of the supported locales, the default first."""
    return current_app.extensions["atrium.locales"]


def default() -> str:
    return supported()[0]


def _discover(app: Flask) -> list[str]:
    configured = app.config.get("LOCALES")
    if isinstance(configured, str):
        names: Iterable[str] = configured.replace(",", " ").split()
    elif configured:
        names = configured
    else:
        root = Path(app.config["PAGES_ROOT"])
        names = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    default_tag = canonical_tag(app.config["DEFAULT_LOCALE"])
    if default_tag is None:
        raise ValueError(f"DEFAULT_LOCALE {app.config['DEFAULT_LOCALE']!r} is not a locale.")
    tags = [t for t in (canonical_tag(n) for n in names) if t]
    return [default_tag] + sorted(set(tags) - {default_tag})


def match(wanted: Iterable[str], available: list[str]) -> str | None:
    """The first of `wanted` (best first) that some available locale serves.

    Exact tag first, then the same language and script: `pt-PT` → `pt-BR`,
    `zh-TW` → `zh-Hant`, `de-AT` → `de`.
    """
    for value in wanted:
        tag = canonical_tag(value)
        if tag is None:
            continue
        if tag in available:
            return tag
        language, script = _likely(tag)
        for candidate in available:
            if _likely(candidate) == (language, script):
                return candidate
    return None


def negotiate(available: list[str] | None = None) -> str:
    """Cookie › Accept-Language › default, for the current request."""
    available = available or supported()
    cookie = canonical_tag(request.cookies.get(COOKIE, ""))
    if cookie in available:
        return cookie
    # Werkzeug parses q-values and orders best first; garbage parses to nothing.
    wanted = [value for value, quality in request.accept_languages if quality > 0]
    return match(wanted, available) or available[0]


def current() -> str:
    """The locale of this request (or the default outside one), as a BCP 47 tag."""
    if not has_request_context():
        return default()
    if "locale" not in g:
        g.locale = _choose()
    return g.locale


def _choose() -> str:
    if request.path.startswith("/admin"):
        preferred = getattr(current_user, "preferred_locale", None)
        if preferred and canonical_tag(preferred) in supported():
            return canonical_tag(preferred)
    if request.path.startswith("/api/"):
        lang = canonical_tag(request.args.get("lang", ""))
        if lang in supported():
            return lang
        wanted = [value for value, quality in request.accept_languages if quality > 0]
        return match(wanted, supported()) or default()
    return negotiate()


def select_babel_locale() -> str:
    return babel_name(current())


#: The URL prefix of localized blueprints: matches only the app's locales, so `/admin/…`
#: or `/api/v9/…` never reach a page view, and a wrong method there still answers 405.
URL_PREFIX = "/<locale:lang>"


def _locale_converter(tags: list[str]) -> type[BaseConverter]:
    pattern = "|".join(re.escape(t) for t in sorted(tags, key=len, reverse=True))
    return type("LocaleConverter", (BaseConverter,), {"regex": f"(?:{pattern})"})


def use_url_prefix(bp: Blueprint) -> None:
    """Blueprint routes under `/<lang>/…` (see URL_PREFIX): the prefix sets the locale."""

    @bp.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict | None) -> None:
        lang = (values or {}).pop("lang", None)
        if lang not in supported():
            abort(404)
        g.locale = lang

    @bp.url_defaults
    def add_lang(endpoint: str, values: dict) -> None:
        if "lang" not in values and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current()


def _forget_earlier_locale(endpoint: str | None, values: dict | None) -> None:
    """Each request chooses its own locale. A request normally gets a fresh app context,
    but one pushed around several requests (tests, scripts) keeps `g`, and with it the
    locale an earlier request chose and Flask-Babel's cache of it."""
    if "locale" in g:
        del g.locale
        refresh()


def init_app(app: Flask) -> None:
    app.extensions["atrium.locales"] = _discover(app)
    app.url_map.converters["locale"] = _locale_converter(app.extensions["atrium.locales"])
    app.config.setdefault("BABEL_DEFAULT_LOCALE", babel_name(app.extensions["atrium.locales"][0]))
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", app.config["TRANSLATIONS_ROOT"])
    babel.init_app(app, locale_selector=select_babel_locale)
    translate_loader.init_app(app, babel)  # catalog fallbacks: pt_BR → pt, zh_Hant → zh_Hant_TW
    app.url_value_preprocessor(_forget_earlier_locale)  # the app's run before blueprints'

    @app.context_processor
    def locale_context() -> dict:
        tag = current()
        return {
            "current_locale": tag,
            "text_direction": "rtl" if is_rtl(tag) else "ltr",
            "supported_locales": supported(),
            "locale_name": lambda t: Locale.parse(babel_name(t)).get_display_name(babel_name(t)),
        }
