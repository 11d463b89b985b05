"""Who is in a chat room and who is typing: ephemeral state in the cache, renewed by heartbeats, never in the database.

Presence is the first thing to give up under load: every cache operation here is allowed to fail
(the answer is then "unavailable", logged), `CHAT_PRESENCE_ENABLED = False` switches it off, and
nothing in sending or reading messages depends on it. The reads live in this module too, because
they read nothing but this module's own cache keys.

Cache layout per room (the Django cache, `CHAT_PRESENCE_CACHE` alias):

- `chat:presence:<room>:<user>`: {"name", "at"}, expires `CHAT_PRESENCE_TTL_SECONDS` after the
  last heartbeat or page view. This key alone says whether a member is online.
- `chat:presence:<room>`: the roster, {user_id: time added}. The cache API cannot list keys, so
  the roster names the candidates; it is rewritten (under a short lock) only when someone joins,
  and reads drop the ids whose own key has expired. Capped at `CHAT_PRESENCE_MAX` members.
- `chat:typing:<room>:<user>`: {"at"}, expires `CHAT_TYPING_TTL_SECONDS` after the last
  typing notice.

Times are also stored in the values and compared with `_now()`, so an entry counts as expired
exactly after its TTL whatever the cache backend's own expiry granularity is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from community.models import User
from realtime.events import publish

from .. import permissions
from ..models import Room

logger = logging.getLogger(__name__)

T = TypeVar("T")

KIND_PRESENCE = "presence.changed"
KIND_TYPING = "typing.started"

# The roster lives much longer than one member's presence: it is only rewritten on joins, and
# an expired roster would make everybody "join" again at once.
ROSTER_TIMEOUT = 24 * 3600
LOCK_TIMEOUT = 2
LOCK_ATTEMPTS = 3

OK = "ok"
RATE_LIMITED = "rate_limited"
DISABLED = "disabled"
UNAVAILABLE = "unavailable"


# -- settings (read when used, so tests and operators can change them) ------------------------------


def presence_enabled() -> bool:
    return bool(getattr(settings, "CHAT_PRESENCE_ENABLED", True))


def presence_ttl() -> int:
    """Seconds a member stays online after the last heartbeat or page view."""
    return max(int(getattr(settings, "CHAT_PRESENCE_TTL_SECONDS", 60)), 2)


def heartbeat_seconds() -> int:
    """How often an open room page renews presence; clients take it from the page and every answer."""
    return max(min(int(getattr(settings, "CHAT_PRESENCE_HEARTBEAT_SECONDS", 30)), presence_ttl() - 1), 1)


def heartbeat_min_interval() -> int:
    """Heartbeats of one member in one room closer together than this are refused (429)."""
    return max(heartbeat_seconds() // 3, 1)


def typing_ttl() -> int:
    """Seconds "… is typing" shows after the last typing notice."""
    return max(int(getattr(settings, "CHAT_TYPING_TTL_SECONDS", 5)), 1)


def typing_interval() -> int:
    """How often a client sends a typing notice while the member types: well within the TTL."""
    return max(typing_ttl() * 3 // 5, 1)


def typing_min_interval() -> int:
    """Typing notices closer together than this are refused (429) and not published."""
    return max(typing_interval() - 1, 1)


def roster_max() -> int:
    """Most members tracked per room; beyond that newcomers are not listed (the list says how many are)."""
    return max(int(getattr(settings, "CHAT_PRESENCE_MAX", 200)), 1)


def shown_max() -> int:
    """Most names an online list and a presence event carry; the count covers the rest."""
    return max(int(getattr(settings, "CHAT_PRESENCE_SHOWN", 50)), 1)


def _cache() -> BaseCache:
    return caches[getattr(settings, "CHAT_PRESENCE_CACHE", "default")]


def _now() -> float:
    return time.time()


# -- keys -----------------------------------------------------------------------------------------


def _presence_key(room_id: int, user_id: int) -> str:
    return f"chat:presence:{room_id}:{user_id}"


def _roster_key(room_id: int) -> str:
    return f"chat:presence:{room_id}"


def _typing_key(room_id: int, user_id: int) -> str:
    return f"chat:typing:{room_id}:{user_id}"


def _stream(room: Room) -> str:
    return f"chat:{room.pk}"


# -- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnlineMember:
    user_id: int
    name: str

    def as_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "name": self.name}


@dataclass(frozen=True)
class PresenceSnapshot:
    """Who is online in a room (and typing), the same for every viewer: nothing per-viewer in it."""

    enabled: bool = True
    available: bool = True
    online: list[OnlineMember] = field(default_factory=list)
    count: int = 0
    typing: list[OnlineMember] = field(default_factory=list)

    @property
    def heartbeat_seconds(self) -> int:
        return heartbeat_seconds()

    @property
    def typing_seconds(self) -> int:
        return typing_ttl()

    @property
    def typing_interval(self) -> int:
        return typing_interval()

    def as_json(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "available": self.available,
            "heartbeat_seconds": heartbeat_seconds(),
            "typing_seconds": typing_ttl(),
            "online": [member.as_json() for member in self.online],
            "count": self.count,
            "typing": [member.as_json() for member in self.typing],
        }


@dataclass(frozen=True)
class PresenceResult:
    status: str
    snapshot: PresenceSnapshot
    joined: bool = False


# -- helpers --------------------------------------------------------------------------------------


def _display_name(user: User) -> str:
    # The name every message of theirs shows; stored in the cache so listing needs no query.
    return str(user)


def _alive(value: Any, ttl: int, now: float) -> bool:
    return isinstance(value, dict) and isinstance(value.get("at"), int | float) and value["at"] + ttl > now


def _throttle(cache: BaseCache, key: str, interval: int, now: float) -> bool:
    """True if the action may happen now (and records it); False within `interval` of the last one."""
    if cache.add(key, now, interval):
        return True
    last = cache.get(key)
    if isinstance(last, int | float) and now - last < interval:
        return False
    # The key outlived its time (the cache expires lazily or coarsely): take it over.
    cache.set(key, now, interval)
    return True


def _locked(cache: BaseCache, room_id: int, update: Callable[[], T]) -> T:
    """Run a read-modify-write of the roster under a short lock (cache.add is atomic).

    Without the lock after a few tries it runs anyway: a lost update only hides a member until
    their next heartbeat puts them back, which is better than refusing the heartbeat.
    """
    lock = f"{_roster_key(room_id)}:lock"
    for attempt in range(LOCK_ATTEMPTS):
        if cache.add(lock, 1, LOCK_TIMEOUT):
            try:
                return update()
            finally:
                cache.delete(lock)
        time.sleep(0.01 * (attempt + 1))
    return update()


def _read(cache: BaseCache, room_id: int, roster: dict[int, float], now: float) -> PresenceSnapshot:
    """The snapshot for a roster: one get_many for every member's presence and typing keys."""
    keys: dict[str, tuple[str, int]] = {}
    for user_id in roster:
        keys[_presence_key(room_id, user_id)] = ("presence", user_id)
        keys[_typing_key(room_id, user_id)] = ("typing", user_id)
    values = cache.get_many(list(keys)) if keys else {}
    ttl, typing_seconds = presence_ttl(), typing_ttl()
    names: dict[int, str] = {}
    typing_ids: list[int] = []
    for key, value in values.items():
        kind, user_id = keys[key]
        if kind == "presence" and _alive(value, ttl, now):
            names[user_id] = str(value.get("name", ""))
        elif kind == "typing" and _alive(value, typing_seconds, now):
            typing_ids.append(user_id)
    online = sorted(
        (OnlineMember(user_id=user_id, name=name) for user_id, name in names.items()),
        key=lambda member: (member.name.casefold(), member.user_id),
    )
    typing = [OnlineMember(user_id=user_id, name=names[user_id]) for user_id in sorted(typing_ids) if user_id in names]
    return PresenceSnapshot(online=online[: shown_max()], count=len(online), typing=typing)


def _roster(cache: BaseCache, room_id: int) -> dict[int, float]:
    roster = cache.get(_roster_key(room_id))
    return roster if isinstance(roster, dict) else {}


def _roster_add(cache: BaseCache, room_id: int, user_id: int, now: float) -> tuple[dict[int, float], bool]:
    """Put a member on the roster, dropping the expired ones; (roster, added). Not added when full."""

    def update() -> tuple[dict[int, float], bool]:
        roster = _roster(cache, room_id)
        if user_id in roster:
            return roster, False
        keys = {_presence_key(room_id, uid): uid for uid in roster}
        values = cache.get_many(list(keys)) if keys else {}
        ttl = presence_ttl()
        alive = {keys[key] for key, value in values.items() if _alive(value, ttl, now)}
        roster = {uid: added for uid, added in roster.items() if uid in alive}
        added = len(roster) < roster_max()
        if added:
            roster[user_id] = now
        cache.set(_roster_key(room_id), roster, ROSTER_TIMEOUT)
        return roster, added

    return _locked(cache, room_id, update)


def _publish_presence(room: Room, snapshot: PresenceSnapshot) -> None:
    publish(
        stream=_stream(room),
        kind=KIND_PRESENCE,
        payload={
            "room_id": room.pk,
            "online": [member.as_json() for member in snapshot.online],
            "count": snapshot.count,
        },
    )


# -- reads ----------------------------------------------------------------------------------------


def presence_snapshot(*, room: Room) -> PresenceSnapshot:
    """Who is online in the room now (and typing); empty and `available=False` if the cache fails."""
    if not presence_enabled():
        return PresenceSnapshot(enabled=False)
    try:
        cache = _cache()
        return _read(cache, room.pk, _roster(cache, room.pk), _now())
    except Exception:  # presence is optional; the room works without it
        logger.warning("Chat presence unavailable (room %s)", room.pk, exc_info=True)
        return PresenceSnapshot(available=False)


# -- writes ---------------------------------------------------------------------------------------


def presence_touch(*, user: User, room: Room, heartbeat: bool = False) -> PresenceResult:
    """Mark a member online in a room for the next CHAT_PRESENCE_TTL_SECONDS and say who is online.

    Called by the room page on every view (so visitors without JavaScript are listed too) and by
    the page's heartbeat (`heartbeat=True`, rate-limited per member and room). A member who was
    not online yet is announced to the room as a `presence.changed` event (no id: not replayed).
    Writes nothing to the database.
    """
    if not permissions.chat_can_view_room(user, room):
        raise PermissionDenied(_("You may not open this room."))
    if not presence_enabled():
        return PresenceResult(status=DISABLED, snapshot=PresenceSnapshot(enabled=False))
    now = _now()
    ttl = presence_ttl()
    try:
        cache = _cache()
        if heartbeat and not _throttle(cache, f"chat:presence:beat:{room.pk}:{user.pk}", heartbeat_min_interval(), now):
            return PresenceResult(status=RATE_LIMITED, snapshot=PresenceSnapshot())
        key = _presence_key(room.pk, user.pk)
        was_online = _alive(cache.get(key), ttl, now)
        cache.set(key, {"name": _display_name(user), "at": now}, ttl)
        roster = _roster(cache, room.pk)
        added = False
        if user.pk not in roster:
            roster, added = _roster_add(cache, room.pk, user.pk, now)
        snapshot = _read(cache, room.pk, roster, now)
    except Exception:  # presence is optional; the room works without it
        logger.warning("Chat presence unavailable (room %s)", room.pk, exc_info=True)
        return PresenceResult(status=UNAVAILABLE, snapshot=PresenceSnapshot(available=False))
    joined = added or not was_online
    if joined:
        _publish_presence(room, snapshot)
    return PresenceResult(status=OK, snapshot=snapshot, joined=joined)


def typing_start(*, user: User, room: Room, silenced: bool = False) -> str:
    """Tell the room "… is typing" for CHAT_TYPING_TTL_SECONDS: a `typing.started` event (no id).

    Only members who may write here type; a client sends this at most every `typing_interval()`
    seconds while its member types, and closer notices are refused (RATE_LIMITED, nothing sent).
    """
    if not permissions.chat_can_write(user, room, silenced_in_room=silenced):
        raise PermissionDenied(_("You may not write in this room."))
    if not presence_enabled():
        return DISABLED
    now = _now()
    try:
        cache = _cache()
        if not _throttle(cache, f"chat:typing:beat:{room.pk}:{user.pk}", typing_min_interval(), now):
            return RATE_LIMITED
        cache.set(_typing_key(room.pk, user.pk), {"at": now}, typing_ttl())
    except Exception:  # typing notices are optional; writing works without them
        logger.warning("Chat typing unavailable (room %s)", room.pk, exc_info=True)
        return UNAVAILABLE
    publish(
        stream=_stream(room),
        kind=KIND_TYPING,
        payload={
            "room_id": room.pk,
            "user_id": user.pk,
            "name": _display_name(user),
            "expires_in": typing_ttl(),
        },
    )
    return OK
