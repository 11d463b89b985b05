"""Cache calls that fail open: without the shared cache (Redis down or restarting) requests go on.

The database is the record; the cache only makes pages faster (per-member facts) or holds
ephemeral state (presence, throttles). So when the cache backend cannot be reached, such a use
falls back to its default (load from the database, skip the throttle) with a logged warning
instead of failing the request with a 500: a chat message or a post is still written.

Only uses whose failure is harmless belong here. Invalidations (`MemberCache.forget`) are no such
use: a lost one would leave stale permissions behind once the cache is back, so they still raise.
The notification bell is the exception (`MemberCache(lenient_forget=True)`): a post must not fail
over a cached counter, and a short entry lifetime bounds how long a lost invalidation shows.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What an unreachable or failing cache server raises; anything else (a bug, an unpicklable value)
# is not swallowed. redis-py's errors do not derive from the builtin ConnectionError.
CACHE_ERRORS: tuple[type[Exception], ...] = (OSError,)
try:
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover - redis is a dependency, but the locmem setup needs none
    pass
else:
    CACHE_ERRORS = (*CACHE_ERRORS, RedisError)

# While Redis is down every request would warn; one warning per purpose in this many seconds is enough.
WARN_EVERY_SECONDS = 10.0
_last_warned: dict[str, float] = {}


def fail_open(operation: Callable[[], T], fallback: T, *, purpose: str) -> T:
    """`operation()`, or `fallback` (logged) when the cache backend fails."""
    try:
        return operation()
    except CACHE_ERRORS as error:
        now = time.monotonic()
        if now - _last_warned.get(purpose, float("-inf")) >= WARN_EVERY_SECONDS:
            _last_warned[purpose] = now
            logger.warning("Cache unavailable for %s, going on without it: %r", purpose, error)
        return fallback
