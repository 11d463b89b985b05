"""The user:<id> stream: a member's own notifications, replayed since an id and then live."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from notifications.services import notification_create

from .conftest import Socket, events_of

pytestmark = pytest.mark.django_db


def notify(*, recipient, title: str):
    return notification_create(
        recipient=recipient, kind="moderation_outcome", data={"title": title, "url": "/foren/"}, actor=None
    )


def test_the_user_stream_replays_notifications_since_an_id_and_then_streams_live(member, live):
    first = notify(recipient=member, title="Erste")
    second = notify(recipient=member, title="Zweite")
    third = notify(recipient=member, title="Dritte")

    async def scenario():
        socket = await Socket.connect(member)
        frames = await socket.subscribe(f"user:{member.pk}", since=first.pk)
        newest = await live(notify, recipient=member, title="Vierte")
        frames += await socket.drain()
        await socket.close()
        return frames, newest

    frames, newest = async_to_sync(scenario)()

    assert frames[0] == {"type": "subscribed", "stream": f"user:{member.pk}", "last_id": third.pk}
    events = events_of(frames)
    assert [(event["kind"], event["id"]) for event in events] == [
        ("notification.created", second.pk),
        ("notification.created", third.pk),
        ("notification.created", newest.pk),
    ]
    assert events[0]["payload"] == {
        "kind": "moderation_outcome",
        "title": "Zweite",
        "url": "/foren/",
        "unread_count": 3,
    }
    assert events[2]["payload"]["unread_count"] == 4


def test_another_members_notifications_never_reach_the_socket(member, live):
    from tests.factories import MemberFactory

    other = MemberFactory()

    async def scenario():
        socket = await Socket.connect(member)
        refused = await socket.subscribe(f"user:{other.pk}", since=0)
        await socket.subscribe(f"user:{member.pk}")
        await live(notify, recipient=other, title="Nicht für dich")
        await live(notify, recipient=member, title="Für dich")
        frames = await socket.drain()
        await socket.close()
        return refused, frames

    refused, frames = async_to_sync(scenario)()

    assert [frame["code"] for frame in refused] == ["forbidden"]
    assert [event["payload"]["title"] for event in events_of(frames)] == ["Für dich"]
