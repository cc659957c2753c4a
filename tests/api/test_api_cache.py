"""API representations are shared between workers through the cache, never served stale."""

import factories
import pytest

from atrium.extensions import cache
from atrium.extensions import db


@pytest.fixture
def workers(make_app, redis_url):
    """Two apps on one database and one Redis: two workers of one deployment."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    return make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)


@pytest.mark.redis
def test_a_representation_built_by_one_worker_is_served_by_the_other(workers):
    first, second = workers
    with first.app_context():
        factories.product(slug="shared-mug", name="Shared mug")
        db.session.commit()
    one = first.test_client().get("/api/v1/products/shared-mug")
    with second.app_context():
        assert cache.get(f"api:{one.headers['ETag'].strip(chr(34))}") is not None
    two = second.test_client().get("/api/v1/products/shared-mug")
    assert (two.status_code, two.headers["ETag"], two.json) == (200, one.headers["ETag"], one.json)


@pytest.mark.redis
def test_a_changed_record_is_never_served_from_the_cache(workers):
    first, second = workers
    with first.app_context():
        product = factories.product(slug="changing-mug", name="Old name")
        db.session.commit()
        product_id = product.id
    assert first.test_client().get("/api/v1/products/changing-mug").json["name"] == "Old name"
    with second.app_context():
        from atrium.models import Product

        db.session.get(Product, product_id).name = "New name"
        db.session.commit()
    assert second.test_client().get("/api/v1/products/changing-mug").json["name"] == "New name"
    assert first.test_client().get("/api/v1/products/changing-mug").json["name"] == "New name"
