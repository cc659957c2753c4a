"""The catalogs on the running site: fallbacks, a fresh compile, and the shipped catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from translate_fixtures import make_project
from translate_fixtures import write_catalog
from wtforms import StringField
from wtforms.validators import DataRequired

from atrium.translate import catalogs
from atrium.translate import status

SHIPPED = ["ar", "de", "en", "es", "fr", "pt_BR", "zh_Hant"]


def heading(html: str) -> str:
    """The error page's title (a string the catalogs translate)."""
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_site_shows_a_newly_compiled_string(make_app, tmp_path):
    project = make_project(tmp_path)
    app = make_app(**project)
    client, runner = app.test_client(), app.test_cli_runner()
    # The German "Page not found" is fuzzy: not compiled, so the source shows.
    assert runner.invoke(args=["translate", "compile"]).exit_code == 0
    assert heading(client.get("/de/no-such-page").text) == "Page not found"

    po = Path(project["TRANSLATIONS_ROOT"]) / "de" / "LC_MESSAGES" / "messages.po"
    po.write_text(
        po.read_text()
        .replace("#, fuzzy\n", "")
        .replace('"Seite nicht gefunden"', '"Diese Seite gibt es nicht"'),
        encoding="utf-8",
    )
    assert runner.invoke(args=["translate", "compile"]).exit_code == 0
    # Same process, same app: the new .mo is picked up without a restart.
    assert heading(client.get("/de/no-such-page").text) == "Diese Seite gibt es nicht"


@pytest.fixture
def fallback_app(make_app, tmp_path):
    project = make_project(tmp_path, locales=("en", "pt-BR", "zh-Hant", "fr"))
    root = Path(project["TRANSLATIONS_ROOT"])
    write_catalog(root, "pt", 'msgid "Page not found"\nmsgstr "Página não encontrada"\n')
    write_catalog(root, "pt_BR", 'msgid "Goodbye"\nmsgstr "Tchau"\n')
    write_catalog(
        root,
        "zh_Hant_TW",
        'msgid "Page not found"\nmsgstr "找不到頁面"\n',
        "nplurals=1; plural=0;",
    )
    app = make_app(**project)
    result = app.test_cli_runner().invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    return app


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("pt-BR", "Página não encontrada"),  # pt_BR lacks it: pt has it
        ("zh-Hant", "找不到頁面"),  # reaches a catalog named zh_Hant_TW
        ("fr", "Page not found"),  # no catalog at all: the source
    ],
)
def test_catalog_fallbacks(fallback_app, lang, expected):
    response = fallback_app.test_client().get(f"/{lang}/no-such-page")
    assert response.status_code == 404
    assert heading(response.text) == expected


def test_an_unreadable_mo_is_skipped(make_app, tmp_path):
    project = make_project(tmp_path)
    mo = Path(project["TRANSLATIONS_ROOT"]) / "de" / "LC_MESSAGES" / "messages.mo"
    mo.write_bytes(b"not a catalog")
    response = make_app(**project).test_client().get("/de/no-such-page")
    assert response.status_code == 404
    assert heading(response.text) == "Page not found"


class NameForm(FlaskForm):
    name = StringField(validators=[DataRequired()])


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh-Hant", "此欄位是必需的。"), ("pt-BR", "Campo obrigatório."), ("de", "Dieses Feld")],
)
def test_wtforms_messages_follow_the_fallbacks(app, lang, expected):
    with app.test_request_context("/", method="POST", data={}, headers={"Accept-Language": lang}):
        form = NameForm(meta={"csrf": False})
        assert not form.validate()
        assert form.name.errors[0].startswith(expected)


# -- the shipped catalogs -----------------------------------------------------------------


def test_every_shipped_locale_has_a_catalog(app):
    with app.app_context():
        assert catalogs.names() == SHIPPED


def test_committed_template_is_current(app):
    """messages.pot holds what a fresh extraction finds (header dates aside)."""
    with app.app_context():
        committed = catalogs.template_path().read_bytes()
        assert catalogs.same_template(committed, catalogs.extract_template()), (
            "translations/messages.pot is out of date: run flask translate update"
        )


@pytest.mark.parametrize("name", SHIPPED)
def test_committed_mo_is_compiled_from_its_po(app, name):
    """Compiled content, not modification times: a git checkout resets those."""
    with app.app_context():
        assert catalogs.mo_is_current(name), (
            f"translations/{name}/LC_MESSAGES/messages.mo is older than its .po: "
            "run flask translate compile"
        )


def test_shipped_catalogs_are_clean_and_complete(app):
    with app.app_context():
        for name in SHIPPED:
            assert catalogs.check(catalogs.po_path(name)) == []
        report = status.report()
    for entry in report["locales"]:
        assert entry["strings"]["untranslated_ids"] == [], entry["locale"]
        assert entry["strings"]["fuzzy_ids"] == [], entry["locale"]
        assert entry["strings"]["percent"] == 100.0
