"""Rendered pages are shared between workers through Redis, and never served stale."""

import time

import pytest
from pagetree import write_tree


@pytest.fixture
def workers(make_app, tmp_path, redis_url):
    """Two apps on one pages folder and one Redis: two workers of one deployment."""
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    root = write_tree(tmp_path)
    return root, [make_app(PAGES_ROOT=str(root), REDIS_URL=redis_url) for _ in range(2)]


def _page_keys(redis_url) -> list[bytes]:
    from redis import Redis

    return Redis.from_url(redis_url).keys("*page:*")


@pytest.mark.redis
def test_one_worker_renders_and_the_other_serves_it(workers, redis_url):
    _, (first, second) = workers
    one = first.test_client().get("/en/about")
    assert one.status_code == 200 and len(_page_keys(redis_url)) == 1
    two = second.test_client().get("/en/about")
    assert two.headers["ETag"] == one.headers["ETag"] and two.data == one.data
    assert len(_page_keys(redis_url)) == 1  # one key for both: the second served the first


@pytest.mark.redis
def test_an_edit_reaches_every_worker(workers, redis_url):
    root, (first, second) = workers
    assert "About us" in first.test_client().get("/en/about").text
    about = root / "en" / "about.md"
    about.write_text(about.read_text().replace("About us", "About the team"))
    time.sleep(1.1)  # the index checks files at most once a second
    for app in (second, first):
        assert "About the team" in app.test_client().get("/en/about").text
    assert len(_page_keys(redis_url)) == 2  # the old rendering is left to expire
