"""Chat wiring done in ForumsConfig.ready(): the `chat:<room_id>` stream, the `chat.mention` kind, room creation."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from realtime.events import Event
from realtime.streams import UserLike, register_stream

from . import permissions
from .models import Message, Room


def _room(key: str) -> Room | None:
    return Room.objects.filter(pk=int(key)).first()


def can_subscribe_room(user: UserLike, key: str) -> bool:
    """The same rule as the room page: anonymous visitors never, outsiders of team and private rooms never."""
    room = _room(key)
    return room is not None and permissions.chat_can_view_room(user, room)


def replay_room(user: UserLike, key: str, since: int, limit: int) -> list[Event] | None:
    """message.created events for messages with an id above `since`, in id order; None beyond `limit`.

    Deleted messages are skipped, hidden ones too unless the viewer wrote them or moderates the room
    (ids only need to grow, not be contiguous). Payloads are built exactly as message_send builds them.
    """
    from .services.chat import message_payload

    room = _room(key)
    if room is None:
        return []
    messages = list(
        Message.objects.filter(room=room, pk__gt=since)
        .select_related("author", "reply_to__author")
        .order_by("pk")[: limit + 1]
    )
    if len(messages) > limit:
        return None
    moderator = permissions.chat_can_moderate_room(user, room)
    stream = f"chat:{room.pk}"
    events: list[Event] = []
    for message in messages:
        message.room = room
        if message.is_deleted:
            continue
        if message.is_hidden and not moderator and not (user.is_authenticated and message.author_id == user.pk):
            continue
        events.append(
            {"stream": stream, "id": message.pk, "kind": "message.created", "payload": message_payload(message)}
        )
    return events


def last_room_id(key: str) -> int:
    return Room.objects.filter(pk=int(key)).values_list("last_message_id", flat=True).first() or 0


def _handlungsfeld_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from .services.chat import room_ensure_for_handlungsfeld

        room_ensure_for_handlungsfeld(handlungsfeld=instance)


def _team_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:
        from .services.chat import room_ensure_for_team

        room_ensure_for_team(team=instance)


def register() -> None:
    from community.models import Handlungsfeld, Team
    from notifications.registry import register_kind

    register_stream("chat", can_subscribe=can_subscribe_room, replay=replay_room, last_id=last_room_id, persistent=True)
    register_kind("chat.mention", _("Mention in the chat"), icon="chat")
    # Every Handlungsfeld and team has its room from the start (a loosely coupled side effect).
    post_save.connect(_handlungsfeld_saved, sender=Handlungsfeld, dispatch_uid="forums_chat_handlungsfeld_room")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="forums_chat_team_room")
