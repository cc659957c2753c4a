"""A shared Redis cache that degrades to no cache when Redis is down, logged once.

Flask-Caching's RedisCache raises on a connection error, which would turn a cache outage
into a site outage. Every operation here catches Redis errors and answers as a miss.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from flask_caching.backends.rediscache import RedisCache
from redis import RedisError

log = logging.getLogger(__name__)

#: What each operation answers while Redis is unreachable: a miss, or "not done".
_ON_ERROR: dict[str, Any] = {
    "get": None,
    "get_many": None,
    "set": False,
    "add": False,
    "set_many": [],
    "delete": False,
    "delete_many": [],
    "has": False,
    "clear": False,
    "inc": None,
    "dec": None,
    "unlink": None,
}


class ResilientRedisCache(RedisCache):
    down = False

    def _failed(self, error: Exception) -> None:
        if not self.down:
            log.warning("cache off: Redis is unreachable (%s)", error.__class__.__name__)
        self.down = True

    def _recovered(self) -> None:
        if self.down:
            log.warning("cache on: Redis answers again")
        self.down = False


def _resilient(name: str, default: Any):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except RedisError as error:
            self._failed(error)
            return [None] * len(args) if name == "get_many" else default
        self._recovered()
        return result

    return wrapper


for _name, _default in _ON_ERROR.items():
    setattr(ResilientRedisCache, _name, _resilient(_name, _default))
