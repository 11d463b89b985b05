"""The hub's protocol: hello, subscribe/unsubscribe, and a documented error or close code for every bad input."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync

from realtime.consumers import PROTOCOL_VERSION, CloseCode

from .conftest import Socket, reply


def run(scenario, *args):
    return async_to_sync(scenario)(*args)


def test_the_hub_says_hello_with_its_protocol_version_and_limits():
    async def scenario():
        socket = await Socket.connect()
        await socket.close()
        return socket.hello

    hello = run(scenario)

    assert hello == {"type": "hello", "v": PROTOCOL_VERSION, "max_subscriptions": 100, "max_frame_bytes": 16384}


def test_a_binary_frame_gets_an_error_and_the_socket_stays_open():
    async def scenario():
        socket = await Socket.connect()
        await socket.communicator.send_to(bytes_data=b"\x00\x01")
        error = await socket.receive()
        await socket.send(type="ping")
        pong = await socket.receive()
        await socket.close()
        return error, pong

    error, pong = run(scenario)

    assert error["type"] == "error"
    assert error["code"] == "binary_frame"
    assert pong["type"] == "pong"


def test_a_frame_over_the_size_limit_gets_an_error_and_the_socket_stays_open():
    async def scenario():
        socket = await Socket.connect()
        await socket.send(type="ping", padding="x" * 17_000)
        error = await socket.receive()
        # Multi-byte characters count in bytes: 6,000 "ü" are 12,000 bytes, under the limit.
        await socket.send_raw(json.dumps({"type": "ping", "padding": "ü" * 6_000}, ensure_ascii=False))
        pong = await socket.receive()
        await socket.close()
        return error, pong

    error, pong = run(scenario)

    assert error["code"] == "frame_too_large"
    assert pong["type"] == "pong"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "stream",
    ["topic", "topic:", "Topic:1", "topic:abc", "topic:0", "topic:1:2", "topic:-1", 42, None, ["topic:1"]],
    ids=[
        "no-key",
        "empty-key",
        "upper-case",
        "non-numeric",
        "zero",
        "two-colons",
        "negative",
        "number",
        "null",
        "list",
    ],
)
def test_a_malformed_stream_name_gets_bad_stream(stream):
    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(stream, since=0)
        await socket.send(type="ping")
        frames += await socket.drain()
        await socket.close()
        return frames

    error, pong = run(scenario)

    assert error["type"] == "error"
    assert error["code"] == "bad_stream"
    assert pong["type"] == "pong"


@pytest.mark.django_db
def test_a_stream_kind_nobody_registered_gets_unknown_stream():
    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe("weather:berlin")
        await socket.close()
        return frames

    (error,) = run(scenario)

    assert error == {"type": "error", "code": "unknown_stream", "message": error["message"], "stream": "weather:berlin"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "since",
    [-1, 2**53, 10**30, "5", 1.5, True, [], {}],
    ids=["negative", "2^53", "huge", "string", "float", "bool", "list", "object"],
)
def test_a_since_that_is_not_a_sane_whole_number_gets_bad_since(public_topic, since):
    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(f"topic:{public_topic.pk}", since=since)
        await socket.close()
        return frames

    (error,) = run(scenario)

    assert error["code"] == "bad_since"
    assert error["stream"] == f"topic:{public_topic.pk}"


@pytest.mark.django_db
def test_subscribe_answers_subscribed_with_the_streams_last_id(public_topic):
    reply(public_topic)

    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe(f"topic:{public_topic.pk}")
        await socket.close()
        return frames

    frames = run(scenario)

    assert frames == [{"type": "subscribed", "stream": f"topic:{public_topic.pk}", "last_id": 2}]


@pytest.mark.django_db
def test_subscribing_twice_to_a_stream_gets_already_subscribed(public_topic):
    async def scenario():
        socket = await Socket.connect()
        first = await socket.subscribe(f"topic:{public_topic.pk}")
        second = await socket.subscribe(f"topic:{public_topic.pk}")
        await socket.close()
        return first, second

    first, second = run(scenario)

    assert first[0]["type"] == "subscribed"
    assert [frame["code"] for frame in second] == ["already_subscribed"]


@pytest.mark.django_db
def test_unsubscribe_ends_the_stream(public_topic, live):
    stream = f"topic:{public_topic.pk}"

    async def scenario():
        socket = await Socket.connect()
        await socket.subscribe(stream)
        await socket.send(type="unsubscribe", stream=stream)
        answer = await socket.drain()
        await live(reply, topic=public_topic)
        after = await socket.drain()
        await socket.close()
        return answer, after

    answer, after = run(scenario)

    assert answer == [{"type": "unsubscribed", "stream": stream}]
    assert after == []


@pytest.mark.django_db
@pytest.mark.parametrize("stream", ["topic:1", "nonsense", 7])
def test_unsubscribing_from_a_stream_not_subscribed_gets_not_subscribed(stream):
    async def scenario():
        socket = await Socket.connect()
        await socket.send(type="unsubscribe", stream=stream)
        frames = await socket.drain()
        await socket.close()
        return frames

    (error,) = run(scenario)

    assert error["code"] == "not_subscribed"


@pytest.mark.django_db
def test_more_subscriptions_than_the_limit_get_too_many_subscriptions(settings, public_category):
    settings.REALTIME_MAX_SUBSCRIPTIONS = 2
    from .conftest import start_topic

    topics = [start_topic(public_category, title=f"Thema Nummer {n}") for n in range(3)]

    async def scenario():
        socket = await Socket.connect()
        frames = []
        for topic in topics:
            frames += await socket.subscribe(f"topic:{topic.pk}")
        await socket.close()
        return frames

    frames = run(scenario)

    assert [frame["type"] for frame in frames] == ["subscribed", "subscribed", "error"]
    assert frames[2]["code"] == "too_many_subscriptions"
    assert frames[2]["stream"] == f"topic:{topics[2].pk}"


def test_too_many_messages_get_rate_limited_and_the_socket_is_closed(settings):
    settings.REALTIME_RATE_LIMIT = 5
    settings.REALTIME_RATE_BURST = 5

    async def scenario():
        socket = await Socket.connect()
        for _ in range(8):
            await socket.send(type="ping")
        frames = await socket.drain()
        await socket.close()
        return frames

    frames = run(scenario)

    assert [frame["type"] for frame in frames] == ["pong"] * 5 + ["error", "websocket.close"]
    assert frames[5]["code"] == "rate_limited"
    assert frames[6]["code"] == CloseCode.RATE_LIMITED == 4429


@pytest.mark.django_db
def test_a_thousand_subscribe_messages_in_a_second_close_the_socket_without_a_crash(public_topic):
    async def scenario():
        socket = await Socket.connect()
        for n in range(1000):
            await socket.send_raw(json.dumps({"type": "subscribe", "stream": f"topic:{public_topic.pk + n}"}))
        frames = await socket.drain(quiet=0.5)
        await socket.close()
        return frames

    frames = run(scenario)

    assert frames[-1] == {"type": "websocket.close", "code": 4429}
    assert [frame["code"] for frame in frames if frame.get("type") == "error" and "stream" not in frame] == [
        "rate_limited"
    ]
    # Subscribes within the burst were answered (until the close): only the real topic was opened.
    subscribed = [frame["stream"] for frame in frames if frame.get("type") == "subscribed"]
    assert subscribed in ([], [f"topic:{public_topic.pk}"])
    refused = [frame for frame in frames if frame.get("type") == "error" and "stream" in frame]
    assert {frame["code"] for frame in refused} <= {"forbidden"}
    assert len(subscribed) + len(refused) < 200  # far from all 1,000: the socket was closed


def test_a_failing_stream_gets_internal_error_and_the_socket_goes_on(monkeypatch):
    from realtime import streams

    def broken(user, key):
        raise RuntimeError("database gone")

    kind = streams.StreamKind(
        kind="broken",
        can_subscribe=broken,
        replay=None,
        last_id=None,
        persistent=False,
        key_pattern=streams.INTEGER_KEY,
    )
    monkeypatch.setitem(streams._registry, "broken", kind)

    async def scenario():
        socket = await Socket.connect()
        frames = await socket.subscribe("broken:1")
        await socket.send(type="ping")
        frames += await socket.drain()
        await socket.close()
        return frames

    error, pong = run(scenario)

    assert error["code"] == "internal_error"
    assert error["stream"] == "broken:1"
    assert pong["type"] == "pong"
