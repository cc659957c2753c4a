"""Redis down: the site keeps serving; cache and rate limits degrade instead of failing."""

import logging

import pytest

from atrium.extensions import cache

DOWN = "redis://127.0.0.1:1/0"


def test_cache_answers_miss_while_redis_is_down_and_logs_once(make_app, caplog):
    app = make_app(REDIS_URL=DOWN)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="atrium.caching"):
        assert cache.set("k", "v") is False
        assert cache.get("k") is None
        assert cache.get_many("a", "b") == [None, None]
        assert cache.delete("k") is False
    assert [r.message for r in caplog.records].count(
        "cache off: Redis is unreachable (ConnectionError)"
    ) == 1


def test_site_serves_with_redis_down_and_limits_on(make_app):
    app = make_app(REDIS_URL=DOWN, RATELIMIT_ENABLED=True)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 302
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["redis"] == "Redis is unreachable."


@pytest.mark.redis
def test_cache_is_shared_through_redis(make_app, redis_url):
    first, second = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    with first.app_context():
        cache.set("shared-key", "from the first worker")
    with second.app_context():
        assert cache.get("shared-key") == "from the first worker"
        cache.delete("shared-key")
