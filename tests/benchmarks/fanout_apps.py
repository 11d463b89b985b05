"""The comparison servers of the chat fan-out benchmark: a bare ASGI websocket app on raw Redis pub/sub, and plain
Channels `group_send` consumers. Never part of the site; run under daphne by tests/benchmarks/chat_fanout.py.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]

BARE_CHANNEL = os.environ.get("BENCH_PREFIX", "bench") + ":bare"


class BareFanout:
    """The baseline: one Redis subscription per process, each message written unchanged to every socket."""

    def __init__(self) -> None:
        self.sockets: dict[int, Send] = {}
        self.reader: asyncio.Task[None] | None = None

    async def read(self) -> None:
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(os.environ["REDIS_URL"], max_connections=2)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(BARE_CHANNEL)
        async for message in pubsub.listen():
            frame = message["data"].decode()
            for send in list(self.sockets.values()):
                await send({"type": "websocket.send", "text": frame})

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Send) -> None:
        if scope["type"] == "lifespan":
            return
        if scope["type"] != "websocket":
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"ok"})
            return
        if self.reader is None:
            self.reader = asyncio.ensure_future(self.read())
        while True:
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
                self.sockets[id(send)] = send
                await send({"type": "websocket.send", "text": '{"type":"subscribed"}'})
            elif message["type"] == "websocket.disconnect":
                self.sockets.pop(id(send), None)
                return


bare_application = BareFanout()


def _group_application() -> Any:
    import django

    django.setup()
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.core.asgi import get_asgi_application
    from django.urls import path

    class GroupConsumer(AsyncWebsocketConsumer):
        """Plain Channels: every socket joins the room's group; each message is dispatched to each consumer."""

        async def connect(self) -> None:
            await self.accept()
            await self.channel_layer.group_add("bench-room", self.channel_name)
            await self.send(text_data='{"type":"subscribed"}')

        async def disconnect(self, code: int) -> None:
            await self.channel_layer.group_discard("bench-room", self.channel_name)

        async def chat_message(self, message: dict[str, Any]) -> None:
            # Pre-serialised by the sender, as generous to Channels as to the others.
            await self.send(text_data=message["frame"])

    return ProtocolTypeRouter(
        {"http": get_asgi_application(), "websocket": URLRouter([path("ws/", GroupConsumer.as_asgi())])}
    )


def __getattr__(name: str) -> Any:
    # Built on first use: the bare app must not pay for Django's start-up.
    if name == "group_application":
        application = _group_application()
        globals()["group_application"] = application
        return application
    raise AttributeError(name)
