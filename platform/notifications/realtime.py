"""The notifications' realtime stream `user:<id>`: a member's own notifications, registered in ready()."""

from __future__ import annotations

from community import permissions as community_permissions
from realtime.events import Event
from realtime.streams import UserLike, register_stream

from . import selectors
from .models import Notification


def can_subscribe_user(user: UserLike, key: str) -> bool:
    """Only the member themselves, and only while their account is active."""
    return community_permissions.is_authenticated(user) and str(user.pk) == key


def replay_user(user: UserLike, key: str, since: int, limit: int) -> list[Event] | None:
    """notification.created events for the member's notifications with an id above `since`.

    The payload is the one notifications.services publishes; unread_count is the count now.
    """
    notifications = list(
        Notification.objects.filter(recipient_id=int(key), pk__gt=since)
        .order_by("pk")
        .only("pk", "kind", "data")[: limit + 1]
    )
    if len(notifications) > limit:
        return None
    if not notifications:
        return []
    unread = selectors.unread_count(user=user)
    stream = f"user:{key}"
    return [
        {
            "stream": stream,
            "id": notification.pk,
            "kind": "notification.created",
            "payload": {
                "kind": notification.kind,
                "title": notification.title,
                "url": notification.url,
                "unread_count": unread,
            },
        }
        for notification in notifications
    ]


def last_user_id(key: str) -> int:
    return Notification.objects.filter(recipient_id=int(key)).order_by("-pk").values_list("pk", flat=True).first() or 0


def register() -> None:
    register_stream("user", can_subscribe=can_subscribe_user, replay=replay_user, last_id=last_user_id)
