"""The translation dashboard in the admin: who sees it, and that it shows what the CLI says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from admin_helpers import PASSWORD
from admin_helpers import Staff
from admin_helpers import token_of
from flask import Flask
from translate_fixtures import make_project

URL = "/admin/translations/"


@pytest.fixture
def project(tmp_path) -> dict[str, str]:
    project = make_project(tmp_path)
    german = Path(project["PAGES_ROOT"]) / "de" / "index.md"
    german.write_text("# Startseite\n", encoding="utf-8")  # stale: never marked
    return project


@pytest.fixture
def app(make_app, project) -> Flask:
    app = make_app(**project)
    return app


def test_anonymous_visitors_are_sent_to_the_login_page(make_app, project):
    app = make_app(**project)
    response = app.test_client().get(URL + "?locale=de")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
    assert "next=/admin/translations/?locale%3Dde" in response.headers["Location"]


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_other_roles_are_refused(staff, role):
    client = staff.login(role=role)
    for url in (URL, URL + "de.po", URL + "messages.pot"):
        assert client.get(url).status_code == 403, url


def test_an_inactive_admin_is_not_let_in(app, staff):
    email = staff.email_of(staff.create("admin", active=False))
    client = app.test_client()
    page = client.get("/admin/login")
    client.post(
        "/admin/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token_of(page.text)},
    )
    # Not logged in at all: it goes where anonymous visitors go.
    assert client.get(URL).status_code == 302


def figures(html: str, locale: str) -> dict[str, str]:
    row = re.search(rf'<tr data-locale="{locale}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {locale}"
    return dict(re.findall(r'class="([a-z-]+)">([^<]*)<', row.group(1)))


@pytest.mark.parametrize("role", ["translator", "admin"])
def test_dashboard_shows_what_flask_translate_status_says(staff, runner, role):
    client = staff.login(role=role)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.text

    result = runner.invoke(args=["translate", "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [entry["locale"] for entry in report["locales"]] == ["en", "de"]
    for entry in report["locales"]:
        strings, pages = entry["strings"], entry["pages"]
        assert figures(html, entry["locale"]) == {
            "strings-translated": str(strings["translated"]),
            "strings-total": str(strings["total"]),
            "strings-percent": str(strings["percent"]),
            "strings-fuzzy": str(strings["fuzzy"]),
            "strings-untranslated": str(strings["untranslated"]),
            "pages-translated": str(pages["translated"]),
            "pages-total": str(pages["total"]),
            "pages-percent": str(pages["percent"]),
            "pages-missing": str(len(pages["missing"])),
            "pages-stale": str(len(pages["stale"])),
        }
    german = report["locales"][1]
    assert german["pages"]["missing"] == ["docs/api"]
    assert german["pages"]["stale"] == ["index"]
    # Links to the source page and to the translation on the site.
    assert '<a href="/en/docs/api">' in html and '<a href="/de/docs/api">' in html
    assert '<a href="/en/">' in html and '<a href="/de/">' in html
    for msgid in german["strings"]["untranslated_ids"] + german["strings"]["fuzzy_ids"]:
        assert f"<code>{msgid}</code>" in html
    assert "2 untranslated strings" in html and "1 fuzzy string" in html


@pytest.fixture
def shipped(make_app):
    """An app on the repository's own pages and catalogs."""
    app = make_app()
    return app


def test_dashboard_speaks_the_staff_members_language(shipped):
    client = Staff(shipped).login(role="translator")
    client.set_cookie("locale", "de")
    html = client.get(URL, headers={"Accept-Language": "de"}).text
    assert "<h1>Übersetzungen</h1>" in html
    assert "Fehlend" in html and "6 fehlende Seiten" in html and "1 fehlende Seite<" in html


def test_dashboard_in_traditional_chinese(shipped):
    client = Staff(shipped).login(role="translator")
    html = client.get(URL, headers={"Accept-Language": "zh-Hant"}).text
    assert "<h1>翻譯</h1>" in html and "首頁" in html  # "Translations", "Home"
    # (Flask-Admin's own zh_Hant_TW strings: tests/test_admin_records.py)


def test_downloads(staff, project):
    client = staff.login(role="translator")
    response = client.get(URL + "messages.pot")
    assert response.status_code == 200
    assert response.mimetype == "text/x-gettext-translation"
    assert "filename=messages.pot" in response.headers["Content-Disposition"]
    assert 'msgid "Only in the template"' in response.text

    response = client.get(URL + "de.po")
    assert response.status_code == 200
    assert "filename=de.po" in response.headers["Content-Disposition"]
    assert (
        response.data
        == (Path(project["TRANSLATIONS_ROOT"]) / "de" / "LC_MESSAGES" / "messages.po").read_bytes()
    )
    assert client.get(URL + "fr.po").status_code == 404
    assert client.get(URL + "not-a-locale!.po").status_code == 404


def test_dashboard_shows_a_catalog_it_cannot_read(staff, project):
    path = Path(project["TRANSLATIONS_ROOT"]) / "de" / "LC_MESSAGES" / "messages.po"
    path.write_text(path.read_text() + 'msgstr "dangling\n', encoding="utf-8")
    client = staff.login(role="translator")
    response = client.get(URL)
    assert response.status_code == 200
    assert f"The catalog cannot be read: {path}:29: syntax error" in response.text
