"""Several gunicorn workers share state through Redis: a rate limit holds across them."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from support import ROOT
from support import gunicorn

LIMIT = 4


def post_inquiry(url: str) -> int:
    request = urllib.request.Request(
        url + "/api/v1/inquiries",
        data=b'{"name": "Ada", "email": "ada@example.com", "message": "Hello there"}',
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.redis
def test_rate_limit_holds_exactly_across_two_workers(tmp_path, redis_url):
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATRIUM_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'workers.db'}",
        REDIS_URL=redis_url,
        SECRET_KEY="workers",
        ATRIUM_INSTANCE_PATH=str(tmp_path),
        ATRIUM_API_INQUIRY_LIMIT=f"{LIMIT} per minute",
    )
    flask = [sys.executable, "-m", "flask", "--app", "run"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    with gunicorn(2, env) as url:
        # Concurrent requests keep both workers busy; each worker alone would allow LIMIT.
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda _: post_inquiry(url), range(3 * LIMIT)))
    assert statuses.count(201) == LIMIT
    assert statuses.count(429) == 2 * LIMIT
