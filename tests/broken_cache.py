"""A cache backend whose server is unreachable, as Django's Redis cache is while Redis restarts."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import BaseCache
from redis.exceptions import ConnectionError as RedisConnectionError


class UnreachableCache(BaseCache):
    """Every operation raises what redis-py raises for a refused connection."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)

    def _fail(self, *args: Any, **kwargs: Any) -> Any:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    add = get = set = touch = delete = get_many = set_many = delete_many = has_key = incr = decr = clear = _fail


UNREACHABLE_CACHES = {"default": {"BACKEND": "tests.broken_cache.UnreachableCache"}}
