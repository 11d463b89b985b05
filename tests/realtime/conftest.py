"""Fixtures for the websocket tests: sockets through the full ASGI stack, forum content made through the services."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from forums import services as forum_services
from forums.models import Category, Post, Topic
from tests.factories import MemberFactory, TeamFactory, TeamMembershipFactory
from tests.forums.conftest import CategoryFactory

ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def _consumers_keep_the_test_connection(monkeypatch):
    """Channels closes "old" database connections around every consumer call.

    In a test that would close the connection holding the test's transaction (or
    touch a database the test did not ask for). Django's test client switches the
    same clean-up off for requests; WebsocketCommunicator does so only while it
    sends or receives, not while a consumer handles a disconnect.
    """
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)


def application():
    # Imported lazily: config.asgi keeps DJANGO_SETTINGS_MODULE (config.settings.test under pytest).
    from config.asgi import application as asgi_application

    return asgi_application


def socket_headers(user=None, origin: str | None = ORIGIN) -> list[tuple[bytes, bytes]]:
    """Headers of a browser tab of this site; with a user, their session cookie (sync: writes the session)."""
    headers = [(b"origin", origin.encode())] if origin else []
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        headers.append((b"cookie", cookie.encode()))
    return headers


class Socket:
    """A websocket client speaking the hub's JSON protocol."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.hello: dict[str, Any] | None = None

    @classmethod
    async def open(cls, headers: list[tuple[bytes, bytes]]) -> Socket:
        communicator = WebsocketCommunicator(application(), "/ws/", headers=headers)
        connected, _ = await communicator.connect()
        assert connected, "the hub refused the connection"
        socket = cls(communicator)
        socket.hello = await socket.receive()
        assert socket.hello["type"] == "hello"
        return socket

    @classmethod
    async def connect(cls, user=None) -> Socket:
        """A tab of this site, logged in as `user` (or anonymous)."""
        return await cls.open(await database_sync_to_async(socket_headers)(user))

    async def send(self, **frame: Any) -> None:
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_raw(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        return json.loads(await self.communicator.receive_from(timeout))

    async def drain(self, quiet: float = 0.3) -> list[dict[str, Any]]:
        """Every frame until the socket has been quiet for `quiet` seconds."""
        frames = []
        while not await self.communicator.receive_nothing(timeout=quiet):
            output = await self.communicator.receive_output()
            if output["type"] != "websocket.send":
                frames.append(output)
                break
            frames.append(json.loads(output["text"]))
        return frames

    async def subscribe(self, stream: str, since: int | None = None) -> list[dict[str, Any]]:
        """Subscribe and return what the hub answered (subscribed/error, replayed events, reload)."""
        await self.send(type="subscribe", stream=stream, since=since)
        return await self.drain()

    async def close(self) -> None:
        await self.communicator.disconnect()


def events_of(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [frame for frame in frames if frame.get("type") == "event"]


def ids_of(frames: list[dict[str, Any]]) -> list[int]:
    return [frame["id"] for frame in events_of(frames)]


@pytest.fixture
def live(django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Run a service so that its events are published (the test's transaction never commits).

    Returns an async function: `await live(fn, **kwargs)` runs `fn` in the database
    thread and executes its on-commit callbacks, as a real commit would.
    """

    def run(fn: Callable[..., Any], **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    async def run_async(fn: Callable[..., Any], **kwargs: Any) -> Any:
        return await database_sync_to_async(run)(fn, **kwargs)

    run_async.sync = run  # type: ignore[attr-defined]
    return run_async


@pytest.fixture
def public_category(db) -> Category:
    return CategoryFactory(name="Offenes Forum", visibility=Category.Visibility.PUBLIC)


@pytest.fixture
def members_category(db) -> Category:
    return CategoryFactory(name="Mitgliederforum", visibility=Category.Visibility.MEMBERS)


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def team_membership(team):
    return TeamMembershipFactory(team=team)


@pytest.fixture
def team_member(team_membership):
    return team_membership.user


@pytest.fixture
def team_category(team) -> Category:
    return CategoryFactory(
        name="Internes Teamforum",
        team=team,
        visibility=Category.Visibility.TEAM,
        topic_starters=Category.TopicStarters.TEAM,
    )


def start_topic(category: Category, author=None, title: str = "Wie findet ihr einen Raum?") -> Topic:
    return forum_services.topic_create(
        author=author or MemberFactory(),
        category=category,
        title=title,
        body_markdown="Wir suchen Erfahrungen aus anderen Regionen – wer hat Tipps?",
    )


def reply(topic: Topic, author=None, text: str = "Bei uns hat die Bibliothek geholfen.") -> Post:
    return forum_services.post_create(author=author or MemberFactory(), topic=topic, body_markdown=text)


@pytest.fixture
def public_topic(public_category, member) -> Topic:
    return start_topic(public_category, member)


@pytest.fixture
def team_topic(team_category, team_member) -> Topic:
    return start_topic(team_category, team_member, title="Unser nächstes Teamtreffen")
