"""`/` sends visitors to their language: cookie › Accept-Language › default, with Vary."""

import pytest
from pagetree import write_tree

LOCALES = {
    f"{tag}/index.md": f"# Home {tag}\n" for tag in ("en", "de", "fr", "pt-br", "zh_hant", "ar")
}


@pytest.fixture
def client(make_app, tmp_path):
    return make_app(PAGES_ROOT=str(write_tree(tmp_path, LOCALES))).test_client()


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "/en/"),
        ("de", "/de/"),
        ("de-AT,de;q=0.9", "/de/"),
        ("fr;q=0.5, de;q=0.9", "/de/"),
        ("it, fr;q=0.8", "/fr/"),
        ("pt-PT", "/pt-BR/"),
        ("pt", "/pt-BR/"),
        ("zh-TW", "/zh-Hant/"),
        ("zh-HK", "/zh-Hant/"),
        ("zh-CN", "/en/"),
        ("ar-EG", "/ar/"),
        ("de;q=0, fr;q=0.1", "/fr/"),
        ("*", "/en/"),
        ("klingon!!, ;;;q=x", "/en/"),
        ("x" * 300, "/en/"),
    ],
)
def test_root_redirects_by_accept_language(client, accept_language, expected):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


@pytest.mark.parametrize(
    ("cookie", "expected"), [("fr", "/fr/"), ("pt-br", "/pt-BR/"), ("xx", "/de/"), ("", "/de/")]
)
def test_cookie_wins_over_accept_language(client, cookie, expected):
    client.set_cookie("locale", cookie)
    response = client.get("/", headers={"Accept-Language": "de"})
    assert response.headers["Location"] == expected


def test_language_switch_sets_cookie_and_keeps_page(make_app, tmp_path):
    client = make_app(PAGES_ROOT=str(write_tree(tmp_path))).test_client()
    page = client.get("/en/about")
    assert 'href="/language/de?next=/de/about"' in page.text
    response = client.get("/language/de?next=/de/about")
    assert response.status_code == 303
    assert response.headers["Location"] == "/de/about"
    assert "locale=de" in response.headers["Set-Cookie"]
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"] == "/de/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/de/", "/en/about"])
def test_language_switch_never_leaves_the_site(make_app, tmp_path, target):
    client = make_app(PAGES_ROOT=str(write_tree(tmp_path))).test_client()
    response = client.get("/language/de", query_string={"next": target})
    assert response.headers["Location"] == "/de/"


def test_language_switch_to_unknown_locale_is_404(make_app, tmp_path):
    client = make_app(PAGES_ROOT=str(write_tree(tmp_path))).test_client()
    assert client.get("/language/xx?next=/xx/").status_code == 404


def test_configured_locales_limit_the_folders(make_app, tmp_path):
    client = make_app(PAGES_ROOT=str(write_tree(tmp_path, LOCALES)), LOCALES="en,de").test_client()
    assert client.get("/fr/").status_code == 404
    assert client.get("/", headers={"Accept-Language": "fr"}).headers["Location"] == "/en/"
