"""Real ASGI server processes sharing Redis: events cross processes, and nothing is lost or doubled when one dies.

Each test starts two daphne processes on free loopback ports with the settings in
server_settings.py, the test's database and the test's own Redis key prefix. With
PostgreSQL the servers use the test database itself (the test is transactional, so
what it sets up is committed); SQLite's test database lives in this process's memory,
so it is copied to a file the servers share. Members talk through the servers as a
browser would: websockets for the hub, HTTP POSTs (the room's form, sent by fetch)
to write. The tests need Redis and are skipped without REDIS_URL.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from django.test import Client

from forums.models import Message, Room
from tests.factories import HandlungsfeldFactory, MemberFactory

websockets = pytest.importorskip("websockets")

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs Redis: the ASGI processes share events through it (set REDIS_URL=redis://127.0.0.1:6379/0)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
BOOT_SECONDS = 60  # two Django processes starting on a busy 2-core machine
WAIT_SECONDS = 10  # the longest any expected frame may take


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def shared_database_url(folder: Path) -> str:
    """A DATABASE_URL that names what this test has committed, for processes of their own."""
    config = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(config.get("USER") or "")
        password = f":{quote(config['PASSWORD'])}" if config.get("PASSWORD") else ""
        host = config.get("HOST") or "127.0.0.1"
        port = config.get("PORT") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}"
    assert connection.vendor == "sqlite"
    path = folder / "shared.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    return f"sqlite:///{path}"


class Server:
    """One daphne process serving config.asgi:application on its own port."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [
                    str(Path(sys.executable).parent / "daphne"),
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "config.asgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server {self.name} exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"server {self.name} did not start:\n{self.log.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


def request(port: int, method: str, path: str, body: str = "", headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_SECONDS)
    try:
        conn.request(method, path, body=body, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def start_servers(tmp_path):
    """start_servers(n) -> n running servers on one Redis and the test's database; all killed afterwards.

    Keyword arguments override the servers' environment, e.g. REDIS_URL for a private Redis.
    """
    started: list[Server] = []

    def start(count: int, **environment: str) -> list[Server]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.realtime.server_settings",
            "DATABASE_URL": shared_database_url(tmp_path),
            "MITMACH_TEST_PREFIX": settings.REALTIME_REDIS_PREFIX,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
            "PYTHONWARNINGS": "ignore",
            **environment,
        }
        servers = [Server(chr(ord("A") + n), env, tmp_path / f"server-{n}.log") for n in range(count)]
        started.extend(servers)
        deadline = time.monotonic() + BOOT_SECONDS
        for server in servers:
            server.wait_until_up(deadline)
        return servers

    yield start
    for server in started:
        server.kill()


class Member:
    """A logged-in member's browser: a session cookie, websockets to any server, a chat form."""

    def __init__(self, user) -> None:
        client = Client()
        client.force_login(user)
        self.csrf = secrets.token_hex(16)  # an unmasked 32-character secret, as Django's cookie holds
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}"
        )

    async def connect(self, server: Server) -> Tab:
        socket_ = await websockets.connect(
            f"ws://127.0.0.1:{server.port}/ws/",
            origin=server.origin,
            additional_headers={"Cookie": self.cookie},
            open_timeout=WAIT_SECONDS,
        )
        tab = Tab(socket_)
        hello = await tab.receive()
        assert hello["type"] == "hello"
        return tab

    async def say(self, server: Server, room: Room, text: str) -> int:
        """Send a chat message through the room's form (by fetch, as the page's script does); its id."""
        body = f"body_markdown={quote(text)}"
        headers = {
            "Cookie": self.cookie,
            "X-CSRFToken": self.csrf,
            "Origin": server.origin,
            "X-Requested-With": "fetch",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        status, answer = await asyncio.to_thread(request, server.port, "POST", f"/chat/{room.slug}/", body, headers)
        assert status == 200, answer[:2000]
        return json.loads(answer)["id"]


class Tab:
    def __init__(self, socket_: Any) -> None:
        self.socket = socket_

    async def receive(self, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        return json.loads(await asyncio.wait_for(self.socket.recv(), timeout))

    async def subscribe(self, stream: str, since: int | None) -> dict[str, Any]:
        await self.socket.send(json.dumps({"type": "subscribe", "stream": stream, "since": since}))
        return await self.receive()

    async def event_ids(self, count: int) -> list[int]:
        """The ids of the next `count` events (every frame in between must be an event)."""
        ids = []
        while len(ids) < count:
            frame = await self.receive()
            assert frame["type"] == "event", frame
            ids.append(frame["id"])
        return ids

    async def nothing_more(self, quiet: float = 0.5) -> bool:
        try:
            frame = await asyncio.wait_for(self.socket.recv(), quiet)
        except TimeoutError:
            return True
        pytest.fail(f"unexpected frame {frame}")

    async def closed(self) -> bool:
        try:
            await asyncio.wait_for(self.socket.wait_closed(), WAIT_SECONDS)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        await self.socket.close()


@pytest.fixture
def room_with_two_members():
    alice = MemberFactory(display_name="Alice Weg")
    bob = MemberFactory(display_name="Bob Gemeinschaft")
    room = Room.objects.get(handlungsfeld=HandlungsfeldFactory())
    return room, Member(alice), Member(bob)


def test_a_message_sent_on_one_process_reaches_the_other_and_a_client_of_a_killed_process_misses_nothing(
    room_with_two_members, start_servers
):
    room, alice, bob = room_with_two_members
    stream = f"chat:{room.pk}"
    server_a, server_b = start_servers(2)

    async def scenario() -> dict[str, Any]:
        alice_tab = await alice.connect(server_a)
        bob_tab = await bob.connect(server_b)
        assert (await alice_tab.subscribe(stream, since=0))["type"] == "subscribed"
        assert (await bob_tab.subscribe(stream, since=0))["type"] == "subscribed"

        first = await alice.say(server_a, room, "Hallo aus Prozess A!")
        seen_on_b = await bob_tab.event_ids(1)
        seen_on_a = await alice_tab.event_ids(1)

        server_b.kill()  # the process dies; Bob's socket drops with it
        assert await bob_tab.closed()
        missed = [await alice.say(server_a, room, f"Nachricht {n} während Bob weg ist") for n in (2, 3)]

        # Bob's client reconnects to the surviving process with the last id it holds.
        bob_again = await bob.connect(server_a)
        subscribed = await bob_again.subscribe(stream, since=max(seen_on_b))
        replayed = await bob_again.event_ids(2)
        latest = await alice.say(server_a, room, "Schön, dass du wieder da bist.")
        live = await bob_again.event_ids(1)
        assert await bob_again.nothing_more()
        for tab in (alice_tab, bob_again):
            await tab.close()
        return {
            "first": first,
            "seen_on_a": seen_on_a,
            "seen_on_b": seen_on_b,
            "missed": missed,
            "subscribed": subscribed,
            "replayed": replayed,
            "latest": latest,
            "live": live,
        }

    result = async_to_sync(scenario)()

    assert result["seen_on_b"] == result["seen_on_a"] == [result["first"]]
    assert result["subscribed"] == {"type": "subscribed", "stream": stream, "last_id": result["missed"][-1]}
    assert result["replayed"] == result["missed"]
    assert result["live"] == [result["latest"]]


def redis_client():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"])


def kill_pubsub_connections(servers: list[Server]) -> int:
    """Close the realtime pub/sub connections of these servers only (the Redis server is shared)."""
    names = {f"{settings.REALTIME_REDIS_PREFIX}:fanout:{server.process.pid}" for server in servers}
    with closing(redis_client()) as client:
        ids = [entry["id"] for entry in client.client_list(_type="pubsub") if entry.get("name") in names]
        for client_id in ids:
            client.client_kill_filter(_id=client_id)
    return len(ids)


def subscribers(stream: str) -> int:
    channel = f"{settings.REALTIME_REDIS_PREFIX}:stream.{stream.replace(':', '.')}"
    with closing(redis_client()) as client:
        return dict(client.pubsub_numsub(channel))[channel.encode()]


def test_messages_sent_while_the_pubsub_connections_are_down_are_stored_and_caught_up_once(
    room_with_two_members, start_servers
):
    room, alice, bob = room_with_two_members
    stream = f"chat:{room.pk}"
    server_a, server_b = start_servers(2)

    async def scenario() -> dict[str, Any]:
        alice_tab = await alice.connect(server_a)
        bob_tab = await bob.connect(server_b)
        await alice_tab.subscribe(stream, since=0)
        await bob_tab.subscribe(stream, since=0)
        first = await alice.say(server_a, room, "Alles klar bei euch?")
        before = (await alice_tab.event_ids(1), await bob_tab.event_ids(1))
        subscribed_before = subscribers(stream)

        killed = await asyncio.to_thread(kill_pubsub_connections, [server_a, server_b])
        # The servers wait REALTIME_REDIS_RECONNECT_SECONDS (1 s) before resubscribing:
        # these messages are stored and published while nobody is subscribed.
        gap = [await alice.say(server_a, room, f"Im Funkloch {n}") for n in (1, 2)]
        subscribed_in_gap = subscribers(stream)

        # No client reconnects: each process resubscribes and its sockets catch up from the database.
        caught_up = (await alice_tab.event_ids(2), await bob_tab.event_ids(2))
        latest = await alice.say(server_a, room, "Wieder verbunden.")
        after = (await alice_tab.event_ids(1), await bob_tab.event_ids(1))
        quiet = [await tab.nothing_more() for tab in (alice_tab, bob_tab)]
        for tab in (alice_tab, bob_tab):
            await tab.close()
        return {
            "first": first,
            "before": before,
            "subscribed_before": subscribed_before,
            "killed": killed,
            "gap": gap,
            "subscribed_in_gap": subscribed_in_gap,
            "caught_up": caught_up,
            "latest": latest,
            "after": after,
            "quiet": quiet,
        }

    result = async_to_sync(scenario)()

    assert result["before"] == ([result["first"]], [result["first"]])
    assert result["subscribed_before"] == 2  # one subscription per process, not per socket
    assert result["killed"] == 2
    assert result["subscribed_in_gap"] == 0, "the messages must have been sent while nobody was subscribed"
    assert result["caught_up"] == (result["gap"], result["gap"])
    assert result["after"] == ([result["latest"]], [result["latest"]])
    assert result["quiet"] == [True, True]


# -- a Redis restart --------------------------------------------------------------------------

REDIS_SERVER = Path("/usr/bin/redis-server")


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, without persistence.

    The machine's shared Redis must never be stopped (other test runs use it), so the
    restart test stops and starts this one instead.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.folder / "redis.log"
        with log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - fixed command line
                [
                    str(REDIS_SERVER),
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.folder),
                ],
                cwd=self.folder,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited:\n{log.read_text(errors='replace')[-3000:]}")
            if self.answers():
                return
            time.sleep(0.05)
        pytest.fail(f"redis-server did not start:\n{log.read_text(errors='replace')[-3000:]}")

    def answers(self) -> bool:
        import redis

        try:
            with closing(redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5)) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """SIGTERM: with no save points configured Redis exits at once and keeps nothing."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=WAIT_SECONDS)
        self.process = None


@pytest.fixture
def private_redis(tmp_path):
    if not REDIS_SERVER.exists():
        pytest.skip(f"needs {REDIS_SERVER} to run a Redis of the test's own")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = PrivateRedis(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def post_form(member: Member, server: Server, room: Room, text: str) -> int:
    """Send a chat message as a browser without JavaScript: the form posts and is redirected to the message."""
    headers = {
        "Cookie": member.cookie,
        "Origin": server.origin,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = f"csrfmiddlewaretoken={member.csrf}&body_markdown={quote(text)}"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT_SECONDS)
    try:
        conn.request("POST", f"/chat/{room.slug}/", body=body, headers={"Host": f"127.0.0.1:{server.port}", **headers})
        response = conn.getresponse()
        response.read()
        location = response.getheader("Location") or ""
    finally:
        conn.close()
    assert response.status == 302, f"{response.status}: {server.log.read_text(errors='replace')[-4000:]}"
    found = re.search(r"#m-(\d+)$", location)
    assert found, location
    return int(found[1])


def test_redis_restarted_during_a_conversation_loses_no_message_and_doubles_none(
    room_with_two_members, start_servers, private_redis
):
    room, alice, bob = room_with_two_members
    stream = f"chat:{room.pk}"
    # Cache, channel layer and fan-out of both servers all use the private Redis (the base settings
    # build them from REDIS_URL); a short reconnect delay keeps the catch-up within a few seconds.
    server_a, server_b = start_servers(2, REDIS_URL=private_redis.url, MITMACH_TEST_RECONNECT_SECONDS="0.2")

    async def scenario() -> dict[str, Any]:
        alice_tab = await alice.connect(server_a)
        bob_tab = await bob.connect(server_b)
        await alice_tab.subscribe(stream, since=0)
        await bob_tab.subscribe(stream, since=0)
        first = await alice.say(server_a, room, "Hallo Bob, wie läuft es in Kassel?")
        before = (await alice_tab.event_ids(1), await bob_tab.event_ids(1))

        await asyncio.to_thread(private_redis.stop)
        # Both members keep chatting without JavaScript (the form posts and redirects); with Redis
        # gone every message must still be stored and the answer must be the usual redirect.
        gap = [
            await asyncio.to_thread(post_form, alice, server_a, room, "Redis ist weg, ich schreibe trotzdem."),
            await asyncio.to_thread(post_form, bob, server_b, room, "Gut, bei mir geht es auch."),
            await asyncio.to_thread(post_form, alice, server_a, room, "Kommt alles an?"),
        ]
        stored = await database_sync_to_async(stored_ids)(room)
        await asyncio.to_thread(private_redis.start)  # empty: a restart without persistence

        # The sockets stay open: each process resubscribes and its sockets catch up from the database.
        caught_up = (await alice_tab.event_ids(3), await bob_tab.event_ids(3))
        latest = await bob.say(server_b, room, "Und jetzt wieder live.")
        after = (await alice_tab.event_ids(1), await bob_tab.event_ids(1))
        quiet = [await tab.nothing_more() for tab in (alice_tab, bob_tab)]
        for tab in (alice_tab, bob_tab):
            await tab.close()
        return {
            "first": first,
            "before": before,
            "gap": gap,
            "stored": stored,
            "caught_up": caught_up,
            "latest": latest,
            "after": after,
            "quiet": quiet,
        }

    result = async_to_sync(scenario)()

    assert result["before"] == ([result["first"]], [result["first"]])
    assert result["gap"] == sorted(result["gap"])
    assert result["stored"] == [result["first"], *result["gap"]]
    assert result["caught_up"] == (result["gap"], result["gap"])
    assert result["after"] == ([result["latest"]], [result["latest"]])
    assert result["quiet"] == [True, True]


def stored_ids(room: Room) -> list[int]:
    return list(Message.objects.filter(room=room).order_by("pk").values_list("pk", flat=True))
