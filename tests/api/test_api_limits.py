"""Rate limits (Flask-Limiter, enabled here) and CORS for configured origins only."""

from __future__ import annotations

import pytest

from . import apihelp


@pytest.fixture
def limited(make_app, db):
    # Built after `db`'s app: Flask-Limiter keeps `enabled` on its one (module-level) object.
    return make_app(
        RATELIMIT_ENABLED=True,
        API_WRITE_LIMIT="2 per minute",
        API_TOKEN_LIMIT="4 per minute",
        API_INQUIRY_LIMIT="1 per minute",
    )


def test_writes_are_limited_and_429_is_a_problem_with_retry_after(limited, db):
    client = limited.test_client()
    headers = apihelp.bearer(apihelp.token(db, "categories:write"))
    for n in range(2):
        response = client.post(
            "/api/v1/categories", json={"slug": f"c{n}", "name": "C"}, headers=headers
        )
        assert response.status_code == 201
        assert response.headers["X-RateLimit-Limit"]
        assert response.headers["X-RateLimit-Remaining"]
    refused = client.post("/api/v1/categories", json={"slug": "c9", "name": "C"}, headers=headers)
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["status"] == 429
    assert int(refused.headers["Retry-After"]) > 0
    # Reading is not a write: still served.
    assert client.get("/api/v1/categories").status_code == 200


def test_token_use_is_limited_per_token(limited, db):
    client = limited.test_client()
    headers = apihelp.bearer(apihelp.token(db, "categories:write"))
    statuses = [client.get("/api/v1/locales", headers=headers).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert client.get("/api/v1/locales").status_code == 200  # anonymous reading goes on


def test_public_inquiries_are_limited_per_address(limited):
    client = limited.test_client()
    body = {"name": "Ada", "email": "ada@example.com", "message": "Hi"}
    assert client.post("/api/v1/inquiries", json=body).status_code == 201
    refused = client.post("/api/v1/inquiries", json=body)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_limits_are_off_by_default_in_tests(client, db):
    body = {"name": "Ada", "email": "ada@example.com", "message": "Hi"}
    assert [client.post("/api/v1/inquiries", json=body).status_code for _ in range(7)] == [201] * 7


def test_cors_for_configured_origins_only(make_app):
    client = make_app(CORS_ORIGINS="https://app.example.com").test_client()
    allowed = client.get("/api/v1/locales", headers={"Origin": "https://app.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "ETag" in allowed.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in allowed.headers
    other = client.get("/api/v1/locales", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(
        "/api/v1/products",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "Authorization, If-Match",
        },
    )
    assert preflight.status_code == 200
    assert "PATCH" in preflight.headers["Access-Control-Allow-Methods"]


def test_no_cors_without_configured_origins(client):
    response = client.get("/api/v1/locales", headers={"Origin": "https://app.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.redis
def test_limits_live_in_redis_when_configured(make_app, db, redis_url):
    import uuid

    import redis

    prefix = f"atrium-test-{uuid.uuid4().hex}"
    app = make_app(
        RATELIMIT_ENABLED=True,
        REDIS_URL=redis_url,
        RATELIMIT_KEY_PREFIX=prefix,
        API_INQUIRY_LIMIT="1 per minute",
    )
    store = redis.Redis.from_url(redis_url)
    try:
        body = {"name": "Ada", "email": "ada@example.com", "message": "Hi"}
        assert app.test_client().post("/api/v1/inquiries", json=body).status_code == 201
        assert store.keys(f"*{prefix}*"), "the hit was not counted in Redis"
        # Another worker (a second client and app on the same Redis) sees the same count.
        second = make_app(
            RATELIMIT_ENABLED=True,
            REDIS_URL=redis_url,
            RATELIMIT_KEY_PREFIX=prefix,
            API_INQUIRY_LIMIT="1 per minute",
        )
        assert second.test_client().post("/api/v1/inquiries", json=body).status_code == 429
    finally:
        for key in store.keys(f"*{prefix}*"):
            store.delete(key)
        store.close()


def test_rejected_tokens_are_limited_per_address(make_app, db):
    app = make_app(RATELIMIT_ENABLED=True, API_AUTH_FAILURE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [
        client.get("/api/v1/locales", headers={"Authorization": f"Bearer guess-{n}"}).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]
    assert client.get("/api/v1/locales").status_code == 200  # reading without a token goes on
