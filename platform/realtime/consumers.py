"""The one websocket consumer at /ws/: multiplexed, permission-checked subscriptions with lossless replay and limits.

The protocol is documented in docs/realtime.md. Each subscription goes through
PENDING (permission check) -> BUFFERING (joined the process-local fan-out of
realtime.fanout; live events are held back while the database replay is sent) ->
LIVE. Subscribing runs as a task of its own, so a slow replay never stalls pings or
the other streams of the socket. Live events do not pass through the channel layer:
the fan-out hands each subscription the event and its frame, serialised once per
process. The channel layer carries only per-connection control messages (re-checks).
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import SimpleNamespace
from typing import Any, NotRequired, TypedDict

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder

from .events import Event, user_group
from .fanout import RECONNECT_MAX_SECONDS, fanout
from .fanout import setting as fanout_setting
from .streams import StreamError, StreamKind, parse_stream

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = 1

# JavaScript's Number.MAX_SAFE_INTEGER: the largest id a browser client can hold exactly.
MAX_SINCE = 2**53 - 1
# What a channel layer raises while its Redis is unreachable (redis-py's errors are no OSError).
try:
    from redis.exceptions import RedisError as _RedisError
except ImportError:  # pragma: no cover - the in-memory layer needs no redis
    LAYER_ERRORS: tuple[type[Exception], ...] = (OSError,)
else:
    LAYER_ERRORS = (OSError, _RedisError)

# Ids remembered per subscription for de-duplication; older ones are covered by the floor.
SENT_IDS_KEPT = 1000

DEFAULTS: dict[str, Any] = {
    "REALTIME_MAX_SUBSCRIPTIONS": 100,
    "REALTIME_MAX_FRAME_BYTES": 16 * 1024,
    "REALTIME_RATE_LIMIT": 20,
    "REALTIME_RATE_BURST": 60,
    "REALTIME_REPLAY_LIMIT": 200,
    "REALTIME_BUFFER_LIMIT": 1000,
    "REALTIME_RECHECK_SECONDS": 15,
}


def setting(name: str) -> Any:
    """Settings are read when used, never at import time (tests override them)."""
    return getattr(settings, name, DEFAULTS[name])


class CloseCode(enum.IntEnum):
    """Application close codes (4000-4999); see docs/realtime.md."""

    RATE_LIMITED = 4429


class ErrorFrame(TypedDict):
    type: str
    code: str
    message: str
    stream: NotRequired[str]


class State(enum.Enum):
    PENDING = "pending"
    BUFFERING = "buffering"
    LIVE = "live"


@dataclass(eq=False)
class Subscription:
    """One stream followed by one socket; registered with the fan-out as its listener."""

    consumer: HubConsumer
    stream: str
    kind: StreamKind
    key: str
    state: State = State.PENDING
    joined: bool = False
    # Events with an id <= floor are ones the client already holds (its `since`).
    floor: int = 0
    sent_ids: set[int] = field(default_factory=set)
    # Live events (with their ready frame) held back while a replay runs.
    buffer: list[tuple[Event, str]] = field(default_factory=list)
    overflowed: bool = False
    # The fan-out lost live events (Redis dropped) while this subscription was buffering.
    resync_requested: bool = False
    task: asyncio.Task[None] | None = None

    async def receive_event(self, event: Event, frame: str) -> None:
        await self.consumer.stream_event(self, event, frame)

    def resync(self) -> None:
        self.consumer.resync(self)

    def high_water(self) -> int:
        """The highest id the client holds on this stream."""
        return max(self.floor, max(self.sent_ids, default=0))


class HubConsumer(AsyncWebsocketConsumer):
    user: Any
    subscriptions: dict[str, Subscription]

    async def connect(self) -> None:
        self.user = self.scope.get("user") or AnonymousUser()
        self.subscriptions = {}
        self.closed = False
        self.tokens = float(setting("REALTIME_RATE_BURST"))
        self.tokens_at = time.monotonic()
        self.recheck_lock = asyncio.Lock()
        self.control_group: str | None = None
        await self.accept()
        if self.user.is_authenticated:
            self.control_group = user_group(self.user.pk)
            await self.channel_layer.group_add(self.control_group, self.channel_name)
        await self.send_frame(
            {
                "type": "hello",
                "v": PROTOCOL_VERSION,
                "max_subscriptions": setting("REALTIME_MAX_SUBSCRIPTIONS"),
                "max_frame_bytes": setting("REALTIME_MAX_FRAME_BYTES"),
            }
        )
        self.recheck_task: asyncio.Task[None] | None = asyncio.ensure_future(self._recheck_periodically())

    async def disconnect(self, code: int) -> None:
        self.closed = True
        task = getattr(self, "recheck_task", None)
        if task is not None:
            task.cancel()
        subscriptions = list(getattr(self, "subscriptions", {}).values())
        self.subscriptions = {}
        for subscription in subscriptions:
            if subscription.task is not None and not subscription.task.done():
                subscription.task.cancel()
            self._leave(subscription)
        if getattr(self, "control_group", None):
            try:
                await self.channel_layer.group_discard(self.control_group, self.channel_name)
            except LAYER_ERRORS:  # Redis is down; the membership expires with the layer's group_expiry
                logger.warning("Could not leave %s on disconnect", self.control_group)

    # -- the channel layer (control messages only) -------------------------------------------

    # Channels assigns `channel_receive` in __call__ and dispatches from whatever it holds; the
    # property hands Channels a receive that outlives a Redis restart. Without it the layer's
    # ConnectionError would end the consumer and close every socket of the process with 1011,
    # although live events do not even pass through the layer.
    @property
    def channel_receive(self) -> Callable[[], Awaitable[dict[str, Any]]]:
        return self._receive_control

    @channel_receive.setter
    def channel_receive(self, receive: Callable[[], Awaitable[dict[str, Any]]]) -> None:
        self._layer_receive = receive

    async def _receive_control(self) -> dict[str, Any]:
        """The next control message; while the channel layer is unreachable, wait and retry.

        Once the layer answers again the socket rejoins its control group (a restarted Redis
        has forgotten it) and re-checks its subscriptions at once, because a re-check request
        may have been lost meanwhile. The fan-out catches its events up on its own.
        """
        while True:
            try:
                return await self._layer_receive()
            except LAYER_ERRORS as error:
                logger.warning("Channel layer unreachable (%r); the socket stays open and retries", error)
            await self._rejoin_control_group()

    async def _rejoin_control_group(self) -> None:
        delay = float(fanout_setting("REALTIME_REDIS_RECONNECT_SECONDS"))
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            group = getattr(self, "control_group", None)  # None before connect() ran, and when anonymous
            if not group:
                return  # anonymous: nothing to rejoin, the next receive tells whether the layer is back
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except LAYER_ERRORS:
                continue
            self.outage_recheck = asyncio.ensure_future(self._recheck_logged())
            return

    async def _recheck_logged(self) -> None:
        try:
            await self.recheck()
        except Exception:
            logger.exception("Re-check after a channel layer outage failed")

    # -- client messages -----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closed:
            return
        if not self._take_token():
            await self.send_error("rate_limited", "Too many messages; the connection is closed.")
            await self._close(CloseCode.RATE_LIMITED)
            return
        if bytes_data is not None or text_data is None:
            await self.send_error("binary_frame", "Only text frames are understood.")
            return
        limit = setting("REALTIME_MAX_FRAME_BYTES")
        if len(text_data) > limit or len(text_data.encode()) > limit:
            await self.send_error("frame_too_large", "The message is larger than the frame limit.")
            return
        try:
            message: Any = json.loads(text_data)
        except ValueError:
            await self.send_error("bad_json", "The message is not valid JSON.")
            return
        if not isinstance(message, dict):
            await self.send_error("bad_message", "A message must be a JSON object.")
            return
        kind = message.get("type")
        if kind == "ping":
            await self.send_frame({"type": "pong", "v": PROTOCOL_VERSION})
        elif kind == "subscribe":
            await self._subscribe(message)
        elif kind == "unsubscribe":
            await self._unsubscribe(message)
        else:
            await self.send_error("unknown_type", "Unknown message type.")

    def _take_token(self) -> bool:
        """Token bucket: REALTIME_RATE_LIMIT messages per second, bursts up to REALTIME_RATE_BURST."""
        now = time.monotonic()
        rate = float(setting("REALTIME_RATE_LIMIT"))
        burst = float(setting("REALTIME_RATE_BURST"))
        self.tokens = min(burst, self.tokens + (now - self.tokens_at) * rate)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def _subscribe(self, message: dict[str, Any]) -> None:
        raw_stream = message.get("stream")
        echo = raw_stream if isinstance(raw_stream, str) and len(raw_stream) <= 100 else None
        try:
            stream_kind, key = parse_stream(raw_stream)
        except StreamError as error:
            await self.send_error(error.code, str(error), stream=echo)
            return
        stream: str = raw_stream  # type: ignore[assignment]  (parse_stream checked it)
        since = message.get("since")
        # bool is an int in Python; JSON true is not an id.
        if since is not None and (type(since) is not int or not 0 <= since <= MAX_SINCE):
            await self.send_error("bad_since", "`since` is a whole number from 0 up, or null.", stream=stream)
            return
        if stream in self.subscriptions:
            await self.send_error("already_subscribed", "This socket is subscribed to the stream.", stream=stream)
            return
        if len(self.subscriptions) >= setting("REALTIME_MAX_SUBSCRIPTIONS"):
            await self.send_error("too_many_subscriptions", "This socket has too many subscriptions.", stream=stream)
            return
        subscription = Subscription(consumer=self, stream=stream, kind=stream_kind, key=key)
        self.subscriptions[stream] = subscription
        subscription.task = asyncio.ensure_future(self._run_subscription(subscription, since))

    async def _unsubscribe(self, message: dict[str, Any]) -> None:
        stream = message.get("stream")
        subscription = self.subscriptions.get(stream) if isinstance(stream, str) else None
        if subscription is None:
            echo = stream if isinstance(stream, str) and len(stream) <= 100 else None
            await self.send_error("not_subscribed", "This socket is not subscribed to the stream.", stream=echo)
            return
        await self._remove(subscription)
        await self.send_frame({"type": "unsubscribed", "stream": subscription.stream})

    # -- subscribing, replay, live -----------------------------------------------------

    def _is_current(self, subscription: Subscription) -> bool:
        return not self.closed and self.subscriptions.get(subscription.stream) is subscription

    async def _run_subscription(self, subscription: Subscription, since: int | None) -> None:
        """Check, join the live fan-out, replay from the database, flush the buffer, go live."""
        stream = subscription.stream
        try:
            allowed = await database_sync_to_async(subscription.kind.can_subscribe)(self.user, subscription.key)
            if not self._is_current(subscription):
                return
            if not allowed:
                del self.subscriptions[stream]
                await self.send_error(
                    "forbidden", "This stream does not exist or you may not subscribe to it.", stream=stream
                )
                return
            # Join first: anything committed from now on reaches the buffer, so nothing
            # falls between the replay query and the live stream. The fan-out registers
            # the subscription before its first await, so it must be buffering already.
            subscription.state = State.BUFFERING
            subscription.joined = True
            await fanout.join(stream, subscription)
            if not self._is_current(subscription):
                return
            await self._replay_and_go_live(subscription, since, announce=True)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("Subscribing to %s failed", stream)
            if self._is_current(subscription):
                del self.subscriptions[stream]
                await self.send_error("internal_error", "The stream could not be opened; try again.", stream=stream)
        finally:
            # Unsubscribed, revoked or failed while the task ran: leave the fan-out (a newer
            # subscription to the same stream is a listener of its own).
            if self.subscriptions.get(stream) is not subscription:
                self._leave(subscription)

    async def _replay_and_go_live(self, subscription: Subscription, since: int | None, *, announce: bool) -> None:
        """Send what the database holds after `since`, then the buffered live events, then switch to live.

        `announce`: the first pass of a subscription answers with `subscribed`; a catch-up
        after the fan-out lost events (resync) replays silently from the highest id sent.
        """
        stream = subscription.stream
        while True:
            subscription.resync_requested = False
            last_id, events = await database_sync_to_async(_replay)(
                subscription.kind, self.user, subscription.key, since, setting("REALTIME_REPLAY_LIMIT")
            )
            if not self._is_current(subscription):
                return
            if announce:
                subscription.floor = last_id if since is None or events is None else since
                await self.send_frame({"type": "subscribed", "stream": stream, "last_id": last_id})
                announce = False
            elif events is None:
                subscription.floor = max(subscription.floor, last_id)
            if events is None:
                await self.send_frame({"type": "reload", "stream": stream})
            for event in events or ():
                if not self._is_current(subscription):
                    return
                await self._deliver(subscription, event)
            # Sending yields to the fan-out, which appends to the buffer: drain until empty,
            # and switch to live with no await between the last check and the switch.
            while subscription.buffer or subscription.overflowed:
                if not self._is_current(subscription):
                    return
                if subscription.buffer:
                    event, frame = subscription.buffer.pop(0)
                    await self._deliver(subscription, event, frame)
                    continue
                subscription.overflowed = False
                logger.warning("Live buffer of %s overflowed during replay; client told to reload", stream)
                await self.send_frame({"type": "reload", "stream": stream})
            if not subscription.resync_requested:
                break
            since = subscription.high_water()
        subscription.state = State.LIVE

    async def stream_event(self, subscription: Subscription, event: Event, frame: str) -> None:
        """A live event from the fan-out (realtime.events.publish in any process), with its frame."""
        if self.closed or self.subscriptions.get(subscription.stream) is not subscription:
            return  # left the stream meanwhile
        if subscription.state is State.LIVE:
            await self._deliver(subscription, event, frame)
        elif subscription.state is State.BUFFERING:
            if len(subscription.buffer) >= setting("REALTIME_BUFFER_LIMIT"):
                if not subscription.overflowed:
                    logger.warning("Dropped live events of %s: its buffer is full while a replay runs", event["stream"])
                subscription.overflowed = True
            else:
                subscription.buffer.append((event, frame))

    def resync(self, subscription: Subscription) -> None:
        """The fan-out may have missed live events (Redis dropped): replay from the highest id sent."""
        if self.closed or self.subscriptions.get(subscription.stream) is not subscription:
            return
        if subscription.state is State.BUFFERING:
            subscription.resync_requested = True  # the running replay passes once more
        elif subscription.state is State.LIVE:
            subscription.state = State.BUFFERING
            subscription.task = asyncio.ensure_future(self._catch_up(subscription))

    async def _catch_up(self, subscription: Subscription) -> None:
        try:
            await self._replay_and_go_live(subscription, subscription.high_water(), announce=False)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The subscription stays open; the client catches up at its next reconnect or reload.
            logger.exception("Catching up on %s failed", subscription.stream)
            if self._is_current(subscription):
                subscription.buffer.clear()
                subscription.state = State.LIVE
                await self.send_frame({"type": "reload", "stream": subscription.stream})

    async def _deliver(self, subscription: Subscription, event: Event, frame: str | None = None) -> None:
        """Send one event unless the client has it already (ids at or below its floor, or sent before).

        `frame` is the event frame the fan-out serialised once for every socket; replayed
        events (per viewer) are serialised here.
        """
        event_id = event.get("id")
        if event_id is not None:
            if event_id <= subscription.floor or event_id in subscription.sent_ids:
                return
            subscription.sent_ids.add(event_id)
            if len(subscription.sent_ids) > SENT_IDS_KEPT:
                oldest = sorted(subscription.sent_ids)[: SENT_IDS_KEPT // 2]
                subscription.sent_ids.difference_update(oldest)
                subscription.floor = max(subscription.floor, oldest[-1])
        if frame is not None:
            if not self.closed:
                # Straight to the server: this runs once per socket for every live event.
                await self.base_send({"type": "websocket.send", "text": frame})
            return
        await self.send_frame(
            {
                "type": "event",
                "stream": subscription.stream,
                "id": event_id,
                "kind": event["kind"],
                "payload": event["payload"],
            }
        )

    async def _remove(self, subscription: Subscription) -> None:
        """End a subscription: nothing of its stream is sent after this (a running task sees it is gone)."""
        if self.subscriptions.get(subscription.stream) is subscription:
            del self.subscriptions[subscription.stream]
        self._leave(subscription)

    def _leave(self, subscription: Subscription) -> None:
        if subscription.joined:
            subscription.joined = False
            fanout.leave(subscription.stream, subscription)

    # -- access re-checks ------------------------------------------------------------------

    async def realtime_recheck(self, message: dict[str, Any]) -> None:
        """Control message from realtime.events.request_recheck (per-user group)."""
        await self.recheck()

    async def _recheck_periodically(self) -> None:
        while not self.closed:
            interval = float(setting("REALTIME_RECHECK_SECONDS"))
            if interval <= 0:
                return
            # Jitter spreads the re-checks of many sockets opened at once.
            await asyncio.sleep(interval * random.uniform(0.9, 1.1))  # noqa: S311
            if self.subscriptions:
                try:
                    await self.recheck()
                except Exception:
                    logger.exception("Periodic re-check failed")

    async def recheck(self) -> None:
        """Load the member afresh (session, account, memberships) and end every subscription they lost."""
        async with self.recheck_lock:
            if self.closed:
                return
            user = await database_sync_to_async(_fresh_user)(self.scope, self.user)
            self.user = user
            if self.control_group and not user.is_authenticated:
                await self.channel_layer.group_discard(self.control_group, self.channel_name)
                self.control_group = None
            subscriptions = list(self.subscriptions.values())
            if not subscriptions:
                return
            allowed = await database_sync_to_async(_check_all)(user, subscriptions)
            for subscription, ok in zip(subscriptions, allowed, strict=True):
                if ok or not self._is_current(subscription):
                    continue
                await self._remove(subscription)
                await self.send_error("forbidden", "You may no longer follow this stream.", stream=subscription.stream)
                await self.send_frame({"type": "unsubscribed", "stream": subscription.stream, "reason": "forbidden"})

    # -- sending -----------------------------------------------------------------------------

    async def send_frame(self, frame: dict[str, Any]) -> None:
        if self.closed:
            return
        await self.send(text_data=json.dumps(frame, cls=DjangoJSONEncoder, separators=(",", ":")))

    async def send_error(self, code: str, message: str, *, stream: str | None = None) -> None:
        frame: ErrorFrame = {"type": "error", "code": code, "message": message}
        if stream is not None:
            frame["stream"] = stream
        await self.send_frame(dict(frame))

    async def _close(self, code: int) -> None:
        await self.close(code=code)
        self.closed = True


def _replay(kind: StreamKind, user: Any, key: str, since: int | None, limit: int) -> tuple[int, list[Event] | None]:
    """The stream's last id and the events after `since` (None: more than `limit`, reload)."""
    if not kind.persistent or kind.last_id is None or kind.replay is None:
        return 0, []
    last_id = kind.last_id(key)
    if since is None or since >= last_id:
        return last_id, []
    return last_id, kind.replay(user, key, since, limit)


def _check_all(user: Any, subscriptions: list[Subscription]) -> list[bool]:
    """Ask each stream's permission function again; an error counts as no access."""
    results: list[bool] = []
    for subscription in subscriptions:
        try:
            results.append(bool(subscription.kind.can_subscribe(user, subscription.key)))
        except Exception:
            logger.exception("Permission re-check of %s failed", subscription.stream)
            results.append(False)
    return results


def _fresh_user(scope: dict[str, Any], current: Any) -> Any:
    """The member as the session says now: logged out, deactivated or changed password -> anonymous.

    A new object, so per-user caches (team ids, permissions, verified e-mail) are read again.
    """
    if not getattr(current, "is_authenticated", False):
        return current
    session = scope.get("session")
    session_key = getattr(session, "session_key", None) if session is not None else None
    if not session_key:
        return AnonymousUser()
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
