"""Settings of the ASGI servers of the chat fan-out benchmark: the benchmark settings on Redis, one layer per run.

BENCH_CHANNEL_LAYER chooses the channel layer (`core`: channels_redis.core.RedisChannelLayer,
`pubsub`: channels_redis.pubsub.RedisPubSubChannelLayer); BENCH_PREFIX keeps the run's
Redis keys and channels apart from anything else on the server.
"""

import os

from tests.benchmarks.settings import *  # noqa: F403

_prefix = os.environ.get("BENCH_PREFIX", "bench")
_redis = os.environ["REDIS_URL"]
_layer = os.environ.get("BENCH_CHANNEL_LAYER", "core")
if _layer == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": _redis, "max_connections": 2000, "socket_timeout": 15}],
                "prefix": _prefix,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py's default cap of 100 would break 1,000 sockets joining at once, and its
            # default read timeout (5 s) races the layer's 5 s BZPOPMIN (see config/settings/base.py).
            "CONFIG": {
                "hosts": [{"address": _redis, "max_connections": 2000, "socket_timeout": 15}],
                "prefix": _prefix,
            },
        }
    }
CACHES = {alias: {**config, "KEY_PREFIX": _prefix} for alias, config in CACHES.items()}  # noqa: F405
REALTIME_REDIS_URL = _redis
REALTIME_REDIS_PREFIX = _prefix
# One member sends every message of the run; the chat's per-member limit would refuse most.
CHAT_RATE_LIMIT = "100000/1"
# The benchmark measures fan-out, not the permission re-check timer.
REALTIME_RECHECK_SECONDS = 0
