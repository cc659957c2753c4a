"""Markdown pages per locale: headers, sections, fallback, alternates, caching, edits."""

from __future__ import annotations

import re
import time

import pytest
from pagetree import SITE
from pagetree import edit
from pagetree import write_tree

from atrium.content import pages as page_index


@pytest.fixture
def app(make_app, page_tree):
    return make_app(PAGES_ROOT=str(page_tree))


def test_page_is_served_with_title_from_header(client):
    response = client.get("/en/about")
    assert response.status_code == 200
    assert "<title>About us · Atrium</title>" in response.text
    assert "<h1>About us</h1>" in response.text
    assert "We are a team." in response.text
    assert response.headers["Content-Language"] == "en"


def test_title_comes_from_first_heading_without_header(client):
    assert "<title>Legal notice · Atrium</title>" in client.get("/en/legal").text


def test_only_a_fenced_header_is_metadata(make_app, tmp_path):
    root = write_tree(tmp_path, {"en/note.md": "Note: read this\n\n# Notes\n\nBody.\n"})
    text = make_app(PAGES_ROOT=str(root)).test_client().get("/en/note").text
    assert "Note: read this" in text
    assert "<title>Notes · Atrium</title>" in text


def test_index_files_are_section_homes(client):
    assert "Willkommen" in client.get("/de/").text
    assert "Lesen." in client.get("/de/docs/").text
    response = client.get("/de/docs")
    assert response.status_code == 308
    assert response.headers["Location"] == "/de/docs/"
    assert client.get("/de/index").headers["Location"] == "/de/"


def test_drafts_are_not_served(make_app, tmp_path):
    root = write_tree(
        tmp_path, {**SITE, "en/secret.md": "---\ntitle: Soon\ndraft: true\nnav: true\n---\nHi\n"}
    )
    client = make_app(PAGES_ROOT=str(root)).test_client()
    assert client.get("/en/secret").status_code == 404
    assert "Soon" not in client.get("/en/").text
    assert "/en/secret" not in client.get("/sitemap.xml").text


def test_folder_names_in_any_case_use_canonical_urls(make_app, tmp_path):
    root = write_tree(
        tmp_path,
        {"en/index.md": "# Home\n", "pt-br/index.md": "# Início\n", "zh_hant/a.md": "# 甲\n"},
    )
    client = make_app(PAGES_ROOT=str(root)).test_client()
    assert "Início" in client.get("/pt-BR/").text
    assert client.get("/zh-Hant/a").status_code == 200
    assert 'lang="pt-BR"' in client.get("/pt-BR/").text


def test_missing_translation_shows_notice_source_lang_and_canonical(client):
    response = client.get("/de/pricing")
    assert response.status_code == 200
    assert '<html lang="de"' in response.text
    assert "Diese Seite ist noch nicht auf Deutsch verfügbar." in response.text
    assert "Sie lesen das Original auf Englisch." in response.text
    assert re.search(r'<article class="page" lang="en"', response.text)
    assert '<link rel="canonical" href="http://localhost/en/pricing">' in response.text
    assert "Cheap." in response.text


def test_translated_page_has_no_notice_and_is_its_own_canonical(client):
    text = client.get("/de/about").text
    assert "not yet available" not in text
    assert '<link rel="canonical" href="http://localhost/de/about">' in text


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/de/nothing", "Seite nicht gefunden"),
        ("/xx/about", "Page not found"),
        ("/en/../../etc/passwd", "Page not found"),
        ("/en/%2e%2e/secret", "Page not found"),
        ("/en/.hidden", "Page not found"),
    ],
)
def test_missing_pages_and_bad_paths_are_localized_404s(client, path, title):
    response = client.get(path)
    assert response.status_code == 404
    assert f"<h1>{title}</h1>" in response.text


def test_404_page_speaks_the_url_language(client):
    response = client.get("/de/nothing")
    assert '<html lang="de"' in response.text
    assert 'href="/de/about"' in response.text  # German navigation


def test_symlink_out_of_pages_folder_is_not_served(make_app, tmp_path):
    root = write_tree(tmp_path)
    (tmp_path / "outside.md").write_text("# Secret outside\n")
    (root / "en" / "leak.md").symlink_to(tmp_path / "outside.md")
    client = make_app(PAGES_ROOT=str(root)).test_client()
    assert client.get("/en/leak").status_code == 404


def test_reserved_paths_belong_to_the_views(make_app, tmp_path):
    root = write_tree(tmp_path, {**SITE, "en/news.md": "# Page that must not win\n"})
    response = make_app(PAGES_ROOT=str(root)).test_client().get("/en/news")
    assert response.status_code == 200
    assert "Page that must not win" not in response.text


def test_hreflang_alternates_and_sitemap_agree(client):
    page = client.get("/en/about").text
    links = set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page))
    assert links == {
        ("en", "http://localhost/en/about"),
        ("de", "http://localhost/de/about"),
        ("x-default", "http://localhost/en/about"),
    }
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    entry = re.search(r"<url>\s*<loc>http://localhost/de/about</loc>.*?</url>", sitemap.text, re.S)
    assert entry
    in_sitemap = set(re.findall(r'hreflang="([^"]+)" href="([^"]+)"', entry.group(0)))
    assert in_sitemap == links
    # A fallback is not a translation: neither an alternate nor a sitemap entry.
    assert "http://localhost/de/pricing" not in sitemap.text
    assert '<link rel="alternate" hreflang="de"' not in client.get("/en/pricing").text


def test_robots_txt_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    assert "Sitemap: http://localhost/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text


def test_right_to_left_locale(client):
    text = client.get("/ar/").text
    assert '<html lang="ar" dir="rtl">' in text
    assert '<article class="page" lang="ar" dir="rtl">' in text
    fallback = client.get("/ar/about").text
    assert '<html lang="ar" dir="rtl">' in fallback
    assert '<article class="page" lang="en" dir="ltr">' in fallback


def test_navigation_and_sidebar_follow_headers_order(client):
    text = client.get("/en/docs/install").text
    nav = re.search(r'<nav class="main-nav".*?</nav>', text, re.S).group(0)
    assert re.findall(r'href="(/en/[^"]*)"', nav)[:3] == ["/en/pricing", "/en/about", "/en/docs/"]
    sidebar = re.search(r'<nav class="sidebar".*?</nav>', text, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', sidebar) == [
        "/en/docs/",
        "/en/docs/install",
        "/en/docs/configure",
    ]
    assert 'aria-current="page">Install<' in sidebar


def test_folder_without_index_still_gets_a_sidebar(make_app, tmp_path):
    root = write_tree(
        tmp_path,
        {
            "en/guides/b.md": "---\ntitle: Second\norder: 2\n---\nB\n",
            "en/guides/a.md": "---\ntitle: First\norder: 1\n---\nA\n",
        },
    )
    text = make_app(PAGES_ROOT=str(root)).test_client().get("/en/guides/b").text
    sidebar = re.search(r'<nav class="sidebar".*?</nav>', text, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', sidebar) == ["/en/guides/a", "/en/guides/b"]


def test_translated_navigation_falls_back_per_page(client):
    nav = re.search(r'<nav class="main-nav".*?</nav>', client.get("/de/").text, re.S).group(0)
    assert ">Über uns<" in nav
    assert ">Pricing<" in nav  # no German pricing page: the source's title


def test_table_of_contents_and_highlighted_code(client):
    text = client.get("/en/docs/install").text
    toc = re.search(r'<nav class="toc".*?</nav>', text, re.S).group(0)
    assert 'href="#requirements"' in toc and 'href="#steps"' in toc
    assert '<div class="highlight">' in text
    assert "/static/css/pygments.css" in text
    with client.get("/static/css/pygments.css") as css:
        assert css.status_code == 200
        assert ".highlight" in css.text


def test_page_date_is_formatted_for_the_locale(make_app, tmp_path):
    root = write_tree(
        tmp_path,
        {
            "en/a.md": "---\ndate: 2026-11-01\n---\n# A\n",
            "de/a.md": "---\ndate: 2026-11-01\n---\n# A\n",
        },
    )
    client = make_app(PAGES_ROOT=str(root)).test_client()
    assert "November 1, 2026" in client.get("/en/a").text
    assert "1. November 2026" in client.get("/de/a").text


def test_conditional_get_answers_304(client):
    first = client.get("/en/about")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Last-Modified"]
    assert "must-revalidate" in first.headers["Cache-Control"]
    assert "Set-Cookie" not in first.headers  # shareable by a caching proxy
    again = client.get("/en/about", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    # RFC 9110 15.4.5: the validator and caching headers again, no representation headers
    # (a cache would otherwise store a Content-Length of 0 over the page's).
    assert again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    for entity in ("Content-Type", "Content-Length", "Content-Language", "Last-Modified"):
        assert entity not in again.headers, entity
    assert again.headers["X-Content-Type-Options"] == "nosniff"  # every hook still ran
    since = client.get("/en/about", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert client.get("/de/about", headers={"If-None-Match": etag}).status_code == 200


def test_304_drops_a_representation_header_added_by_a_hook(app, client):
    @app.after_request
    def label(response):
        response.headers["Content-Language"] = "en"
        return response

    etag = client.get("/en/about").headers["ETag"]
    again = client.get("/en/about", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert "Content-Language" not in again.headers
    assert again.headers["ETag"] == etag


def test_head_request_has_headers_without_body(client):
    response = client.head("/en/about")
    assert response.status_code == 200
    assert response.headers["ETag"] and response.data == b""


def test_edited_page_shows_up_without_restart(client, page_tree):
    first = client.get("/en/about")
    assert "We are a team." in first.text
    edit(
        page_tree / "en" / "about.md",
        "---\ntitle: About us\nnav: true\n---\n# About us\n\nNew text.\n",
    )
    time.sleep(1.1)
    second = client.get("/en/about", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert "New text." in second.text
    assert second.headers["ETag"] != first.headers["ETag"]


def test_edited_title_shows_in_other_pages_sidebar(client, page_tree):
    assert ">Configure<" in client.get("/en/docs/install").text
    edit(
        page_tree / "en" / "docs" / "configure.md", "---\ntitle: Set up\norder: 2\n---\n# Set up\n"
    )
    time.sleep(1.1)
    assert ">Set up<" in client.get("/en/docs/install").text


def test_new_and_removed_pages_show_up_without_restart(client, page_tree):
    assert client.get("/en/new").status_code == 404
    (page_tree / "en" / "new.md").write_text("---\ntitle: Fresh\nnav: true\n---\nBrand new.\n")
    (page_tree / "en" / "legal.md").unlink()
    time.sleep(1.1)
    assert "Brand new." in client.get("/en/new").text
    assert ">Fresh<" in client.get("/en/about").text  # navigation too
    assert client.get("/en/legal").status_code == 404


@pytest.mark.parametrize(
    "broken",
    [
        "---\ntitle: [unclosed\n---\n# Broken\n",
        "---\n- a list\n---\n# Broken\n",
        "---\ntitle: never closed\n# Broken\n",
        b"# Bad bytes \xff\xfe\n",
    ],
)
def test_broken_page_is_logged_never_a_500(make_app, tmp_path, caplog, broken):
    root = write_tree(tmp_path, {**SITE, "en/broken.md": broken, "de/about.md": broken})
    client = make_app(PAGES_ROOT=str(root)).test_client()
    response = client.get("/en/broken")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "cannot be served" in caplog.text
    # A broken translation falls back to the source, with the notice.
    fallback = client.get("/de/about")
    assert fallback.status_code == 200
    assert "We are a team." in fallback.text


def test_two_apps_in_one_process_serve_their_own_pages(make_app, tmp_path):
    one = write_tree(tmp_path / "one", {"en/index.md": "# First site\n"})
    two = write_tree(tmp_path / "two", {"en/index.md": "# Second site\n"})
    first = make_app(PAGES_ROOT=str(one)).test_client()
    second = make_app(PAGES_ROOT=str(two)).test_client()
    assert "First site" in first.get("/en/").text
    assert "Second site" in second.get("/en/").text
    assert "First site" in first.get("/en/").text


def test_page_contract_for_other_areas(app):
    with app.app_context():
        home = page_index.get_page("en", "index")
        assert home.path == "" and home.title == "Home"
        assert page_index.get_page("en", "/docs/").path == "docs"
        assert page_index.get_page("de", "pricing") is None
        page, served = page_index.find_page("de", "pricing")
        assert (page.locale, served) == ("en", "en")
        assert page_index.page_locales("about") == ["en", "de"]
        paths = [p.path for p in page_index.all_pages("en")]
        assert paths == sorted(paths) and "docs/install" in paths
        install = page_index.get_page("en", "docs/install")
        assert install.meta["order"] == 1
        assert "Python." in install.html and "## Steps" in install.body
        assert install.updated.tzinfo is not None


def test_unknown_template_falls_back_to_the_page_template(make_app, tmp_path):
    root = write_tree(tmp_path, {"en/a.md": "---\ntemplate: fancy\n---\n# Still shown\n"})
    response = make_app(PAGES_ROOT=str(root)).test_client().get("/en/a")
    assert response.status_code == 200
    assert "Still shown" in response.text


def test_translation_of_header_is_accepted(make_app, tmp_path):
    root = write_tree(
        tmp_path, {"en/a.md": "# A\n", "de/a.md": "---\ntranslation_of: abc123\n---\n# A de\n"}
    )
    app = make_app(PAGES_ROOT=str(root))
    assert "A de" in app.test_client().get("/de/a").text
    result = app.test_cli_runner().invoke(args=["pages", "check"])
    assert result.exit_code == 0, result.output


def test_locale_without_catalog_uses_source_strings(make_app, tmp_path):
    root = write_tree(tmp_path, {"en/index.md": "# Home\n", "it/index.md": "# Casa\n"})
    text = make_app(PAGES_ROOT=str(root)).test_client().get("/it/").text
    assert '<html lang="it"' in text and "Casa" in text
    assert "Skip to content" in text  # no Italian catalog: the source strings
