"""The websocket endpoint /ws/: origin check, ping/pong and error frames, through the full ASGI stack."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator


def application():
    # Imported lazily: config.asgi keeps DJANGO_SETTINGS_MODULE (config.settings.test under pytest).
    from config.asgi import application as asgi_application

    return asgi_application


def origin_headers(origin: str | None) -> list[tuple[bytes, bytes]]:
    return [(b"origin", origin.encode())] if origin else []


async def _exchange(origin: str | None, frames: list[str]) -> tuple[bool, list[dict[str, Any]]]:
    communicator = WebsocketCommunicator(application(), "/ws/", headers=origin_headers(origin))
    connected, _subprotocol = await communicator.connect()
    replies: list[dict[str, Any]] = []
    if connected:
        hello = json.loads(await communicator.receive_from())
        assert hello["type"] == "hello"
        for frame in frames:
            await communicator.send_input({"type": "websocket.receive", "text": frame})
            replies.append(json.loads(await communicator.receive_from()))
        assert await communicator.receive_nothing()
    await communicator.disconnect()
    return connected, replies


def exchange(origin: str | None, *frames: str) -> tuple[bool, list[dict[str, Any]]]:
    return async_to_sync(_exchange)(origin, list(frames))


def test_importing_the_asgi_module_keeps_the_chosen_settings():
    import os

    application()
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "config.settings.test"


@pytest.mark.parametrize("origin", ["http://testserver", "http://localhost", "http://127.0.0.1:8000"])
def test_a_page_of_this_site_may_connect(origin):
    connected, _replies = exchange(origin)

    assert connected is True


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "https://testserver.evil.example", "null"], ids=["foreign", "lookalike", "null"]
)
def test_a_page_of_another_site_is_refused(origin):
    connected, _replies = exchange(origin)

    assert connected is False


def test_a_connection_without_an_origin_is_refused():
    connected, _replies = exchange(None)

    assert connected is False


def test_a_ping_gets_a_pong():
    connected, replies = exchange("http://testserver", json.dumps({"type": "ping"}))

    assert connected
    assert replies == [{"type": "pong", "v": 1}]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        ("", "bad_json"),
        ("[1, 2]", "bad_message"),
        ('"ping"', "bad_message"),
        ('{"type": "teleport"}', "unknown_type"),
    ],
    ids=["broken-json", "empty", "array", "string", "unknown-type"],
)
def test_a_bad_message_gets_an_error_frame_and_the_connection_stays_usable(frame, code):
    connected, replies = exchange("http://testserver", frame, json.dumps({"type": "ping"}))

    assert connected
    error, pong = replies
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]
    assert pong["type"] == "pong"


@pytest.fixture
def users_seen_by_the_consumer(monkeypatch) -> list[Any]:
    """Record scope["user"] as the hub consumer sees it on connect."""
    from realtime.consumers import HubConsumer

    seen: list[Any] = []
    original_connect = HubConsumer.connect

    async def recording_connect(self: HubConsumer) -> None:
        seen.append(self.scope["user"])
        await original_connect(self)

    monkeypatch.setattr(HubConsumer, "connect", recording_connect)
    return seen


# The auth middleware reads the session with database_sync_to_async; under
# async_to_sync that runs in this thread, inside the test's transaction.
@pytest.mark.django_db
def test_the_consumer_knows_the_logged_in_member_from_the_session_cookie(member, users_seen_by_the_consumer):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    async def scenario() -> dict[str, Any]:
        communicator = WebsocketCommunicator(
            application(), "/ws/", headers=[(b"origin", b"http://testserver"), (b"cookie", cookie.encode())]
        )
        connected, _ = await communicator.connect()
        await communicator.receive_from()  # hello
        await communicator.send_to(text_data=json.dumps({"type": "ping"}))
        reply = json.loads(await communicator.receive_from())
        await communicator.disconnect()
        return {"connected": connected, "reply": reply}

    result = async_to_sync(scenario)()

    assert result["connected"]
    assert result["reply"]["type"] == "pong"
    (user,) = users_seen_by_the_consumer
    assert user.is_authenticated
    assert user.pk == member.pk


def test_without_a_session_the_consumer_sees_an_anonymous_user(users_seen_by_the_consumer):
    connected, _replies = exchange("http://testserver")

    assert connected
    (user,) = users_seen_by_the_consumer
    assert not user.is_authenticated
