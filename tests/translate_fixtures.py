"""Fixture catalogs and pages for the translator workflow tests (a small project on disk)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

HEADER = dedent(
    """\
    msgid ""
    msgstr ""
    "Project-Id-Version: PROJECT VERSION\\n"
    "Language: {lang}\\n"
    "Plural-Forms: {plural}\\n"
    "MIME-Version: 1.0\\n"
    "Content-Type: text/plain; charset=utf-8\\n"
    "Content-Transfer-Encoding: 8bit\\n"

    """
)

TEMPLATE = dedent(
    """\
    #: site/views.py:1
    #, python-format
    msgid "Hello %(name)s"
    msgstr ""

    #: site/views.py:2
    #, python-format
    msgid "%(num)d file"
    msgid_plural "%(num)d files"
    msgstr[0] ""
    msgstr[1] ""

    #: site/views.py:3
    msgid "{count} items left"
    msgstr ""

    #: site/templates/content/home.html:4
    msgid "Page not found"
    msgstr ""

    #: site/views.py:5
    msgid "Goodbye"
    msgstr ""

    #: site/views.py:6
    msgid "Only in the template"
    msgstr ""
    """
)

#: German: three translated (one plural), one fuzzy, one untranslated, one not merged yet.
GERMAN = dedent(
    """\
    #, python-format
    msgid "Hello %(name)s"
    msgstr "Hallo %(name)s"

    #, python-format
    msgid "%(num)d file"
    msgid_plural "%(num)d files"
    msgstr[0] "%(num)d Datei"
    msgstr[1] "%(num)d Dateien"

    msgid "{count} items left"
    msgstr "noch {count} Stück"

    #, fuzzy
    msgid "Page not found"
    msgstr "Seite nicht gefunden"

    msgid "Goodbye"
    msgstr ""
    """
)

GERMAN_PLURAL = "nplurals=2; plural=(n != 1);"


def po(lang: str, body: str, plural: str = GERMAN_PLURAL) -> str:
    return HEADER.format(lang=lang, plural=plural) + body


def write_catalog(root: Path, name: str, body: str, plural: str = GERMAN_PLURAL) -> Path:
    path = root / name / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(po(name, body, plural), encoding="utf-8")
    return path


def make_project(tmp_path: Path, locales: tuple[str, ...] = ("en", "de")) -> dict[str, str]:
    """Catalogs and pages for an app: returns the config overrides that point at them."""
    translations = tmp_path / "translations"
    translations.mkdir()
    (translations / "messages.pot").write_text(po("", TEMPLATE), encoding="utf-8")
    write_catalog(translations, "de", GERMAN)
    pages = tmp_path / "pages"
    for tag in locales:
        (pages / tag).mkdir(parents=True)
    (pages / "en" / "index.md").write_text("---\ntitle: Home\n---\n# Home\n", encoding="utf-8")
    (pages / "en" / "docs").mkdir()
    (pages / "en" / "docs" / "api.md").write_text("---\ntitle: API\n---\nThe API.\n")
    return {"TRANSLATIONS_ROOT": str(translations), "PAGES_ROOT": str(pages)}
