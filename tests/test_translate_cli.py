"""`flask translate`: status, check, compile, init and update on fixture catalogs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from translate_fixtures import GERMAN
from translate_fixtures import make_project
from translate_fixtures import write_catalog

from atrium.translate import catalogs


@pytest.fixture
def project(tmp_path) -> dict[str, str]:
    return make_project(tmp_path)


@pytest.fixture
def app(make_app, project):
    return make_app(**project)


def po_file(project, name="de") -> Path:
    return Path(project["TRANSLATIONS_ROOT"]) / name / "LC_MESSAGES" / "messages.po"


def status_json(runner, *args: str) -> dict:
    result = runner.invoke(args=["translate", "status", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_status_counts_a_plural_once_and_fuzzy_apart(runner):
    report = status_json(runner, "--locale", "de")
    [german] = report["locales"]
    assert german["locale"] == "de"
    assert german["strings"] == {
        "total": 6,
        "translated": 3,
        "fuzzy": 1,
        "untranslated": 2,
        "percent": 50.0,
        "fuzzy_ids": ["Page not found"],
        "untranslated_ids": ["Goodbye", "Only in the template"],
    }


def test_status_of_the_source_locale_is_complete_without_a_catalog(runner):
    report = status_json(runner)
    assert report["source"] == "en"
    en = next(entry for entry in report["locales"] if entry["locale"] == "en")
    assert en["source"] is True
    assert en["strings"]["percent"] == 100.0
    assert en["pages"] == {
        "total": 2,
        "translated": 2,
        "missing": [],
        "stale": [],
        "unreadable": [],
        "percent": 100.0,
    }


def test_status_table_and_fail_under(runner):
    result = runner.invoke(args=["translate", "status", "--fail-under", "100"])
    assert result.exit_code == 1
    assert "de" in result.output and "50.0" in result.output
    assert "Below the required coverage: de strings 50.0%." in result.output
    assert runner.invoke(args=["translate", "status", "--fail-under", "50"]).exit_code == 0
    result = runner.invoke(args=["translate", "status", "--pages-fail-under", "10"])
    assert result.exit_code == 1
    assert "de pages 0.0%" in result.output


def test_status_of_an_unknown_locale_is_one_sentence(runner):
    result = runner.invoke(args=["translate", "status", "--locale", "xx"])
    assert result.exit_code == 1
    assert "Error: 'xx' is not one of the site's locales (en, de)." in result.output


def test_check_finds_placeholders_and_incomplete_plurals_with_file_and_line(runner, project):
    broken = GERMAN.replace('"Hallo %(name)s"', '"Hallo"')
    broken = broken.replace('"noch {count} Stück"', '"noch {anzahl} Stück"')
    broken = broken.replace('msgstr[1] "%(num)d Dateien"', 'msgstr[1] ""')
    path = write_catalog(Path(project["TRANSLATIONS_ROOT"]), "de", broken)
    result = runner.invoke(args=["translate", "check", "--locale", "de"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{path}:11: drops placeholder %(name)s (msgid 'Hello %(name)s')" in lines
    assert (
        f"{path}:20: renames placeholder {{count}} to {{anzahl}} (msgid '{{count}} items left')"
        in (lines)
    )
    assert f"{path}:15: incomplete plural: msgstr[1] empty (msgid '%(num)d file')" in lines
    assert lines[-1] == "Error: 3 problem(s) in the catalogs."


def test_check_finds_an_added_placeholder(runner, project):
    body = GERMAN.replace('"Hallo %(name)s"', '"Hallo %(name)s, %(title)s"')
    path = write_catalog(Path(project["TRANSLATIONS_ROOT"]), "de", body)
    result = runner.invoke(args=["translate", "check", "--locale", "de"])
    assert result.exit_code == 1
    assert f"{path}:11: adds placeholder %(title)s (msgid 'Hello %(name)s')" in result.output


def test_check_finds_too_many_plural_forms(runner, project):
    body = GERMAN.replace(
        'msgstr[1] "%(num)d Dateien"\n', 'msgstr[1] "%(num)d Dateien"\nmsgstr[2] "x"\n'
    )
    path = write_catalog(Path(project["TRANSLATIONS_ROOT"]), "de", body)
    result = runner.invoke(args=["translate", "check", "--locale", "de"])
    assert result.exit_code == 1
    assert f"{path}:15: syntax error: msg has more translations than num_plurals" in result.output


def test_plural_forms_may_leave_out_the_number(runner, project):
    arabic = (
        'msgid "%(num)d file"\nmsgid_plural "%(num)d files"\n'
        'msgstr[0] "لا ملفات"\nmsgstr[1] "ملف واحد"\nmsgstr[2] "ملفان"\n'
        'msgstr[3] "%(num)d ملفات"\nmsgstr[4] "%(num)d ملفًا"\nmsgstr[5] "%(num)d ملف"\n'
    )
    plural = (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
        ": n%100>=11 ? 4 : 5);"
    )
    write_catalog(Path(project["TRANSLATIONS_ROOT"]), "ar", arabic, plural)
    result = runner.invoke(args=["translate", "compile", "--locale", "ar"])
    assert result.exit_code == 0, result.output


def test_check_reports_a_syntax_error_with_its_line(runner, project):
    path = po_file(project)
    path.write_text(path.read_text() + '\nmsgid "Broken\nmsgstr "x"\n', encoding="utf-8")
    result = runner.invoke(args=["translate", "check", "--locale", "de"])
    assert result.exit_code == 1
    assert f"{path}:30: syntax error: not a keyword and a quoted string" in result.output
    result = runner.invoke(args=["translate", "compile", "--locale", "de"])
    assert result.exit_code == 1
    assert not path.with_suffix(".mo").exists()


def test_compile_refuses_a_broken_catalog_and_keeps_the_previous_mo(runner, project):
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    assert "Compiling" in result.output
    assert "1 of 1 catalog(s) compiled" in result.output
    mo = po_file(project).with_suffix(".mo")
    before = mo.read_bytes()
    assert mo.stat().st_mode & 0o044 == 0o044  # readable by the web server's user

    write_catalog(
        Path(project["TRANSLATIONS_ROOT"]), "de", GERMAN.replace('"Hallo %(name)s"', '"Hallo"')
    )
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 1
    assert "drops placeholder %(name)s" in result.output
    assert f"Not compiled, previous .mo kept: {po_file(project)}" in result.output
    assert mo.read_bytes() == before


def test_check_fails_when_a_mo_is_older_than_its_po(runner, project):
    assert runner.invoke(args=["translate", "compile"]).exit_code == 0
    path = po_file(project)
    path.write_text(path.read_text().replace('msgstr ""\n', 'msgstr "Tschüss"\n'))
    result = runner.invoke(args=["translate", "check", "--locale", "de"])
    assert result.exit_code == 1
    assert "messages.mo: not compiled from its .po; run flask translate compile" in result.output
    assert runner.invoke(args=["translate", "compile"]).exit_code == 0
    assert runner.invoke(args=["translate", "check", "--locale", "de"]).exit_code == 0


@pytest.mark.parametrize(("tag", "folder"), [("pt-BR", "pt_BR"), ("zh_hant", "zh_Hant")])
def test_init_takes_bcp47_tags(runner, project, tag, folder):
    result = runner.invoke(args=["translate", "init", tag])
    assert result.exit_code == 0, result.output
    path = po_file(project, folder)
    assert f"Created {path}" in result.output
    text = path.read_text()
    assert f'"Language: {folder}\\n"' in text
    assert 'msgid "%(num)d file"' in text


@pytest.mark.parametrize("tag", ["xx-Bogus", "pt BR", ""])
def test_init_of_an_unknown_locale_is_one_sentence(runner, tag):
    result = runner.invoke(args=["translate", "init", tag])
    assert result.exit_code == 1
    assert result.output == f"Error: {tag!r} is not a known locale (try a tag like pt-BR).\n"


def test_init_refuses_an_existing_catalog(runner, project):
    result = runner.invoke(args=["translate", "init", "de"])
    assert result.exit_code == 1
    assert "already exists; run flask translate update instead" in result.output


def test_update_merges_the_template_and_fills_the_source_catalog(runner, project):
    assert runner.invoke(args=["translate", "init", "en"]).exit_code == 0
    result = runner.invoke(args=["translate", "update", "--no-extract"])
    assert result.exit_code == 0, result.output
    assert "de/LC_MESSAGES/messages.po: 1 new" in result.output
    report = status_json(runner)
    by_locale = {entry["locale"]: entry["strings"] for entry in report["locales"]}
    assert by_locale["en"]["translated"] == by_locale["en"]["total"] == 6
    assert by_locale["de"]["untranslated_ids"] == ["Goodbye", "Only in the template"]
    assert 'msgstr "Only in the template"' in po_file(project, "en").read_text()


def test_filling_the_source_catalog_leaves_later_catalogs_untranslated(make_app, tmp_path):
    """Catalogs merged after `en` (alphabetically) must not inherit its filled-in ids."""
    project = make_project(tmp_path, locales=("en", "de", "fr"))
    root = Path(project["TRANSLATIONS_ROOT"])
    write_catalog(
        root, "fr", 'msgid "Goodbye"\nmsgstr "Au revoir"\n', "nplurals=2; plural=(n > 1);"
    )
    write_catalog(root, "en", 'msgid "Goodbye"\nmsgstr "Goodbye"\n', "nplurals=2; plural=(n != 1);")
    runner = make_app(**project).test_cli_runner()
    assert runner.invoke(args=["translate", "update", "--no-extract"]).exit_code == 0
    report = status_json(runner, "--locale", "fr")
    assert report["locales"][0]["strings"]["translated"] == 1  # only "Goodbye"
    assert 'msgstr "Only in the template"' not in po_file(project, "fr").read_text()


def test_update_of_a_missing_catalog_says_what_to_do(runner):
    result = runner.invoke(args=["translate", "update", "--locale", "fr", "--no-extract"])
    assert result.exit_code == 1
    assert "There is no catalog" in result.output and "run flask translate init" in result.output


def test_catalog_helpers_see_the_fixture(app):
    with app.app_context():
        assert catalogs.names() == ["de"]


def test_status_names_a_catalog_it_cannot_read(runner, project):
    path = po_file(project)
    path.write_text(path.read_text() + 'msgstr "dangling\n', encoding="utf-8")
    report = status_json(runner, "--locale", "de")
    [german] = report["locales"]
    assert german["error"] == f"{path}:29: syntax error: not a keyword and a quoted string"
    assert german["strings"]["translated"] == 0
    assert german["strings"]["untranslated"] == 6
    result = runner.invoke(args=["translate", "status"])
    assert result.exit_code == 0
    assert f"  error: {path}:29: syntax error" in result.output


@pytest.fixture
def sources(tmp_path, monkeypatch) -> Path:
    """A tiny project to extract from, in place of the repository."""
    root = tmp_path / "src"
    (root / "site" / "templates").mkdir(parents=True)
    (root / "babel.cfg").write_text(
        (Path(catalogs.__file__).parents[2] / "babel.cfg").read_text(), encoding="utf-8"
    )
    (root / "site" / "views.py").write_text(
        "from flask_babel import gettext as _\nfrom flask_babel import lazy_gettext as _l\n"
        'LABEL = _l("Lazy label")\n\ndef view():\n    return _("Hello %(name)s", name="x")\n'
    )
    (root / "site" / "templates" / "page.html").write_text('<p>{{ _("In a template") }}</p>\n')
    monkeypatch.setattr(catalogs, "PROJECT_ROOT", root)
    return root


def test_extract_writes_the_template_once(runner, project, sources):
    result = runner.invoke(args=["translate", "extract"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(": 3 messages\n")
    pot = (Path(project["TRANSLATIONS_ROOT"]) / "messages.pot").read_text()
    assert '#: site/views.py:3\nmsgid "Lazy label"' in pot
    assert '#: site/views.py:6\n#, python-format\nmsgid "Hello %(name)s"' in pot
    assert '#: site/templates/page.html:1\nmsgid "In a template"' in pot
    result = runner.invoke(args=["translate", "extract"])
    assert result.output.endswith(": 3 messages, unchanged.\n")


def test_extract_names_a_template_it_cannot_parse(runner, sources):
    (sources / "site" / "templates" / "broken.html").write_text('{% if x %}\n{{ _("Hi") }}\n')
    for command in ("extract", "check"):
        result = runner.invoke(args=["translate", command])
        assert result.exit_code == 1
        assert "site/templates/broken.html:2: cannot extract: Unexpected end" in result.output
