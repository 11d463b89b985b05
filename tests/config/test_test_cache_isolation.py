"""The tests' cold-cache helper empties only the running test's keys (on Redis, cache.clear() is FLUSHDB)."""

import pytest
from django.core.cache import cache, caches

from tests.query_counts import clear_cache


def test_clear_cache_keeps_other_tests_keys_on_redis():
    backend = caches["default"]
    if type(backend).__name__ != "RedisCache":
        pytest.skip("the shared-cache case exists only with REDIS_URL (the PostgreSQL + Redis run of CI)")
    client = backend._cache.get_client(None, write=True)
    foreign = "another-test-prefix:1:forums:nonce:1:abc"
    client.set(foreign, b"pending", ex=60)
    cache.set("mine", "value", 60)
    try:
        clear_cache()
        assert cache.get("mine") is None
        assert client.get(foreign) == b"pending"
    finally:
        client.delete(foreign)


def test_clear_cache_empties_the_tests_own_cache(db):
    cache.set("mine", "value", 60)
    clear_cache()
    assert cache.get("mine") is None
