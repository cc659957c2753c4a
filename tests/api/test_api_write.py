"""Writing through the API: tokens and scopes, If-Match, bodies, validation, audit."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import factories
import pytest
from sqlalchemy import select

from atrium.models import ApiToken
from atrium.models import AuditEntry
from atrium.models import Product
from atrium.models import ProductTranslation
from atrium.models.base import utcnow

from . import apihelp

NEW = {"sku": "VASE-1", "slug": "tall-vase", "name": "Tall vase", "price": "30.00"}


@pytest.fixture
def writer(db, seeded):
    return apihelp.bearer(apihelp.token(db, "products:write", "categories:write", "posts:write"))


def etag_of(client, url, headers):
    return client.get(url, headers=headers).headers["ETag"]


def test_write_without_token_is_401_with_challenge(client, seeded):
    response = client.post("/api/v1/products", json=NEW)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="atrium"')


@pytest.mark.parametrize("header", ["Bearer nope", "Basic dXNlcjpwYXNz", "Bearer", "Bearer a b"])
def test_bad_token_is_401(client, seeded, header):
    response = client.post("/api/v1/products", json=NEW, headers={"Authorization": header})
    assert response.status_code == 401
    assert "error=" in response.headers["WWW-Authenticate"]
    # A bad token is refused on public reads too (RFC 6750).
    assert client.get("/api/v1/products", headers={"Authorization": header}).status_code == 401


def test_expired_and_revoked_tokens_are_401(client, db, seeded):
    expired = apihelp.token(db, "products:write", expires_at=utcnow() - timedelta(minutes=1))
    revoked = apihelp.token(db, "products:write", revoked_at=utcnow())
    for secret in (expired, revoked):
        response = client.post("/api/v1/products", json=NEW, headers=apihelp.bearer(secret))
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_token_of_inactive_owner_is_401(client, db, seeded):
    secret = apihelp.token(db, "products:write", active=False)
    response = client.post("/api/v1/products", json=NEW, headers=apihelp.bearer(secret))
    assert response.status_code == 401


def test_missing_scope_is_403(client, db, seeded):
    secret = apihelp.token(db, "posts:write")
    response = client.post("/api/v1/products", json=NEW, headers=apihelp.bearer(secret))
    assert response.status_code == 403
    assert response.json["scope"] == "products:write"
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_token_use_is_recorded_and_only_its_hash_is_stored(client, db, seeded):
    secret = apihelp.token(db, "products:write")
    client.get("/api/v1/products", headers=apihelp.bearer(secret))
    row = db.session.scalars(select(ApiToken)).one()
    db.session.refresh(row)
    assert row.last_used_at is not None
    assert row.token_hash != secret and secret not in json.dumps(row.scopes)


def test_session_cookie_never_authorises_a_write(make_app, db, seeded):
    app = make_app()
    client = app.test_client()
    user = factories.user(email="cookie@example.com", role="admin")
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    response = client.post("/api/v1/products", json=NEW)
    assert response.status_code == 401


def test_create_answers_201_with_location_and_etag(client, db, writer):
    response = client.post("/api/v1/products", json=NEW, headers=writer)
    assert response.status_code == 201, response.json
    assert response.headers["Location"] == f"http://localhost/api/v1/products/{response.json['id']}"
    assert response.headers["ETag"]
    assert response.json["slug"] == "tall-vase" and response.json["price"] == "30.00"
    assert client.get("/api/v1/products/tall-vase", headers=writer).status_code == 200


def test_create_without_csrf_token_is_not_refused_by_csrf(make_app, db, seeded):
    app = make_app(WTF_CSRF_ENABLED=True)
    secret = apihelp.token(db, "products:write")
    response = app.test_client().post("/api/v1/products", json=NEW, headers=apihelp.bearer(secret))
    assert response.status_code == 201


def test_validation_errors_list_each_field(client, writer):
    body = {"sku": "", "slug": "Not A Slug", "price": "-1", "colour": "red", "stock": "many"}
    response = client.post("/api/v1/products", json=body, headers=writer)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    fields = {e["field"] for e in response.json["errors"]}
    assert fields == {"sku", "slug", "price", "colour", "stock", "name"}
    messages = {e["field"]: e["message"] for e in response.json["errors"]}
    assert messages["name"] == "This field is required."
    assert messages["colour"] == "Unknown field."


def test_duplicate_slug_is_a_field_error(client, writer):
    response = client.post("/api/v1/products", json={**NEW, "slug": "blue-mug"}, headers=writer)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "slug", "message": "Already used by another record."}
    ]


def test_malformed_json_is_400(client, writer):
    response = client.post(
        "/api/v1/products", data='{"sku": ', headers={**writer, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["title"] == "Malformed JSON"
    assert "line 1" in response.json["detail"]


def test_json_that_is_not_an_object_is_400(client, writer):
    response = client.post("/api/v1/products", json=[1, 2], headers=writer)
    assert response.status_code == 400
    assert "object" in response.json["detail"]


def test_wrong_content_type_is_415(client, writer):
    response = client.post("/api/v1/products", data={"sku": "x"}, headers=writer)
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
    assert "application/json" in response.json["detail"]


def test_oversized_body_is_413(client, writer):
    big = json.dumps({**NEW, "description": "x" * (1024 * 1024 + 10)})
    response = client.post(
        "/api/v1/products", data=big, headers={**writer, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_a_token_does_no_more_than_its_owners_role_now_allows(client, db, seeded):
    secret = apihelp.token(db, "products:write", "inquiries:read")
    owner = db.session.scalars(select(ApiToken)).one().owner
    url = "/api/v1/products/blue-mug"
    etag = etag_of(client, url, apihelp.bearer(secret))
    owner.role = "viewer"  # demoted after the token was issued
    db.session.commit()
    response = client.patch(
        url, json={"stock": 3}, headers=apihelp.bearer(secret, **{"If-Match": etag})
    )
    assert response.status_code == 403
    assert (
        response.json["detail"] == "The token's owner may no longer use the scope products:write."
    )
    assert client.get("/api/v1/inquiries", headers=apihelp.bearer(secret)).status_code == 200


def test_update_needs_if_match_428_and_current_412(client, writer):
    url = "/api/v1/products/blue-mug"
    response = client.patch(url, json={"stock": 3}, headers=writer)
    assert response.status_code == 428
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"] == "Send the version you read with If-Match."
    stale = client.patch(url, json={"stock": 3}, headers={**writer, "If-Match": '"p1.0.x"'})
    assert stale.status_code == 412
    assert stale.json["detail"] == "The record changed since you read it."
    german = client.patch(url + "?lang=de", json={"stock": 3}, headers=writer)
    assert german.json["detail"] == "Senden Sie die gelesene Version mit If-Match."


def test_a_translation_edited_elsewhere_makes_an_earlier_if_match_stale(client, db, writer):
    url = "/api/v1/products/blue-mug"
    etag = etag_of(client, url, writer)
    translation = db.session.scalars(
        select(ProductTranslation).where(ProductTranslation.name == "Blaue Tasse")
    ).one()
    translation.name = "Blauer Becher"  # as a translator's edit in the back-office
    db.session.commit()
    stale = client.patch(
        url,
        json={"translations": {"de": {"name": "Blaue Tasse"}}},
        headers={**writer, "If-Match": etag},
    )
    assert stale.status_code == 412
    assert client.get(url + "?lang=de&fields=name").json == {"name": "Blauer Becher"}


def test_patch_is_a_json_merge_patch(client, writer):
    url = "/api/v1/products/blue-mug"
    etag = etag_of(client, url, writer)
    response = client.patch(
        url,
        data=json.dumps({"stock": 7, "translations": {"de": None, "fr": {"name": "Bol bleu"}}}),
        headers={**writer, "If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.json
    assert response.json["stock"] == 7
    assert response.json["version"] == 2
    assert response.headers["ETag"] != etag
    assert "de" not in response.json["locales"]
    assert client.get(url + "?lang=fr&fields=name").json == {"name": "Bol bleu"}
    assert client.get(url + "?lang=de&fields=name").json == {"name": "Blue mug"}
    assert client.get(url + "?fields=sku").json == {"sku": "MUG-BLUE"}  # untouched


def test_any_representation_of_the_version_read_is_a_valid_if_match(client, writer):
    url = "/api/v1/products/blue-mug"
    german_sparse = etag_of(client, url + "?lang=de&fields=name", writer)
    response = client.patch(url, json={"stock": 1}, headers={**writer, "If-Match": german_sparse})
    assert response.status_code == 200
    again = client.patch(url, json={"stock": 2}, headers={**writer, "If-Match": german_sparse})
    assert again.status_code == 412


def test_put_replaces_and_needs_every_required_field(client, writer):
    url = "/api/v1/products/blue-mug"
    etag = etag_of(client, url, writer)
    partial = client.put(url, json={"name": "Mug"}, headers={**writer, "If-Match": etag})
    assert partial.status_code == 422
    body = {**NEW, "slug": "blue-mug", "sku": "MUG-BLUE", "name": "Big blue mug"}
    response = client.put(url, json=body, headers={**writer, "If-Match": etag})
    assert response.status_code == 200
    assert response.json["name"] == "Big blue mug"
    assert response.json["locales"] == ["en"]  # translations left out: replaced by none


def test_delete_needs_if_match_and_answers_204(client, writer):
    url = "/api/v1/products/blue-mug"
    assert client.delete(url, headers=writer).status_code == 428
    etag = etag_of(client, url, writer)
    response = client.delete(url, headers={**writer, "If-Match": etag})
    assert response.status_code == 204
    assert client.get(url, headers=writer).status_code == 404


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_method_override_on_post(client, writer, method):
    url = "/api/v1/products/blue-mug"
    etag = etag_of(client, url, writer)
    body = {**NEW, "slug": "blue-mug", "sku": "MUG-BLUE"} if method != "DELETE" else None
    response = client.post(
        url, json=body, headers={**writer, "If-Match": etag, "X-HTTP-Method-Override": method}
    )
    assert response.status_code == (204 if method == "DELETE" else 200)


@pytest.mark.parametrize(
    "method, override", [("POST", "GET"), ("POST", "TRACE"), ("GET", "DELETE"), ("PUT", "DELETE")]
)
def test_method_override_is_refused_otherwise(client, writer, method, override):
    response = client.open(
        "/api/v1/products/blue-mug",
        method=method,
        json={},
        headers={**writer, "X-HTTP-Method-Override": override},
    )
    assert response.status_code == 400
    assert "X-HTTP-Method-Override" in response.json["detail"]


def test_writes_are_audited_as_the_token_owner(client, db, seeded):
    secret = apihelp.token(db, "products:write")
    client.post("/api/v1/products", json=NEW, headers=apihelp.bearer(secret))
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.model == "Product", AuditEntry.action == "create")
    ).all()[-1]
    owner = db.session.scalars(select(ApiToken)).one().owner
    assert entry.source == "api"
    assert entry.actor == owner.email
    assert entry.changes["slug"] == [None, "tall-vase"]


def test_two_clients_one_version_exactly_one_wins(make_app, db, seeded):
    app = make_app()
    secret = apihelp.token(db, "products:write")
    url = "/api/v1/products/blue-mug"
    etag = app.test_client().get(url).headers["ETag"]
    barrier = threading.Barrier(2)
    statuses = []

    def write(stock):
        client = app.test_client()
        barrier.wait()
        response = client.patch(
            url, json={"stock": stock}, headers={**apihelp.bearer(secret), "If-Match": etag}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in (11, 22)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 412]
    db.session.expire_all()
    product = db.session.scalars(select(Product).where(Product.slug == "blue-mug")).one()
    assert product.version == 2


def test_categories_and_posts_writes(client, writer):
    created = client.post(
        "/api/v1/categories",
        json={"slug": "bath", "name": "Bath", "translations": {"de": {"name": "Bad"}}},
        headers=writer,
    )
    assert created.status_code == 201, created.json
    assert client.get("/api/v1/categories/bath?lang=de").json["name"] == "Bad"
    bad_locale = client.post(
        "/api/v1/categories",
        json={"slug": "x", "name": "X", "translations": {"en": {"name": "X"}}},
        headers=writer,
    )
    assert bad_locale.json["errors"][0]["field"] == "translations.en"
    post = client.post(
        "/api/v1/posts",
        json={"slug": "hello", "lang": "en", "title": "Hello", "status": "published"},
        headers=writer,
    )
    assert post.status_code == 201, post.json
    assert post.json["published_at"] is not None
    translated = client.post(
        "/api/v1/posts",
        json={"slug": "hallo", "lang": "de", "title": "Hallo", "translation_of": post.json["id"]},
        headers=writer,
    )
    assert translated.status_code == 201
    assert translated.json["translations"][0]["lang"] == "en"


def test_public_inquiry_create_and_staff_status_change(client, db, seeded):
    response = client.post(
        "/api/v1/inquiries",
        json={"name": "Grace", "email": "grace@example.com", "message": "Hello"},
        headers={"Accept-Language": "de"},
    )
    assert response.status_code == 201, response.json
    assert response.json["lang"] == "de"
    url = response.headers["Location"].replace("http://localhost", "")
    assert client.get(url).status_code == 401
    staff = apihelp.bearer(apihelp.token(db, "inquiries:read", "inquiries:write"))
    etag = etag_of(client, url, staff)
    changed = client.patch(url, json={"status": "handled"}, headers={**staff, "If-Match": etag})
    assert changed.status_code == 200
    assert changed.json["handled_at"] is not None
    invalid = client.post("/api/v1/inquiries", json={"name": "X", "email": "nope", "message": ""})
    assert {e["field"] for e in invalid.json["errors"]} == {"email", "message"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "   ", "email": "t@example.com", "message": "   "}, {"name", "message"}),
        ({"name": "\t\n", "email": "t@example.com", "message": "Hello"}, {"name"}),
        ({"name": "Ann", "email": "t@example.com", "message": " \u3000 "}, {"message"}),
    ],
)
def test_a_blank_inquiry_name_or_message_is_a_422_naming_it(client, db, seeded, body, fields):
    response = client.post("/api/v1/inquiries", json=body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == fields
    staff = apihelp.bearer(apihelp.token(db, "inquiries:read"))
    stored = client.get("/api/v1/inquiries", headers=staff).json["data"]
    assert "t@example.com" not in {i["email"] for i in stored}


def test_an_inquiry_is_stored_without_surrounding_blanks(client, db, seeded):
    sent = {"name": "  Grace ", "email": "grace@example.com", "message": "\n Hello \n"}
    response = client.post("/api/v1/inquiries", json=sent)
    assert response.status_code == 201
    staff = apihelp.bearer(apihelp.token(db, "inquiries:read"))
    stored = client.get("/api/v1/inquiries", headers=staff).json["data"]
    [grace] = [i for i in stored if i["email"] == "grace@example.com"]
    assert (grace["name"], grace["message"]) == ("Grace", "Hello")


def test_odd_bodies_get_clear_4xx(client, writer):
    deep = client.post(
        "/api/v1/products",
        data="[" * 100_000 + "]" * 100_000,
        headers={**writer, "Content-Type": "application/json"},
    )
    assert deep.status_code == 400
    year = client.post(
        "/api/v1/posts",
        json={"slug": "a", "lang": "de", "title": "A", "published_at": "0001-01-01T00:00:00+14:00"},
        headers=writer,
    )
    assert year.status_code == 422
    assert year.json["errors"] == [
        {"field": "published_at", "message": "The year must be between 1900 and 9999."}
    ]
    cents = client.post("/api/v1/products", json={**NEW, "price": "1.005"}, headers=writer)
    assert cents.json["errors"] == [{"field": "price", "message": "At most two decimal places."}]
    nul = client.post("/api/v1/products", json={**NEW, "name": "a\u0000b"}, headers=writer)
    assert nul.status_code == 400
    nested = client.post(
        "/api/v1/products", json={**NEW, "translations": {"de": "Tasse"}}, headers=writer
    )
    assert nested.json["errors"][0]["field"] == "translations.de"


HUGE = "9" * 4301  # past Python's int-from-string limit (sys.get_int_max_str_digits)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/inquiries", f'{{"name":"a","email":"a@b.co","message":{HUGE}}}'),
        ("/api/v1/products", f'{{"sku":"V-1","slug":"v","name":"V","price":"1","stock":{HUGE}}}'),
    ],
)
def test_an_integer_with_too_many_digits_is_malformed_json(client, writer, url, body):
    response = client.post(url, data=body, headers={**writer, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["title"] == "Malformed JSON"
    assert response.json["detail"] == "The body holds a number with too many digits."


def test_empty_if_match_tags_are_stale_not_errors(client, writer):
    response = client.delete(
        "/api/v1/products/blue-mug", headers={**writer, "If-Match": 'W/"", W/"", ""'}
    )
    assert response.status_code == 412
