"""Services publish realtime events through one function, only after their transaction commits."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from realtime.events import event_published, group_name, publish


def test_stream_names_map_to_valid_group_names():
    assert group_name("topic:42") == "stream.topic.42"
    assert group_name("chat:weggemeinschaft-sued") == "stream.chat.weggemeinschaft-sued"


@pytest.mark.parametrize("bad", ["topic", "topic:", "Topic:1", "topic:4 2", "topic:1:2", "x:" + "a" * 65])
def test_malformed_stream_names_are_refused(bad):
    with pytest.raises(ValueError):
        group_name(bad)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_is_delivered_after_commit_and_not_after_rollback():
    received = []

    def observe(sender, event, **kwargs):
        received.append(event)

    event_published.connect(observe)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("stream.topic.7", channel)
    try:
        with transaction.atomic():
            publish(stream="topic:7", kind="post.created", payload={"n": 3}, event_id=3)
            assert received == []  # nothing leaves before the commit

        with pytest.raises(RuntimeError), transaction.atomic():
            publish(stream="topic:7", kind="post.created", payload={"n": 4}, event_id=4)
            raise RuntimeError("rolled back")

        message = async_to_sync(layer.receive)(channel)
    finally:
        event_published.disconnect(observe)

    assert received == [{"stream": "topic:7", "id": 3, "kind": "post.created", "payload": {"n": 3}}]
    assert message == {"type": "stream.event", "event": received[0]}
