"""The one publishing function for realtime events; services call it, nothing else sends events.

Events go to the subscribers through realtime.fanout (Redis pub/sub between processes,
in-process without Redis); the channel layer carries only per-connection control
messages such as the access re-check.
"""

from __future__ import annotations

import logging
import re
from typing import Any, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

STREAM_PATTERN = re.compile(r"^(?P<kind>[a-z]+):(?P<key>[A-Za-z0-9_-]{1,64})$")

# Sent in-process after a commit, for observers that are not websockets (tests, logging).
event_published = Signal()


class Event(TypedDict):
    stream: str
    id: int | None
    kind: str
    payload: dict[str, Any]


def group_name(stream: str) -> str:
    """A stream's name without a colon, `topic:42` -> `stream.topic.42` (the Redis channel, after a prefix)."""
    match = STREAM_PATTERN.match(stream)
    if match is None:
        raise ValueError(f"Not a stream name: {stream!r}")
    return f"stream.{match['kind']}.{match['key']}"


def user_group(user_id: int) -> str:
    """The per-user control group every socket of a logged-in member joins (access rechecks)."""
    return f"realtime.user.{int(user_id)}"


def publish(*, stream: str, kind: str, payload: dict[str, Any], event_id: int | None = None) -> None:
    """Deliver an event to a stream's subscribers in every process once the current transaction has committed.

    `event_id` is the event's position in its stream (post number, chat message id,
    notification id) for persistent events, None for ephemeral ones (typing, presence).
    A failure to deliver is logged, never raised: the database stays the record and
    clients catch up by replay.
    """
    event: Event = {"stream": stream, "id": event_id, "kind": kind, "payload": payload}
    group_name(stream)  # a malformed name fails here, in the service, not after the commit
    transaction.on_commit(lambda: _deliver(event))


def _deliver(event: Event) -> None:
    from .fanout import fanout

    event_published.send(sender=publish, event=event)
    try:
        fanout.publish(event)
    except Exception:  # delivery is best effort; replay from the database fills gaps
        logger.exception("Could not publish %s to %s; subscribers catch up by replay", event["kind"], event["stream"])


def request_recheck(user_id: int) -> None:
    """Ask every open socket of this member to re-check its subscriptions now, after commit.

    Services call it when a member may have lost access (team membership removed,
    account deactivated, role taken away); without it sockets re-check on their own
    every REALTIME_RECHECK_SECONDS.
    """
    group = user_group(user_id)
    transaction.on_commit(lambda: _send_control(group, {"type": "realtime.recheck"}))


def _send_control(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # the periodic re-check still ends lost subscriptions
        logger.exception("Could not send %s to %s", message["type"], group)
