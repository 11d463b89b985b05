"""Services publish realtime events through one function, only after their transaction commits."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction

from realtime.events import event_published, group_name, publish
from realtime.fanout import fanout


def test_stream_names_map_to_valid_group_names():
    assert group_name("topic:42") == "stream.topic.42"
    assert group_name("chat:weggemeinschaft-sued") == "stream.chat.weggemeinschaft-sued"


@pytest.mark.parametrize("bad", ["topic", "topic:", "Topic:1", "topic:4 2", "topic:1:2", "x:" + "a" * 65])
def test_malformed_stream_names_are_refused(bad):
    with pytest.raises(ValueError):
        group_name(bad)


class Recorder:
    """A fan-out listener standing in for a socket's subscription."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.arrived = asyncio.Event()

    async def receive_event(self, event, frame: str) -> None:
        self.frames.append(frame)
        self.arrived.set()

    def resync(self) -> None:
        pass


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_is_delivered_after_commit_and_not_after_rollback():
    received = []

    def observe(sender, event, **kwargs):
        received.append(event)

    def commit_one_and_roll_one_back() -> None:
        with transaction.atomic():
            publish(stream="topic:7", kind="post.created", payload={"n": 3}, event_id=3)
            assert received == []  # nothing leaves before the commit

        with pytest.raises(RuntimeError), transaction.atomic():
            publish(stream="topic:7", kind="post.created", payload={"n": 4}, event_id=4)
            raise RuntimeError("rolled back")

    async def scenario() -> list[str]:
        listener = Recorder()
        await fanout.join("topic:7", listener)
        try:
            await sync_to_async(commit_one_and_roll_one_back)()
            await asyncio.wait_for(listener.arrived.wait(), 5)
            await asyncio.sleep(0.2)  # a rolled-back event would arrive by now
        finally:
            fanout.leave("topic:7", listener)
        return listener.frames

    event_published.connect(observe)
    try:
        frames = async_to_sync(scenario)()
    finally:
        event_published.disconnect(observe)

    assert received == [{"stream": "topic:7", "id": 3, "kind": "post.created", "payload": {"n": 3}}]
    assert [json.loads(frame) for frame in frames] == [{"type": "event", **received[0]}]


def test_a_stream_has_one_local_registration_per_subscription_and_none_after_leaving():
    async def scenario() -> list[int]:
        first, second = Recorder(), Recorder()
        await fanout.join("topic:8", first)
        await fanout.join("topic:8", second)
        counts = [fanout.local_subscriptions("topic:8")]
        fanout.leave("topic:8", first)
        counts.append(fanout.local_subscriptions("topic:8"))
        fanout.leave("topic:8", second)
        counts.append(fanout.local_subscriptions("topic:8"))
        return counts

    assert async_to_sync(scenario)() == [2, 1, 0]
