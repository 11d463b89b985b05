"""Lossless replay: what a client missed comes from the database, then live events follow, each id exactly once."""

from __future__ import annotations

import dataclasses

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import services as forum_services
from forums.services.posting import _post_payload
from realtime import streams as stream_registry

from .conftest import Socket, events_of, ids_of, reply, start_topic

pytestmark = pytest.mark.django_db


def run(scenario):
    return async_to_sync(scenario)()


def test_a_subscriber_since_an_older_post_gets_the_newer_posts_in_order(public_topic, member):
    posts = [reply(public_topic) for _ in range(3)]

    async def scenario():
        socket = await Socket.connect(member)
        frames = await socket.subscribe(f"topic:{public_topic.pk}", since=1)
        await socket.close()
        return frames

    frames = run(scenario)

    assert frames[0] == {"type": "subscribed", "stream": f"topic:{public_topic.pk}", "last_id": 4}
    assert frames[1:] == [
        {
            "type": "event",
            "stream": f"topic:{public_topic.pk}",
            "id": post.post_number,
            "kind": "post.created",
            "payload": _post_payload(post),
        }
        for post in posts
    ]


def test_a_subscriber_that_is_up_to_date_gets_no_replay(public_topic):
    reply(public_topic)

    async def scenario():
        socket = await Socket.connect()
        up_to_date = await socket.subscribe(f"topic:{public_topic.pk}", since=2)
        await socket.send(type="unsubscribe", stream=f"topic:{public_topic.pk}")
        await socket.drain()
        from_the_future = await socket.subscribe(f"topic:{public_topic.pk}", since=50)
        await socket.close()
        return up_to_date, from_the_future

    up_to_date, from_the_future = run(scenario)

    assert [frame["type"] for frame in up_to_date] == ["subscribed"]
    assert [frame["type"] for frame in from_the_future] == ["subscribed"]


def test_deleted_posts_are_not_replayed_and_hidden_ones_only_to_moderators(public_topic, member, moderator):
    kept, deleted, hidden = reply(public_topic), reply(public_topic), reply(public_topic)
    forum_services.post_delete(actor=deleted.author, post=deleted)
    # Hidden by moderation (the moderation services come with their own area; the state is one field).
    type(hidden).objects.filter(pk=hidden.pk).update(hidden_at=hidden.created_at, hidden_reason="spam")

    async def scenario(user):
        socket = await Socket.connect(user)
        frames = await socket.subscribe(f"topic:{public_topic.pk}", since=1)
        await socket.close()
        return frames

    assert ids_of(async_to_sync(scenario)(member)) == [kept.post_number]
    assert ids_of(async_to_sync(scenario)(moderator)) == [kept.post_number, hidden.post_number]
    assert ids_of(async_to_sync(scenario)(hidden.author)) == [kept.post_number, hidden.post_number]


def test_a_gap_larger_than_the_replay_limit_gets_reload_and_the_stream_goes_on_live(public_topic, live):
    for _ in range(201):
        reply(public_topic)  # posts 2..202: 201 newer than post 1

    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(f"topic:{public_topic.pk}", since=1)
        await live(reply, topic=public_topic)
        frames += await socket.drain()
        await socket.close()
        return frames

    frames = run(scenario)

    stream = f"topic:{public_topic.pk}"
    assert frames[0] == {"type": "subscribed", "stream": stream, "last_id": 202}
    assert frames[1] == {"type": "reload", "stream": stream}
    assert ids_of(frames) == [203]


def test_a_gap_of_exactly_the_replay_limit_is_replayed(public_topic, settings):
    settings.REALTIME_REPLAY_LIMIT = 5
    for _ in range(5):
        reply(public_topic)

    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(f"topic:{public_topic.pk}", since=1)
        await socket.close()
        return frames

    frames = run(scenario)

    assert "reload" not in [frame["type"] for frame in frames]
    assert ids_of(frames) == [2, 3, 4, 5, 6]


def test_live_events_follow_the_subscription_and_events_without_id_pass_through(public_topic, member, live):
    async def scenario():
        socket = await Socket.connect()
        await socket.subscribe(f"topic:{public_topic.pk}", since=1)
        post = await live(reply, topic=public_topic, author=member)
        await live(forum_services.post_edit, editor=member, post=post, body_markdown="Korrigiert: die Stadtbibliothek.")
        frames = await socket.drain()
        await socket.close()
        return frames

    frames = run(scenario)

    assert [(frame["kind"], frame["id"]) for frame in events_of(frames)] == [("post.created", 2), ("post.edited", None)]


def test_the_replay_and_live_race_delivers_every_post_exactly_once_in_order(public_topic, live, monkeypatch):
    """Posts are published while the replay runs: one before its query (so in both), one after (live only)."""
    for _ in range(2):
        reply(public_topic)  # posts 2, 3 exist before the subscribe
    original = stream_registry.get_stream_kind("topic")
    calls = []

    def racing_replay(user, key, since, limit):
        calls.append(since)
        live.sync(reply, topic=public_topic)  # post 4: committed and published before the query...
        events = original.replay(user, key, since, limit)  # ...so the query finds it too
        live.sync(reply, topic=public_topic)  # post 5: committed after the query, only live
        return events

    monkeypatch.setitem(stream_registry._registry, "topic", dataclasses.replace(original, replay=racing_replay))

    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(f"topic:{public_topic.pk}", since=1)
        await live(reply, topic=public_topic)  # post 6: plain live
        frames += await socket.drain()
        await socket.close()
        return frames

    frames = run(scenario)

    assert calls == [1]
    assert ids_of(frames) == [2, 3, 4, 5, 6]
    assert [frame["type"] for frame in frames][:1] == ["subscribed"]


def test_after_a_reconnect_the_client_gets_what_it_missed_exactly_once(public_topic, live):
    stream = f"topic:{public_topic.pk}"

    async def scenario():
        first = await Socket.connect()
        frames = await first.subscribe(stream, since=1)
        await live(reply, topic=public_topic)  # 2, seen live
        frames += await first.drain()
        await first.close()  # the train enters the tunnel
        for _ in range(3):
            await live(reply, topic=public_topic)  # 3, 4, 5 missed
        last_seen = max(ids_of(frames))
        second = await Socket.connect()
        frames += await second.subscribe(stream, since=last_seen)
        await live(reply, topic=public_topic)  # 6
        frames += await second.drain()
        await second.close()
        return frames

    assert ids_of(run(scenario)) == [2, 3, 4, 5, 6]


def test_a_category_stream_replays_new_topics_by_id(public_category, live):
    first = start_topic(public_category, title="Das erste Thema hier")
    second = start_topic(public_category, title="Das zweite Thema hier")
    third = start_topic(public_category, title="Das dritte Thema hier")

    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(f"category:{public_category.pk}", since=first.pk)
        newest = await live(start_topic, category=public_category, title="Das vierte Thema hier")
        frames += await socket.drain()
        await socket.close()
        return frames, newest

    frames, newest = run(scenario)

    assert frames[0]["last_id"] == third.pk
    assert [(frame["kind"], frame["id"]) for frame in events_of(frames)] == [
        ("topic.created", second.pk),
        ("topic.created", third.pk),
        ("topic.created", newest.pk),
    ]
    assert events_of(frames)[0]["payload"] == {
        "topic_id": second.pk,
        "category_id": public_category.pk,
        "author_id": second.author_id,
    }


def test_subscribe_with_replay_takes_at_most_three_queries_once_the_socket_knows_the_member(public_category, member):
    topics = [start_topic(public_category, title=f"Thema mit Antworten {n}") for n in range(2)]
    for topic in topics:
        for _ in range(5):
            reply(topic)

    async def subscribe(socket, topic):
        return await socket.subscribe(f"topic:{topic.pk}", since=1)

    async def scenario():
        socket = await Socket.connect(member)
        await subscribe(socket, topics[0])  # loads the member's roles once per socket
        # Entered and left in the database thread (the consumer's queries run there too).
        queries = CaptureQueriesContext(connection)
        await database_sync_to_async(queries.__enter__)()
        frames = await subscribe(socket, topics[1])
        await database_sync_to_async(queries.__exit__)(None, None, None)
        await socket.close()
        return frames, len(queries)

    frames, count = run(scenario)

    assert ids_of(frames) == [2, 3, 4, 5, 6]
    assert count <= 3


def test_a_subscription_that_missed_live_events_catches_up_from_the_database_exactly_once(public_topic, live):
    """What the fan-out does after Redis dropped: every local subscription of the stream resyncs."""
    import asyncio

    from realtime.fanout import fanout

    stream = f"topic:{public_topic.pk}"

    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(stream, since=1)
        await live(reply, topic=public_topic)  # 2, live
        frames += await socket.drain()
        for _ in range(2):
            # 3, 4: stored, but their events never leave (the doorbell was down).
            await database_sync_to_async(reply)(topic=public_topic)
        assert await socket.communicator.receive_nothing(timeout=0.2)
        hub = fanout.hubs[asyncio.get_running_loop()]
        for listener in list(hub.streams[stream].listeners):
            listener.resync()
        frames += await socket.drain()
        await live(reply, topic=public_topic)  # 5, live again
        frames += await socket.drain()
        await socket.close()
        return frames

    frames = run(scenario)

    assert ids_of(frames) == [2, 3, 4, 5]
    assert [frame["type"] for frame in frames] == ["subscribed", "event", "event", "event", "event"]
