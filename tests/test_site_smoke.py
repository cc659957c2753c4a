"""The shipped site: every page of every locale renders, with its language and direction."""

from __future__ import annotations

import re

import pytest

from atrium.config import PROJECT_ROOT

PAGES = PROJECT_ROOT / "pages"
FILES = sorted(p.relative_to(PAGES) for p in PAGES.rglob("*.md"))


@pytest.fixture(scope="module")
def client():
    from atrium import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client()


def _url(relative) -> str:
    locale, *rest = relative.with_suffix("").parts
    path = "/".join(rest)
    if path == "index":
        return f"/{locale}/"
    if path.endswith("/index"):
        return f"/{locale}/{path[: -len('index')]}"
    return f"/{locale}/{path}"


@pytest.mark.parametrize("relative", FILES, ids=str)
def test_every_shipped_page_renders(client, relative):
    response = client.get(_url(relative))
    assert response.status_code == 200
    locale = relative.parts[0]
    assert f'<html lang="{locale}" dir="{"rtl" if locale == "ar" else "ltr"}">' in response.text
    assert "not yet available" not in response.text


def test_shipped_site_has_the_required_locales_and_sections():
    locales = {p.name for p in PAGES.iterdir() if p.is_dir()}
    assert {"en", "de", "fr", "es", "ar", "pt-BR", "zh-Hant"} <= locales
    for name in ("index", "about", "pricing", "contact-info", "legal"):
        assert (PAGES / "en" / f"{name}.md").exists()
    docs = {p.stem for p in (PAGES / "en" / "docs").glob("*.md")}
    assert {"index", "install", "configure", "translate", "administer", "api"} <= docs


def test_missing_translations_fall_back_in_the_shipped_site(client):
    text = client.get("/zh-Hant/legal").text
    assert "此頁面尚未提供" in text  # "not yet available", in Traditional Chinese
    assert '<link rel="canonical" href="http://localhost/en/legal">' in text
    docs = client.get("/ar/docs/install").text
    sidebar = re.search(r'<nav class="sidebar".*?</nav>', docs, re.S).group(0)
    assert len(re.findall(r"<li>", sidebar)) == 6  # every docs page, translated or not
