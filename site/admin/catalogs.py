"""Flask-Admin's own catalogs, reachable under Atrium's locale names.

Flask-Admin ships Traditional Chinese as `zh_Hant_TW` only; Babel looks up `zh_Hant` for
our `zh-Hant` and finds nothing. For each supported locale without a Flask-Admin catalog
of its exact name, the closest one (same language and script, see `i18n.match`) is copied
under our name into the instance folder, which Flask-Admin then searches first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import flask_admin.translations
from flask import Flask

from .. import i18n

DOMAIN = "admin"


def fallback_directory(app: Flask) -> str | None:
    """The folder of copied catalogs, or None when every locale has its own."""
    source = Path(flask_admin.translations.__path__[0])
    shipped = {
        tag: path
        for path in source.iterdir()
        if (path / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
        and (tag := i18n.canonical_tag(path.name))
    }
    target = Path(app.instance_path) / "flask-admin-catalogs"
    made = False
    for tag in app.extensions["atrium.locales"]:
        if tag in shipped:
            continue
        best = i18n.match([tag], list(shipped))
        if best is None:
            continue
        folder = target / i18n.babel_name(tag) / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shipped[best] / "LC_MESSAGES" / f"{DOMAIN}.mo", folder / f"{DOMAIN}.mo")
        made = True
    return str(target) if made else None
