"""The translation dashboard at /admin/translations: the status report, for translators.

The same figures as `flask translate status --format json` (one `report()` feeds both),
links to each missing or stale page (the source, and where the translation is served),
the untranslated and fuzzy strings, and downloads of messages.pot and each locale's .po.
Registered by the admin package:
`admin.add_view(TranslationDashboard(name=_l("Translations"), endpoint="translations",
url="translations"))`.
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import abort
from flask import send_file
from flask_admin import BaseView
from flask_admin import expose

from .. import i18n
from ..translate import catalogs
from ..translate import status
from .access import ADMIN
from .access import TRANSLATOR
from .access import AccessMixin

#: Roles allowed to see the dashboard.
GETTEXT = "text/x-gettext-translation"


def page_url(tag: str, path: str) -> str:
    """Where the site serves `path` in `tag`: `index` is a section's home (`/de/docs/`)."""
    if path == "index" or path.endswith("/index"):
        path = path[: -len("index")]
    return f"/{tag}/{path}"


def _download(path: Path, filename: str):
    """The file as it is now (read whole: a catalog is small, and may be rewritten)."""
    return send_file(
        io.BytesIO(path.read_bytes()), mimetype=GETTEXT, as_attachment=True, download_name=filename
    )


class TranslationDashboard(AccessMixin, BaseView):
    """Coverage of UI strings and pages per locale, for admins and translators."""

    read_roles = frozenset({ADMIN, TRANSLATOR})
    write_roles = frozenset()

    @expose("/")
    def index(self):
        report = status.report()
        return self.render(
            "admin/translations.html",
            report=report,
            page_url=page_url,
            source=report["source"],
        )

    @expose("/messages.pot")
    def download_template(self):
        path = catalogs.template_path()
        if not path.is_file():
            abort(404)
        return _download(path, "messages.pot")

    @expose("/<locale>.po")
    def download_catalog(self, locale: str):
        tag = i18n.canonical_tag(locale)
        if tag is None:
            abort(404)
        name = i18n.babel_name(tag)
        path = catalogs.po_path(name)
        if not path.is_file():
            abort(404)
        return _download(path, f"{name}.po")
