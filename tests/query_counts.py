"""The query count of one page view, measured cold: the one helper of the 5-versus-50 query-count tests."""

from __future__ import annotations

from typing import Any

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def cold_query_count(client: Client, url: str, data: dict[str, Any] | None = None) -> int:
    """Queries of a GET that must answer 200, as the first request after a restart.

    The cache is emptied first, so both sides of a comparison start alike: a member's cached
    roles, teams and moderated categories are looked up in each, never filled by one and
    reused by the other.
    """
    clear_cache()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, url
    return len(captured)


def clear_cache() -> None:
    """Empty this test's cache entries, and only those.

    On Redis, cache.clear() is FLUSHDB: it would also empty what tests in the other xdist workers
    hold (a form's one-time token, a cached role) in the middle of their requests. Each test has
    its own KEY_PREFIX (tests/conftest.py), so deleting the keys under it is enough.
    """
    from django.conf import settings

    for alias in settings.CACHES:
        backend = caches[alias]
        if type(backend).__name__ == "RedisCache":
            client = backend._cache.get_client(None, write=True)
            keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        else:
            backend.clear()
