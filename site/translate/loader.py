"""The one place where compiled catalogs are loaded, for our domain and third-party ones.

Flask-Babel asks `gettext.find` for one catalog named exactly like the locale, so `pt_BR`
never falls back to `pt`, and `zh_Hant` misses the `zh_Hant_TW` catalogs Flask-Admin ships
(and WTForms' `zh_TW`). Here a locale reaches a chain of catalogs, most specific first
(`catalog_names`), and a message missing from one is looked up in the next, then the source.

Loaded catalogs are cached per process and revalidated once per request by the files'
modification times, so a `flask translate compile` reaches running workers without a
restart. A `.mo` that cannot be read is logged and skipped: the site keeps working.
"""

from __future__ import annotations

import logging
import os
from functools import cache

from babel import Locale
from babel import UnknownLocaleError
from babel import support
from babel.core import get_global
from flask import Flask
from flask import g
from flask_babel import Domain
from flask_babel import get_babel
from flask_babel import get_locale

log = logging.getLogger(__name__)

_Stamp = tuple[tuple[int, int, int] | None, ...]
#: (directories, domains, locale) -> (modification times, translations); revalidated by stat.
_loaded: dict[tuple, tuple[_Stamp, support.NullTranslations]] = {}


@cache
def catalog_names(name: str) -> tuple[str, ...]:
    """Catalog folder names to try for a Babel locale name, most specific first.

    `pt_BR` → pt_BR, pt; `zh_Hant` → zh_Hant, zh_Hant_TW, zh_TW — never `zh`, whose likely
    script is Hans: a name joins the chain only when it implies the same script.
    """
    try:
        locale = Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return (name,)
    language = locale.language
    _, likely_script, likely_territory = _likely(name)
    script = locale.script or likely_script
    territory = locale.territory or (likely_territory if locale.script else None)
    names = [name]
    spell_script = bool(locale.script) or script != _likely(language)[1]
    if territory:
        if spell_script:
            names.append(f"{language}_{script}_{territory}")
        names.append(f"{language}_{territory}")
    if spell_script:
        names.append(f"{language}_{script}")
    names.append(language)
    return tuple(n for n in dict.fromkeys(names) if _likely(n)[1] == script)


def _likely(name: str) -> tuple[str, str | None, str | None]:
    """(language, script, territory) of a name, the missing parts filled from CLDR."""
    parts = name.split("_")
    script = next((p for p in parts[1:] if len(p) == 4), None)
    territory = next((p for p in parts[1:] if len(p) in (2, 3)), None)
    likely = get_global("likely_subtags")
    keys = [name, f"{parts[0]}_{territory}", f"{parts[0]}_{script}", parts[0]]
    full = next((likely[k] for k in keys if k in likely), name).split("_")
    return (
        parts[0],
        script or next((p for p in full[1:] if len(p) == 4), None),
        territory or next((p for p in full[1:] if len(p) in (2, 3)), None),
    )


def load(directories: list[str], domains: list[str], locale: str) -> support.NullTranslations:
    """The chain of catalogs for `locale` found in `directories` (one domain per directory,
    or one domain for all), reloaded when a file changed."""
    paths = [
        os.path.join(dirname, name, "LC_MESSAGES", domains[min(i, len(domains) - 1)] + ".mo")
        for name in catalog_names(locale)
        for i, dirname in enumerate(directories)
    ]
    stamp = tuple(_mtime(path) for path in paths)
    key = (tuple(directories), tuple(domains), locale)
    cached = _loaded.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    chain: support.NullTranslations | None = None
    for path, mtime in zip(paths, stamp, strict=True):
        if mtime is None:
            continue
        try:
            with open(path, "rb") as fp:
                found = support.Translations(fp, domain=domains[0])
        except (OSError, ValueError, UnicodeDecodeError) as e:
            log.error("skipping unreadable catalog %s: %s", path, e)
            continue
        if chain is None:
            chain = found
        else:
            chain.add_fallback(found)
    chain = chain or support.NullTranslations()
    _loaded[key] = (stamp, chain)
    return chain


def _mtime(path: str) -> tuple[int, int, int] | None:
    """What identifies a version of a file: a compile replaces it (new inode), so a
    change within the file system's timestamp granularity is still seen."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


def translations_for(domain: Domain) -> support.NullTranslations:
    """What `domain.get_translations()` returns: loaded once per request and locale."""
    if not g:
        return support.NullTranslations()
    locale = get_locale()
    if locale is None:
        return support.NullTranslations()
    memo = g.setdefault("_atrium_catalogs", {})
    directories = list(domain.translation_directories)
    key = (tuple(directories), tuple(domain.domain), str(locale))
    if key not in memo:
        memo[key] = load(directories, list(domain.domain), str(locale))
    return memo[key]


class CatalogDomain(Domain):
    """The app's message domain: Flask-Babel's `Domain`, loading through `translations_for`.

    The domain name and directories are read from the current app on every call, so one
    instance serves every app of the process. With several translation directories, the
    first that has a message wins.
    """

    @property
    def domain(self) -> list[str]:  # type: ignore[override]
        return get_babel().default_domain.split(";")

    @domain.setter
    def domain(self, value: list[str]) -> None:
        pass  # set by Domain.__init__; always read from the app instead

    def get_translations(self) -> support.NullTranslations:
        return translations_for(self)


_domain = CatalogDomain()


def _route_third_party_domains() -> None:
    """Flask-Admin's and WTForms' catalogs load through `translations_for` too.

    Flask-Admin keeps two module-level domains (its own messages and WTForms' for its
    forms); Flask-WTF loads WTForms' catalog with its own `_get_translations`. Each gets the
    same fallback chain as our catalogs, so `zh-Hant` reaches `zh_Hant_TW` and `zh_TW`.
    Idempotent: the instances and function are process-wide.
    """
    try:
        from flask_admin import babel as admin_babel
    except ImportError:  # pragma: no cover - Flask-Admin is a dependency
        admin_babel = None
    if admin_babel is not None:
        for foreign in (admin_babel.domain, admin_babel.wtforms_domain):
            foreign.get_translations = _bound(foreign)

    from flask_wtf import i18n as wtf_i18n
    from wtforms.i18n import messages_path

    wtforms_domain = Domain(messages_path(), domain="wtforms")
    wtf_i18n._get_translations = lambda: translations_for(wtforms_domain) if g else None


def _bound(domain: Domain):
    return lambda: translations_for(domain)


def init_app(app: Flask, babel) -> None:
    """Make `CatalogDomain` Flask-Babel's default domain and route the others through it."""
    # Flask-Babel caches its default domain on the extension object; ours is app-agnostic.
    babel.domain_instance = _domain
    _route_third_party_domains()
