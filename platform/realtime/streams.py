"""The registry of stream kinds: apps register their streams (permission, replay, last id); the hub knows no app."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .events import STREAM_PATTERN, Event

UserLike = Any  # a User or AnonymousUser

# Most streams are keyed by a database id: "topic:42".
INTEGER_KEY = re.compile(r"^[1-9][0-9]{0,17}$")

CanSubscribe = Callable[[UserLike, str], bool]
# Events with id > since in id order, at most `limit` of them; None when there are more
# (the gap is too large to replay: the client must reload).
Replay = Callable[[UserLike, str, int, int], "list[Event] | None"]
LastId = Callable[[str], int]


class StreamError(ValueError):
    """A stream name the hub cannot serve; `code` is the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class StreamKind:
    kind: str
    can_subscribe: CanSubscribe
    replay: Replay | None
    last_id: LastId | None
    persistent: bool
    key_pattern: re.Pattern[str]


_registry: dict[str, StreamKind] = {}


def register_stream(
    kind: str,
    *,
    can_subscribe: CanSubscribe,
    replay: Replay | None = None,
    last_id: LastId | None = None,
    persistent: bool = True,
    key_pattern: re.Pattern[str] = INTEGER_KEY,
) -> StreamKind:
    """Register (or replace) a stream kind; call from the owning app's AppConfig.ready().

    All three callables are synchronous and may use the ORM (the hub runs them in a
    worker thread). `can_subscribe` answers with the same rules as the HTTP views.
    A persistent kind needs `replay` and `last_id`; an ephemeral one (typing,
    presence) has neither and its events carry no id.
    """
    if not re.fullmatch(r"[a-z]+", kind):
        raise ValueError(f"A stream kind is lower-case letters only: {kind!r}")
    if persistent and (replay is None or last_id is None):
        raise ValueError(f"The persistent stream kind {kind!r} needs replay and last_id.")
    stream_kind = StreamKind(
        kind=kind,
        can_subscribe=can_subscribe,
        replay=replay,
        last_id=last_id,
        persistent=persistent,
        key_pattern=key_pattern,
    )
    _registry[kind] = stream_kind
    return stream_kind


def unregister_stream(kind: str) -> None:
    _registry.pop(kind, None)


def registered_kinds() -> list[str]:
    return sorted(_registry)


def get_stream_kind(kind: str) -> StreamKind | None:
    return _registry.get(kind)


def parse_stream(name: Any) -> tuple[StreamKind, str]:
    """The registered kind and key of a stream name, or StreamError (bad_stream / unknown_stream)."""
    if not isinstance(name, str):
        raise StreamError("bad_stream", "A stream name is a string like topic:42.")
    match = STREAM_PATTERN.match(name)
    if match is None:
        raise StreamError("bad_stream", "A stream name is a string like topic:42.")
    stream_kind = _registry.get(match["kind"])
    if stream_kind is None:
        raise StreamError("unknown_stream", "There is no such kind of stream.")
    if not stream_kind.key_pattern.fullmatch(match["key"]):
        raise StreamError("bad_stream", "The stream name has a key this kind of stream does not use.")
    return stream_kind, match["key"]
