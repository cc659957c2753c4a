"""News, products and search: public views of the database, per locale."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import factories
import pytest

from atrium.extensions import db
from atrium.models import ProductTranslation
from atrium.models.base import utcnow


@pytest.fixture
def app(make_app, page_tree):
    return make_app(PAGES_ROOT=str(page_tree))


def _post(**fields):
    fields.setdefault("status", "published")
    fields.setdefault("published_at", utcnow() - timedelta(days=1))
    return factories.post(**fields)


def test_news_lists_published_posts_of_the_locale(app, client):
    with app.app_context():
        _post(slug="launch", title="We launched", locale="en")
        _post(slug="start", title="Wir starten", locale="de")
        _post(slug="draft", title="Secret draft", locale="en", status="draft")
        _post(slug="later", title="Future post", published_at=utcnow() + timedelta(days=3))
        db.session.commit()
    response = client.get("/en/news")
    assert response.headers["Content-Language"] == "en"
    text = response.text
    assert "We launched" in text
    assert "Wir starten" not in text
    assert "Secret draft" not in text and "Future post" not in text
    assert "Wir starten" in client.get("/de/news").text


def test_news_is_paginated_newest_first(app, client):
    with app.app_context():
        for n in range(12):
            _post(
                slug=f"p{n}", title=f"Post number {n}", published_at=utcnow() - timedelta(hours=n)
            )
        db.session.commit()
    first = client.get("/en/news").text
    assert "Post number 0" in first and "Post number 9" in first
    assert "Post number 10" not in first
    assert 'href="/en/news?page=2"' in first
    second = client.get("/en/news?page=2").text
    assert "Post number 11" in second and "Post number 0" not in second
    assert client.get("/en/news?page=3").status_code == 404
    assert client.get("/en/news?page=abc").status_code == 404


def test_news_item_by_slug_with_sanitized_body_and_local_date(app, client):
    with app.app_context():
        _post(
            translation_group="g1",
            slug="hello",
            title="Hello",
            body="Some **bold** text <script>alert(1)</script> [x](javascript:alert(2))",
            published_at=utcnow().replace(year=2026, month=3, day=5),
        )
        _post(slug="hallo", title="Hallo", locale="de", translation_group="g1")
        db.session.commit()
    response = client.get("/en/news/hello")
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.text
    assert "<script>alert" not in response.text and "javascript:" not in response.text
    assert "March 5, 2026" in response.text
    assert '<link rel="alternate" hreflang="de" href="http://localhost/de/news/hallo">' in (
        response.text
    )
    assert "/language/de?next=/de/news/hallo" in response.text
    assert client.get("/de/news/hello").status_code == 404
    assert client.get("/en/news/missing").status_code == 404


def test_products_by_category_with_localized_names_and_prices(app, client):
    with app.app_context():
        mugs = factories.category(slug="mugs", name="Mugs")
        mug = factories.product(
            slug="blue-mug", name="Blue mug", category=mugs, price=Decimal("12.5")
        )
        mug.translations.append(
            ProductTranslation(locale="de", name="Blaue Tasse", description="Gut")
        )
        factories.product(slug="hidden", name="Unpublished thing", published=False)
        db.session.commit()
    english = client.get("/en/products").text
    assert "Mugs" in english and "Blue mug" in english and "€12.50" in english
    assert "Unpublished thing" not in english
    german = client.get("/de/products").text
    assert "Blaue Tasse" in german and "12,50\xa0€" in german
    detail = client.get("/de/products/blue-mug")
    assert detail.status_code == 200
    assert "<h1>Blaue Tasse</h1>" in detail.text
    assert client.get("/fr/products/blue-mug").status_code == 404  # no fr pages in this tree
    assert client.get("/en/products/hidden").status_code == 404
    assert client.get("/en/products?category=mugs").status_code == 200
    assert client.get("/en/products?category=nope").status_code == 404


def test_product_description_markdown_is_sanitized(app, client):
    with app.app_context():
        factories.product(slug="x", name="X", description="Nice <img src=x onerror=alert(1)>")
        db.session.commit()
    text = client.get("/en/products/x").text
    assert "onerror" not in text


def test_search_finds_pages_news_and_products_with_highlights(app, client):
    with app.app_context():
        _post(slug="team-news", title="Team news", body="Our team grows.")
        factories.product(slug="team-mug", name="Team mug", description="For the whole team.")
        db.session.commit()
    response = client.get("/en/search?q=team")
    assert response.status_code == 200
    text = response.text
    assert 'href="/en/about"' in text
    assert 'href="/en/news/team-news"' in text
    assert 'href="/en/products/team-mug"' in text
    assert "<mark>team</mark>" in text
    assert "3 results" in text


def test_search_escapes_and_handles_odd_queries(client):
    response = client.get("/en/search", query_string={"q": "<b>%_"})
    assert response.status_code == 200
    assert "<b>%_" not in response.text
    assert "0 results" in response.text
    assert client.get("/en/search", query_string={"q": "x" * 201}).status_code == 400
    assert client.get("/en/search").status_code == 200


def test_search_only_searches_the_locale(client):
    text = client.get("/de/search?q=team").text
    assert "0 Ergebnisse für „team“" in text


def test_sitemap_lists_published_news_and_products(app, client):
    with app.app_context():
        _post(slug="launch", title="Launch")
        _post(slug="hidden", title="Hidden", status="draft")
        factories.product(slug="blue-mug")
        db.session.commit()
    sitemap = client.get("/sitemap.xml").text
    assert "<loc>http://localhost/en/news/launch</loc>" in sitemap
    assert "/en/news/hidden" not in sitemap
    assert "<loc>http://localhost/de/products/blue-mug</loc>" in sitemap
    entry = re.search(
        r"<url>\s*<loc>http://localhost/de/products/blue-mug</loc>.*?</url>", sitemap, re.S
    ).group(0)
    assert 'hreflang="x-default" href="http://localhost/en/products/blue-mug"' in entry


@pytest.mark.parametrize("view", ["news", "products"])
def test_list_views_name_their_translations(client, view):
    text = client.get(f"/de/{view}?page=1" if view == "news" else f"/de/{view}").text
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', text))
    suffix = f"/{view}?page=1" if view == "news" else f"/{view}"
    assert links["en"] == f"http://localhost/en{suffix}"
    assert links["de"] == f"http://localhost/de{suffix}"
    assert links["x-default"] == links["en"]


def test_news_and_products_answer_304_until_they_change(app, client):
    with app.app_context():
        _post(slug="launch", title="We launched", locale="en")
        product = factories.product(slug="blue-mug", name="Blue mug")
        db.session.commit()
        product_id = product.id
    for path in ("/en/news", "/en/news/launch", "/en/products", "/en/products/blue-mug"):
        first = client.get(path)
        assert first.headers["ETag"] and "must-revalidate" in first.headers["Cache-Control"]
        again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, path
    etag = client.get("/en/products/blue-mug").headers["ETag"]
    with app.app_context():
        from atrium.models import Product

        db.session.get(Product, product_id).name = "Bright blue mug"
        db.session.commit()
    changed = client.get("/en/products/blue-mug", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Bright blue mug" in changed.text
