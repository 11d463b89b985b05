"""The query count of one page view, measured cold: the one helper of the 5-versus-50 query-count tests."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def cold_query_count(client: Client, url: str, data: dict[str, Any] | None = None) -> int:
    """Queries of a GET that must answer 200, as the first request after a restart.

    The cache is emptied first, so both sides of a comparison start alike: a member's cached
    roles, teams and moderated categories are looked up in each, never filled by one and
    reused by the other.
    """
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, url
    return len(captured)
