"""Process-local fan-out of stream events: one Redis subscription per stream, one pre-serialised frame per socket.

Measured on this stack, a Channels `group_send` to 1,000 sockets costs 7-14x a bare
ASGI server forwarding one Redis pub/sub message, because every consumer is woken and
dispatched separately. So each ASGI process keeps a registry of its local
subscriptions here and, per event loop, ONE Redis pub/sub connection subscribed to
every stream that has local subscribers. A published event is serialised once by the
publisher, carried by Redis as that text, and written unchanged to each local socket.
Without REALTIME_REDIS_URL (`make run`, the default tests) the same registry delivers
in-process. The database stays the record and Redis only the doorbell: when the
pub/sub connection drops, the hub reconnects, resubscribes and asks every local
subscription to catch up from the database (see `Listener.resync`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

from .events import Event, group_name

logger = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    # Empty: deliver in-process (one process, `make run`, tests without Redis).
    "REALTIME_REDIS_URL": "",
    # Channel names are `<prefix>:stream.<kind>.<key>`; tests give each test its own prefix.
    "REALTIME_REDIS_PREFIX": "mitmach",
    # Publishing connections per process (sync clients in request threads); waits, never fails, when all are busy.
    "REALTIME_REDIS_MAX_CONNECTIONS": 50,
    # First delay before reconnecting a lost pub/sub connection; doubled up to RECONNECT_MAX_SECONDS.
    "REALTIME_REDIS_RECONNECT_SECONDS": 0.2,
}
RECONNECT_MAX_SECONDS = 5.0
# A subscriber waits this long for Redis to confirm a new subscription before replaying anyway
# (it then catches up again once the subscription is confirmed).
SUBSCRIBE_TIMEOUT = 3.0
# Idle pub/sub connections are pinged this often; one silent for three periods counts as dead.
PING_SECONDS = 10.0


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


class Listener(Protocol):
    """One local subscription (the hub consumer's `Subscription`)."""

    async def receive_event(self, event: Event, frame: str) -> None:
        """A live event of the stream and its ready-to-send `event` frame."""

    def resync(self) -> None:
        """Live events may have been missed (the doorbell was down): catch up from the database."""


def event_frame(event: Event) -> str:
    """The `event` frame as every subscriber receives it, serialised once per event."""
    from django.core.serializers.json import DjangoJSONEncoder

    return json.dumps(
        {
            "type": "event",
            "stream": event["stream"],
            "id": event["id"],
            "kind": event["kind"],
            "payload": event["payload"],
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    )


@dataclass(eq=False)
class _Entry:
    """The local subscriptions of one stream in one event loop."""

    listeners: dict[Listener, None] = field(default_factory=dict)  # insertion-ordered set
    ready: asyncio.Future[None] | None = None
    # Set when live events may have been missed: the listeners resync once the subscription is confirmed.
    resync_pending: bool = False


class _LoopHub:
    """The registry of one event loop (one per ASGI process in production; tests run a loop per scenario)."""

    def __init__(self, registry: Fanout, loop: asyncio.AbstractEventLoop) -> None:
        self.registry = registry
        self.loop = loop
        self.streams: dict[str, _Entry] = {}
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        raise NotImplementedError

    def add(self, stream: str, listener: Listener) -> _Entry:
        """Register synchronously (under the registry lock); live events reach the listener from now on."""
        entry = self.streams.get(stream)
        created = entry is None
        if entry is None:
            entry = self.streams[stream] = _Entry()
        entry.listeners[listener] = None
        if created:
            self.stream_added(stream, entry)
        return entry

    def discard(self, stream: str, listener: Listener) -> bool:
        """Unregister; True when the hub has no streams left."""
        entry = self.streams.get(stream)
        if entry is not None:
            entry.listeners.pop(listener, None)
            if not entry.listeners:
                del self.streams[stream]
                self.stream_removed(stream)
        return not self.streams

    def stream_added(self, stream: str, entry: _Entry) -> None:
        """The first local subscriber of a stream."""

    def stream_removed(self, stream: str) -> None:
        """The last local subscriber of a stream left."""

    async def wait_ready(self, entry: _Entry) -> None:
        """Until live events of the entry's stream are certain to arrive (or a bounded wait passed)."""

    async def fan_out(self, stream: str, frame: str) -> None:
        """Hand one published frame to every local subscription of its stream, in registration order."""
        entry = self.streams.get(stream)
        if entry is None:
            return
        try:
            data = json.loads(frame)
            event: Event = {
                "stream": data["stream"],
                "id": data["id"],
                "kind": data["kind"],
                "payload": data["payload"],
            }
        except (ValueError, KeyError, TypeError):
            logger.warning("Dropped a malformed event frame on %s", stream)
            return
        for listener in list(entry.listeners):
            try:
                await listener.receive_event(event, frame)
            except asyncio.CancelledError:
                raise
            except Exception:  # one broken socket must not starve the others
                logger.exception("Delivering %s to a subscriber of %s failed", event["kind"], stream)

    async def aclose(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task


class _LocalHub(_LoopHub):
    """In-process delivery: publishers (any thread) put frames into this loop's inbox."""

    def start(self) -> None:
        self.inbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self.task = self.loop.create_task(self._pump())

    def put(self, stream: str, frame: str) -> None:
        """From any thread; call_soon_threadsafe keeps the publishers' order."""
        self.loop.call_soon_threadsafe(self.inbox.put_nowait, (stream, frame))

    async def _pump(self) -> None:
        while True:
            stream, frame = await self.inbox.get()
            await self.fan_out(stream, frame)


class _RedisHub(_LoopHub):
    """One redis.asyncio pub/sub connection, subscribed to every stream with local subscribers."""

    def __init__(self, registry: Fanout, loop: asyncio.AbstractEventLoop, url: str, prefix: str) -> None:
        super().__init__(registry, loop)
        self.url = url
        self.prefix = prefix
        self.pubsub: Any = None
        self.client: Any = None
        self.connected = False
        # True after a failed connection attempt: new subscribers do not wait for Redis then.
        self.down = False
        # SUBSCRIBE commands sent per channel and not yet confirmed; a channel counts as
        # subscribed only when all are (an UNSUBSCRIBE may lie between two of them).
        self.unconfirmed: Counter[str] = Counter()

    def channel(self, stream: str) -> str:
        return f"{self.prefix}:{group_name(stream)}"

    def start(self) -> None:
        self.task = self.loop.create_task(self._run())

    def stream_added(self, stream: str, entry: _Entry) -> None:
        entry.ready = self.loop.create_future()
        if self.down:
            entry.resync_pending = True
        if self.connected:
            self._send("subscribe", stream)
        # Not connected yet: _connect() subscribes every stream of the registry.

    def stream_removed(self, stream: str) -> None:
        if self.connected:
            self._send("unsubscribe", stream)

    def _send(self, command: str, stream: str) -> None:
        channel = self.channel(stream)
        if command == "subscribe":
            self.unconfirmed[channel] += 1
        pubsub = self.pubsub
        method = pubsub.subscribe if command == "subscribe" else pubsub.unsubscribe
        task = self.loop.create_task(method(channel))
        task.add_done_callback(self._sent)

    def _sent(self, done: asyncio.Task) -> None:
        if done.cancelled() or done.exception() is None:
            return
        # A command that failed may leave a stream unsubscribed with nobody noticing: drop the
        # connection, so that the reader fails and _run resubscribes (and resyncs) every stream.
        logger.warning("Realtime pub/sub command failed (%s); reconnecting", done.exception())
        pubsub = self.pubsub
        connection = getattr(pubsub, "connection", None)
        if connection is not None:
            self.loop.create_task(connection.disconnect())

    async def wait_ready(self, entry: _Entry) -> None:
        if entry.ready is None or entry.ready.done():
            return
        if self.down:
            entry.resync_pending = True
            return
        try:
            await asyncio.wait_for(asyncio.shield(entry.ready), SUBSCRIBE_TIMEOUT)
        except TimeoutError:
            logger.warning("Redis did not confirm a subscription in time; the subscriber catches up later")
            entry.resync_pending = True

    async def _connect(self) -> None:
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # Our own retry loop resubscribes and resyncs; redis-py's silent reconnect would not.
        self.client = redis.asyncio.Redis.from_url(
            self.url,
            max_connections=2,  # the pub/sub connection (and one spare); publishing uses the sync pool
            socket_connect_timeout=2,
            socket_keepalive=True,
            retry=Retry(NoBackoff(), 0),
            client_name=f"{self.prefix}:fanout:{os.getpid()}",
        )
        self.pubsub = self.client.pubsub()
        self.unconfirmed.clear()
        streams = list(self.streams)
        channels = [self.channel(stream) for stream in streams]
        for channel in channels:
            self.unconfirmed[channel] += 1
        # The first command opens the pub/sub connection, and nothing else may use the PubSub
        # before it has: two first commands at once would each take a pool connection, the
        # PubSub would keep only one, and the other's subscriptions (confirmations and
        # messages) would never be read. So `connected` is set only afterwards, and the
        # streams added or removed meanwhile are sent their own command then.
        if channels:
            await self.pubsub.subscribe(*channels)
        else:
            await self.pubsub.ping()
        self.connected = True
        for stream in self.streams:
            if stream not in streams:
                self._send("subscribe", stream)
        for stream in streams:
            if stream not in self.streams:
                self._send("unsubscribe", stream)
        self.down = False

    async def _disconnect(self) -> None:
        self.connected = False
        pubsub, client = self.pubsub, self.client
        self.pubsub = self.client = None
        for entry in self.streams.values():
            # Whatever was published until the next confirmation is missed: catch up then.
            if entry.ready is None or entry.ready.done():
                entry.ready = self.loop.create_future()
            entry.resync_pending = True
        with contextlib.suppress(Exception):
            if pubsub is not None:
                await pubsub.aclose()
        with contextlib.suppress(Exception):
            if client is not None:
                await client.aclose()

    async def _run(self) -> None:
        delay = float(setting("REALTIME_REDIS_RECONNECT_SECONDS"))
        first_delay = delay
        try:
            while True:
                try:
                    await self._connect()
                    delay = first_delay
                    await self._read()
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    self.down = True
                    logger.warning(
                        "Realtime pub/sub connection to Redis lost (%s); reconnecting in %.1f s", error, delay
                    )
                await self._disconnect()
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
        finally:
            await self._disconnect()

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        heard = pinged = loop.time()
        while True:
            message = await self.pubsub.get_message(timeout=1.0)
            now = loop.time()
            if message is None:
                if now - heard > 3 * PING_SECONDS:
                    raise ConnectionError("no answer from Redis to pings")
                if now - pinged > PING_SECONDS:
                    pinged = now
                    await self.pubsub.ping()
                continue
            heard = now
            kind = message.get("type")
            channel = message.get("channel")
            if isinstance(channel, bytes):
                channel = channel.decode()
            if kind == "message":
                stream = _stream_of_group(channel[len(self.prefix) + 1 :])
                data = message["data"]
                await self.fan_out(stream, data.decode() if isinstance(data, bytes) else data)
            elif kind == "subscribe":
                self._confirmed(channel)

    def _confirmed(self, channel: str) -> None:
        self.unconfirmed[channel] -= 1
        if self.unconfirmed[channel] > 0:
            return
        del self.unconfirmed[channel]
        stream = _stream_of_group(channel[len(self.prefix) + 1 :])
        entry = self.streams.get(stream)
        if entry is None:
            return
        if entry.ready is not None and not entry.ready.done():
            entry.ready.set_result(None)
        if entry.resync_pending:
            entry.resync_pending = False
            logger.info("Resubscribed to %s; %d local subscriptions catch up", stream, len(entry.listeners))
            for listener in list(entry.listeners):
                try:
                    listener.resync()
                except Exception:
                    logger.exception("Resync of a subscriber of %s failed", stream)


def _stream_of_group(group: str) -> str:
    """`stream.chat.5` back to `chat:5` (the inverse of events.group_name)."""
    _prefix, kind, key = group.split(".", 2)
    return f"{kind}:{key}"


class Fanout:
    """The process-wide registry: which local subscriptions follow which stream, per event loop."""

    def __init__(self) -> None:
        # Publishers run in worker threads, subscribers in event loops: one lock for the maps.
        self.lock = threading.Lock()
        self.hubs: dict[asyncio.AbstractEventLoop, _LoopHub] = {}
        self.sync_clients: dict[tuple[str, int], Any] = {}

    # -- subscribing (event loop) ----------------------------------------------------------

    async def join(self, stream: str, listener: Listener) -> None:
        """Follow a stream; live events reach the listener as soon as this is called.

        The registration happens before the first suspension point, so a caller that
        marked its subscription as buffering before awaiting this misses nothing. The
        await returns once Redis has confirmed the subscription (or after a bounded
        wait, in which case the listener is resynced when it is confirmed).
        """
        loop = asyncio.get_running_loop()
        with self.lock:
            hub = self.hubs.get(loop)
            if hub is None:
                url = setting("REALTIME_REDIS_URL")
                hub = _RedisHub(self, loop, url, setting("REALTIME_REDIS_PREFIX")) if url else _LocalHub(self, loop)
                self.hubs[loop] = hub
                hub.start()
            entry = hub.add(stream, listener)
        await hub.wait_ready(entry)

    def leave(self, stream: str, listener: Listener) -> None:
        """Stop following a stream (synchronous: nothing more is delivered after it returns)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        with self.lock:
            hub = self.hubs.get(loop)
            if hub is None or not hub.discard(stream, listener):
                return
            # The loop's last subscription: close the connection instead of idling it (tests run a loop each).
            del self.hubs[loop]
        loop.create_task(hub.aclose())

    def local_subscriptions(self, stream: str) -> int:
        """How many subscriptions of this process follow the stream (for tests and diagnostics)."""
        with self.lock:
            return sum(len(hub.streams[stream].listeners) for hub in self.hubs.values() if stream in hub.streams)

    # -- publishing (any thread) --------------------------------------------------------------

    def publish(self, event: Event) -> None:
        """Ring the doorbell of the event's stream in every process; raises when Redis cannot be reached."""
        frame = event_frame(event)
        url = setting("REALTIME_REDIS_URL")
        if url:
            channel = f"{setting('REALTIME_REDIS_PREFIX')}:{group_name(event['stream'])}"
            self._sync_client(url).publish(channel, frame)
            return
        stream = event["stream"]
        with self.lock:
            hubs = [hub for hub in self.hubs.values() if stream in hub.streams]
        for hub in hubs:
            assert isinstance(hub, _LocalHub)  # noqa: S101 - a process has one kind of hub
            try:
                hub.put(stream, frame)
            except RuntimeError:  # its loop has closed (a test that never closed its sockets)
                with self.lock:
                    if self.hubs.get(hub.loop) is hub:
                        del self.hubs[hub.loop]

    def _sync_client(self, url: str) -> Any:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        size = int(setting("REALTIME_REDIS_MAX_CONNECTIONS"))
        key = (url, size)
        with self.lock:
            client = self.sync_clients.get(key)
            if client is None:
                # Blocking pool: a burst of publishers waits for a free connection instead of
                # failing with MaxConnectionsError (the redis-py default pool's behaviour at its cap).
                pool = redis.BlockingConnectionPool.from_url(
                    url, max_connections=size, timeout=2, socket_connect_timeout=2, socket_timeout=2
                )
                # One retry: a pooled connection may be stale after Redis restarted.
                client = redis.Redis(connection_pool=pool, retry=Retry(NoBackoff(), 1))
                self.sync_clients[key] = client
        return client


fanout = Fanout()
