"""Settings of the real ASGI server processes the multi-process realtime tests start (not a test module).

The test settings plus the test's own Redis key prefix (so its events, cache keys and
control messages stay apart from every other test sharing the Redis server) and a
pub/sub reconnect delay long enough for a test to publish into the gap.
"""

import os

from config.settings.test import *  # noqa: F403

_prefix = os.environ["MITMACH_TEST_PREFIX"]
CACHES = {alias: {**config, "KEY_PREFIX": _prefix} for alias, config in CACHES.items()}  # noqa: F405
CHANNEL_LAYERS = {
    alias: {**config, "CONFIG": {**config.get("CONFIG", {}), "prefix": _prefix}}
    if "redis" in config["BACKEND"].lower()
    else config
    for alias, config in CHANNEL_LAYERS.items()  # noqa: F405
}
REALTIME_REDIS_PREFIX = _prefix
REALTIME_REDIS_RECONNECT_SECONDS = float(os.environ.get("MITMACH_TEST_RECONNECT_SECONDS", "1.0"))
# The tests send a few messages in quick succession as one member.
CHAT_RATE_LIMIT = "100/1"
