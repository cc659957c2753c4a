"""Reading the API: envelopes, the query language, localization, validators, errors."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import factories
import pytest

from atrium.models.base import utcnow

from . import apihelp


def test_api_index_lists_versions(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert [v["version"] for v in response.json["data"]] == ["v1"]
    assert response.json["data"][0]["links"]["openapi"] == "/api/v1/openapi.json"


def test_unknown_version_is_a_problem_naming_the_versions(client):
    response = client.get("/api/v7/products")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json["versions"] == ["v1"]
    assert "v1" in response.json["detail"]


def test_list_has_envelope_link_header_and_pages(client, seeded):
    response = client.get("/api/v1/products?limit=2&sort=price")
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"data", "links", "meta"}
    assert [p["slug"] for p in body["data"]] == ["a5-notebook", "blue-mug"]
    assert body["meta"] == {"page": 1, "limit": 2, "count": 2}
    assert body["links"]["next"].startswith("/api/v1/products?limit=2&sort=price&cursor=")
    assert "prev" not in body["links"]
    assert f'<{body["links"]["next"]}>; rel="next"' in response.headers["Link"]
    second = client.get(body["links"]["next"]).json
    assert [p["slug"] for p in second["data"]] == ["watering-can", "fountain-pen"]
    assert second["meta"] == {"limit": 2, "count": 2}  # a cursor page has no number
    assert second["links"]["first"] == "/api/v1/products?limit=2&sort=price&page=1"
    by_number = client.get("/api/v1/products?limit=2&sort=price&page=2").json
    assert by_number["data"] == second["data"]
    assert by_number["links"]["prev"].endswith("page=1")
    last = client.get("/api/v1/products?limit=2&sort=price&page=3").json
    assert "next" not in last["links"]


def test_a_row_added_after_a_full_last_page_gives_it_a_next_link(client, db, seeded):
    url = "/api/v1/products?limit=3&sort=-price&page=2&fields=slug"
    before = client.get(url)
    assert len(before.json["data"]) == 3 and "next" not in before.json["links"]
    factories.product(slug="cheapest", sku="CHEAP", price=0)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "next" in after.json["links"]


def _walk(client, url: str, headers: dict | None = None) -> list:
    """Every item of a list, following its next links."""
    items = []
    while url:
        body = client.get(url, headers=headers).json
        items += body["data"]
        url = body["links"].get("next")
    return items


@pytest.mark.parametrize(
    "sort", ["price", "-price", "name", "-stock,name", "stock,-created_at", "-updated_at"]
)
def test_following_cursors_gives_every_item_once_in_order(client, db, seeded, sort):
    for n in range(7):  # ties on price and stock, so the id decides
        factories.product(
            slug=f"tie-{n}", sku=f"TIE-{n}", name=f"Tie {n % 3}", price=5, stock=n % 2
        )
    db.session.commit()
    walked = _walk(client, f"/api/v1/products?limit=3&sort={sort}&fields=slug")
    whole = client.get(f"/api/v1/products?limit=100&sort={sort}&fields=slug").json["data"]
    assert walked == whole and len(whole) == 13


def test_cursors_page_through_a_nullable_sort_key(client, db, seeded):
    """Drafts have no publication time: they sort last ascending, first descending, on
    SQLite and PostgreSQL alike."""
    for n in range(4):
        factories.post(slug=f"draft-{n}", title=f"Draft {n}", status="draft", published_at=None)
    db.session.commit()
    staff = apihelp.bearer(apihelp.token(db, "posts:write"))
    for sort in ("published_at", "-published_at"):
        url = f"/api/v1/posts?limit=2&sort={sort}&fields=slug"
        walked = [p["slug"] for p in _walk(client, url, staff)]
        whole = client.get(url.replace("limit=2", "limit=100"), headers=staff).json["data"]
        assert walked == [p["slug"] for p in whole]
        drafts = [slug for slug in walked if slug.startswith("draft-")]
        assert len(drafts) == 4
        assert (walked[-4:] if sort == "published_at" else walked[:4]) == drafts


def test_a_cursor_time_in_another_zone_means_the_same_moment(client, db, seeded):
    for n in range(4):
        factories.product(slug=f"p-{n}", sku=f"P-{n}", updated_at=utcnow() - timedelta(hours=n))
    db.session.commit()
    url = "/api/v1/products?limit=3&sort=-updated_at&fields=slug"
    token = client.get(url).json["links"]["next"].split("cursor=")[1]
    found = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    moment = datetime.fromisoformat(found["after"][0])
    found["after"][0] = moment.astimezone(timezone(timedelta(hours=2))).isoformat()
    shifted = base64.urlsafe_b64encode(json.dumps(found).encode()).decode().rstrip("=")
    original = client.get(f"{url}&cursor={token}").json["data"]
    assert client.get(f"{url}&cursor={shifted}").json["data"] == original


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("cursor=garbage", "not a cursor of this list"),
        ("cursor=e30", "not a cursor of this list"),  # {}
        ("cursor=W10", "not a cursor of this list"),  # []
        ("cursor=&page=2", "either page or cursor"),
        ("sort=-price&cursor={price}", "another sort order"),
        ("sort=price&cursor={bad_price}", "not a cursor of this list"),
    ],
)
def test_a_bad_cursor_is_a_400_naming_it(client, seeded, query, message):
    from atrium.api.v1 import cursor

    query = query.format(
        price=cursor.encode("price", ("12.50", 1)), bad_price=cursor.encode("price", ("cheap", 1))
    )
    response = client.get(f"/api/v1/products?{query}")
    assert response.status_code == 400
    assert response.json["errors"][0]["parameter"] == "cursor"
    assert message in response.json["detail"]


def _forged(sort: str, *after) -> str:
    text = json.dumps({"sort": sort, "after": list(after)})
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


BIG = 99999999999999999999999


@pytest.mark.parametrize(
    ("sort", "after"),
    [
        ("id", [BIG, BIG]),  # past 64 bits: OverflowError in the driver
        ("id", [2**31, 2**31]),  # past PostgreSQL's int4
        ("id", [1, -(2**31) - 1]),
        ("id", [True, 1]),
        ("id", [1, False]),
        ("id", [1, 1.5]),
        ("stock", [2**31, 1]),
        ("updated_at", ["0001-01-01T00:00:00+05:00", 1]),  # before year 1 in UTC
        ("updated_at", ["9999-12-31T23:00:00-05:00", 1]),  # after 9999 in UTC
        ("updated_at", ["2026-01-01T00:00:00", 1]),  # naive
        ("updated_at", [1, 1]),
        ("name", ["a\u0000b", 1]),  # PostgreSQL text cannot hold a NUL
        ("name", ["\ud800", 1]),  # an unpaired surrogate is no UTF-8
        ("name", [True, 1]),
        ("price", ["1e999999", 1]),  # finite, but past numeric(12, 2)
        ("price", ["10000000000.00", 1]),
        ("price", ["1e-999999", 1]),
        ("price", ["NaN", 1]),
        ("price", [12.5, 1]),
        ("price", [None, 1]),  # not nullable
    ],
)
def test_a_forged_cursor_value_is_the_bad_cursor_400(client, seeded, sort, after):
    response = client.get(f"/api/v1/products?sort={sort}&cursor={_forged(sort, *after)}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["parameter"] == "cursor"
    assert "not a cursor of this list" in response.json["detail"]


@pytest.mark.parametrize(
    ("sort", "after"),
    [
        ("id", [2**31 - 1, 2**31 - 1]),
        ("updated_at", ["9999-12-31T18:00:00-05:00", 1]),
        ("updated_at", ["0001-01-01T05:00:00+05:00", 1]),
        ("price", ["9999999999.99", 1]),
        ("price", ["-1e3", 1]),
    ],
)
def test_a_cursor_at_the_edge_of_its_columns_range_is_a_page(client, seeded, sort, after):
    response = client.get(f"/api/v1/products?sort={sort}&cursor={_forged(sort, *after)}")
    assert response.status_code == 200


def test_item_by_id_and_by_slug_alias_with_self_link(client, seeded):
    by_slug = client.get("/api/v1/products/blue-mug")
    assert by_slug.status_code == 200
    product_id = by_slug.json["id"]
    assert by_slug.json["links"]["self"] == f"/api/v1/products/{product_id}"
    by_id = client.get(f"/api/v1/products/{product_id}")
    assert by_id.json == by_slug.json
    assert (
        client.get("/api/v1/categories/kitchen")
        .json["links"]["self"]
        .startswith("/api/v1/categories/")
    )


def test_missing_item_is_a_problem(client, seeded):
    response = client.get("/api/v1/products/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "no-such-thing" in response.json["detail"]


def test_sparse_fields_with_nested_names(client, seeded):
    response = client.get("/api/v1/products/blue-mug?fields=id,price,category.slug")
    assert response.status_code == 200
    assert set(response.json) == {"id", "price", "category"}
    assert response.json["category"] == {"slug": "kitchen"}
    assert response.json["price"] == "12.50"


def test_search_filters_and_sort(client, seeded):
    def slugs(query):
        response = client.get(f"/api/v1/products?{query}&fields=slug")
        assert response.status_code == 200, response.json
        return [p["slug"] for p in response.json["data"]]

    assert slugs("q=MUG") == ["blue-mug"]
    assert slugs("q=Tasse") == ["blue-mug"]  # a translation's name matches too
    assert slugs("category=garden") == ["watering-can"]
    assert slugs("price[gte]=40&sort=-price") == ["desk-lamp", "cast-iron-teapot"]
    assert slugs("price[lt]=10") == ["a5-notebook"]
    assert slugs("stock=0") == ["fountain-pen"]
    assert slugs("sort=-stock,name&limit=2") == ["a5-notebook", "blue-mug"]
    assert slugs("q=100%25") == []  # LIKE wildcards are literal


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("colour=blue", "colour"),
        ("price[between]=1", "price[between]"),
        ("price[gte]=cheap", "price[gte]"),
        ("published=maybe", "published"),
        ("sort=-colour", "sort"),
        ("sort=", "sort"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("page=0", "page"),
        ("fields=id,colour", "fields"),
        ("fields=", "fields"),
        ("lang=xx-nope", "lang"),
        ("lang=ja", "lang"),
        ("limit=1&limit=2", "limit"),
        ("category[gt]=1", "category[gt]"),
    ],
)
def test_unknown_or_malformed_parameter_is_a_400_naming_it(client, seeded, query, parameter):
    response = client.get(f"/api/v1/products?{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["parameter"] == parameter
    assert parameter in response.json["detail"]


def test_item_refuses_list_parameters(client, seeded):
    response = client.get("/api/v1/products/blue-mug?limit=3")
    assert response.status_code == 400
    assert response.json["errors"][0]["parameter"] == "limit"


def test_lang_picks_translation_and_content_language_says_which(client, seeded):
    german = client.get("/api/v1/products/blue-mug?lang=de")
    assert german.json["name"] == "Blaue Tasse"
    assert german.json["category"]["name"] == "Küche"
    assert german.json["lang"] == "de"
    assert german.headers["Content-Language"] == "de"
    # The fountain pen has no German text: the source is served, and said to be.
    fallback = client.get("/api/v1/products/fountain-pen?lang=de&fields=name,lang")
    assert fallback.json == {"name": "Fountain pen", "lang": "en"}
    assert fallback.headers["Content-Language"] == "en"


def test_accept_language_is_followed_when_no_lang(client, seeded):
    response = client.get(
        "/api/v1/products/blue-mug?fields=name", headers={"Accept-Language": "fr-CH, en;q=0.5"}
    )
    assert response.json == {"name": "Tasse bleue"}
    assert response.headers["Content-Language"] == "fr"
    assert "Accept-Language" in response.headers["Vary"]


def test_list_content_language_names_every_translation_served(client, seeded):
    response = client.get("/api/v1/products?lang=pt-BR&fields=name")
    assert response.headers["Content-Language"] == "en, pt-BR"


def test_etag_is_per_representation(client, seeded):
    plain = client.get("/api/v1/products/blue-mug").headers["ETag"]
    sparse = client.get("/api/v1/products/blue-mug?fields=id").headers["ETag"]
    german = client.get("/api/v1/products/blue-mug?lang=de").headers["ETag"]
    assert len({plain, sparse, german}) == 3
    assert not plain.startswith("W/")
    assert client.get("/api/v1/products/blue-mug").headers["ETag"] == plain


@pytest.mark.parametrize(
    "url",
    ["/api/v1/products/blue-mug?lang=de", "/api/v1/products?fields=id,name", "/api/v1/locales"],
)
def test_if_none_match_answers_304_with_same_validators(client, seeded, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    # RFC 9110 15.4.5: ETag, Vary, Cache-Control again (Werkzeug drops Last-Modified).
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert again.headers["Vary"] == first.headers["Vary"]
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_if_modified_since_answers_304(client, seeded):
    first = client.get("/api/v1/products/blue-mug")
    assert first.headers["Last-Modified"]
    again = client.get(
        "/api/v1/products/blue-mug", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 304


def test_change_to_translation_changes_the_etag(client, db, seeded):
    before = client.get("/api/v1/products/blue-mug?lang=de").headers["ETag"]
    from atrium.models import ProductTranslation

    translation = db.session.scalars(
        db.select(ProductTranslation).where(ProductTranslation.name == "Blaue Tasse")
    ).one()
    translation.name = "Blauer Becher"
    db.session.commit()
    response = client.get("/api/v1/products/blue-mug?lang=de", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.json["name"] == "Blauer Becher"


def test_a_category_renamed_in_one_language_changes_its_products_etags(client, db, seeded):
    from atrium.models import CategoryTranslation

    url = "/api/v1/products?lang=de&fields=slug,category"
    before = client.get(url)
    translation = db.session.scalars(
        db.select(CategoryTranslation).where(CategoryTranslation.name == "Küche")
    ).one()
    translation.name = "Küche und Essen"
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    names = {item["category"]["name"] for item in after.json["data"] if item["category"]}
    assert "Küche und Essen" in names
    item = "/api/v1/products/blue-mug?lang=de"
    assert client.get(item).json["category"]["name"] == "Küche und Essen"


def test_unpublished_products_are_hidden_without_token(client, db, seeded):
    factories.product(slug="secret-prototype", published=False)
    db.session.commit()
    assert client.get("/api/v1/products/secret-prototype").status_code == 404
    slugs = [p["slug"] for p in client.get("/api/v1/products?limit=100").json["data"]]
    assert "secret-prototype" not in slugs
    secret = apihelp.token(db, "products:write")
    staff = client.get("/api/v1/products/secret-prototype", headers=apihelp.bearer(secret))
    assert staff.status_code == 200
    assert "private" in staff.headers["Cache-Control"]


def test_posts_follow_language_with_fallback_to_source(client, seeded):
    german = client.get("/api/v1/posts?lang=de&fields=slug,lang,title")
    assert german.json["data"] == [
        {"slug": "atrium-1-0", "lang": "de", "title": "Atrium 1.0 ist da"},
        {"slug": "new-office-lisbon", "lang": "en", "title": "A new office in Lisbon"},
    ]
    assert german.headers["Content-Language"] == "de, en"
    by_slug = client.get("/api/v1/posts/new-office-lisbon?lang=es")
    assert by_slug.json["lang"] == "es"
    assert {t["lang"] for t in by_slug.json["translations"]} == {"en", "pt-BR"}


def test_draft_posts_are_hidden_without_token(client, db, seeded):
    factories.post(slug="coming-soon", title="Soon")
    db.session.commit()
    assert client.get("/api/v1/posts/coming-soon").status_code == 404
    secret = apihelp.token(db, "posts:write")
    response = client.get("/api/v1/posts?status=draft", headers=apihelp.bearer(secret))
    assert [p["slug"] for p in response.json["data"]] == ["coming-soon"]


def test_inquiries_need_a_token_with_read_scope(client, db, seeded):
    assert client.get("/api/v1/inquiries").status_code == 401
    weak = apihelp.token(db, "products:write")
    assert client.get("/api/v1/inquiries", headers=apihelp.bearer(weak)).status_code == 403
    reader = apihelp.token(db, "inquiries:read")
    response = client.get("/api/v1/inquiries", headers=apihelp.bearer(reader))
    assert response.status_code == 200
    assert response.json["data"][0]["email"] == "ada@example.com"


def test_locales(client):
    response = client.get("/api/v1/locales?lang=de")
    tags = [item["tag"] for item in response.json["data"]]
    assert tags[0] == "en" and "zh-Hant" in tags
    arabic = client.get("/api/v1/locales/ar?lang=de").json
    assert arabic["name"] == "Arabisch" and arabic["rtl"] is True
    assert client.get("/api/v1/locales/pt-br").json["tag"] == "pt-BR"
    assert client.get("/api/v1/locales/xx").status_code == 404


def test_pages_metadata_html_and_locales(client):
    page = client.get("/api/v1/pages/docs/install?lang=fr")
    assert page.status_code == 200
    assert page.json["lang"] == "fr"
    assert page.headers["Content-Language"] == "fr"
    assert "<h" in page.json["html"]
    assert "en" in page.json["locales"] and "fr" in page.json["locales"]
    assert page.json["links"]["self"] == "/api/v1/pages/docs/install"
    again = client.get(
        "/api/v1/pages/docs/install?lang=fr", headers={"If-None-Match": page.headers["ETag"]}
    )
    assert again.status_code == 304


def test_page_missing_in_language_falls_back_to_source(client):
    page = client.get("/api/v1/pages/legal?lang=zh-Hant&fields=path,lang,locales")
    assert page.json["lang"] == "en"
    assert page.headers["Content-Language"] == "en"
    assert "zh-Hant" not in page.json["locales"]


def test_pages_list_and_missing_page(client):
    listing = client.get("/api/v1/pages?limit=3&fields=path,title")
    assert listing.json["meta"]["count"] == 3
    assert "next" in listing.json["links"]
    assert client.get("/api/v1/pages/no/such/page").status_code == 404
    home = client.get("/api/v1/pages/index?fields=path,links")
    assert home.json["path"] == ""


def test_deprecated_field_is_announced(client, seeded):
    response = client.get("/api/v1/products/blue-mug")
    assert response.json["category_slug"] == "kitchen"
    assert response.headers["Deprecation"].startswith("@")
    assert response.headers["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
    without = client.get("/api/v1/products/blue-mug?fields=id,category.slug")
    assert "Deprecation" not in without.headers


def test_deprecated_version_is_announced(make_app):
    app = make_app(API_DEPRECATED_VERSIONS={"v1": {"since": "2027-01-01", "sunset": "2027-12-31"}})
    client = app.test_client()
    response = client.get("/api/v1/locales")
    assert response.headers["Deprecation"] == "@1798761600"
    assert response.headers["Sunset"] == "Fri, 31 Dec 2027 00:00:00 GMT"
    assert client.get("/api/").json["data"][0]["status"] == "deprecated"


def test_wrong_method_is_405_problem_with_allow(client, seeded):
    response = client.delete("/api/v1/products")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]


@pytest.mark.parametrize("ref", ["%C2%B3", "99999999999999999999", "%E2%80%8B", "a" * 300])
def test_odd_references_are_404(client, seeded, ref):
    response = client.get(f"/api/v1/products/{ref}")
    assert response.status_code == 404
    assert response.json["title"] == "Not found"


def test_every_field_can_be_asked_for_alone(client, seeded):
    from atrium.api.v1.schemas import ProductSchema
    from atrium.api.v1.schemas import field_paths

    for lang in ("en", "de"):
        for name in field_paths(ProductSchema):
            url = f"/api/v1/products?fields={name}&lang={lang}&limit=3"
            response = client.get(url)
            assert response.status_code == 200, (name, response.json)
            top = name.split(".")[0]
            assert all(set(item) == {top} for item in response.json["data"]), name
            item = client.get(f"/api/v1/products/blue-mug?fields={name}&lang={lang}")
            assert set(item.json) == {top}, name
