"""How complete each locale is: UI strings and pages. One report, two faces.

`report()` is exactly what `flask translate status --format json` prints and what the
admin's translation dashboard shows:

    {"source": "en",
     "template": "translations/messages.pot",
     "locales": [
       {"locale": "de", "catalog": "de", "source": false, "error": null,
        "strings": {"total": N, "translated": N, "fuzzy": N, "untranslated": N,
                    "percent": 97.5, "fuzzy_ids": [...], "untranslated_ids": [...]},
        "pages": {"total": N, "translated": N, "missing": ["docs/api"], "stale": [...],
                  "unreadable": [{"path": "docs/faq", "file": "pages/de/docs/faq.md"}],
                  "percent": 81.8}}]}

Strings are counted against messages.pot (a message the catalog lacks is untranslated),
a plural message once, whatever its number of forms. A message is translated when every
form is and it is not fuzzy (fuzzy messages are left out of the compiled catalog).
`catalog` is the Babel name of the locale's catalog (None without one); `error` says why
a catalog could not be read (its messages then count as untranslated). `unreadable` lists
the pages whose file (the translation, or its source) is not UTF-8 text: neither
translated, missing nor stale, since what they say cannot be read; the rest are counted.
Percentages are rounded to one decimal, rounded down, so 99.96 % never shows as 100.
"""

from __future__ import annotations

import math
from typing import Any

from .. import i18n
from . import catalogs
from . import pages


def report(locale: str | None = None) -> dict[str, Any]:
    """The status of every supported locale, or of `locale` (a BCP 47 tag) alone."""
    tags = i18n.supported()
    if locale is not None:
        tag = i18n.canonical_tag(locale)
        if tag not in tags:
            raise ValueError(f"{locale!r} is not one of the site's locales ({', '.join(tags)}).")
        tags = [tag]
    template = _template()
    return {
        "source": i18n.default(),
        "template": catalogs.display(catalogs.template_path()),
        "locales": [_locale(tag, template) for tag in tags],
    }


def _template() -> list[tuple[Any, str]]:
    """(key, msgid) of every message to translate, from messages.pot."""
    path = catalogs.template_path()
    if not path.is_file():
        return []
    return [(_key(m), catalogs.msgid(m)) for m in catalogs.read(path) if m.id]


def _key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def _locale(tag: str, template: list[tuple[Any, str]]) -> dict[str, Any]:
    name = i18n.babel_name(tag)
    path = catalogs.po_path(name)
    found = path.is_file()
    error = None
    try:
        catalog = catalogs.read(path, locale=name) if found else None
    except catalogs.CatalogError as e:
        catalog, error = None, str(e)  # counted as untranslated; `check` says more
    strings = _strings(catalog, template)
    if not found and tag == i18n.default():
        # Without a catalog the source locale shows its message ids: complete.
        strings = _strings(None, template, complete=True)
    page_status = pages.status(tag)
    return {
        "locale": tag,
        "catalog": name if found else None,
        "source": tag == i18n.default(),
        "error": error,
        "strings": strings,
        "pages": {
            "total": page_status.total,
            "translated": len(page_status.translated),
            "missing": page_status.missing,
            "stale": page_status.stale,
            "unreadable": [
                {"path": path, "file": catalogs.display(file)}
                for path, file in page_status.unreadable
            ],
            "percent": _percent(len(page_status.translated), page_status.total),
        },
    }


def _strings(catalog, template: list[tuple[Any, str]], complete: bool = False) -> dict[str, Any]:
    fuzzy_ids: list[str] = []
    untranslated_ids: list[str] = []
    translated = 0
    messages = {_key(m): m for m in catalog if m.id} if catalog is not None else {}
    for key, msgid in template:
        message = messages.get(key)
        if complete or (message and catalogs.is_translated(message) and not message.fuzzy):
            translated += 1
        elif message is not None and message.fuzzy:
            fuzzy_ids.append(msgid)
        else:
            untranslated_ids.append(msgid)
    return {
        "total": len(template),
        "translated": translated,
        "fuzzy": len(fuzzy_ids),
        "untranslated": len(untranslated_ids),
        "percent": _percent(translated, len(template)),
        "fuzzy_ids": fuzzy_ids,
        "untranslated_ids": untranslated_ids,
    }


def _percent(part: int, total: int) -> float:
    if not total:
        return 100.0
    return math.floor(part * 1000 / total) / 10
