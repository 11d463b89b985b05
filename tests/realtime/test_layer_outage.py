"""A socket outlives an unreachable channel layer (Redis restarting): it retries, rejoins its group, re-checks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from redis.exceptions import ConnectionError as RedisConnectionError

from realtime.consumers import HubConsumer
from realtime.events import user_group
from tests.realtime.conftest import Socket

pytestmark = pytest.mark.django_db


class FlakyLayer(InMemoryChannelLayer):
    """The first `outages` receives fail as with Redis gone, and the groups are forgotten, as by a restart."""

    outages = 0

    async def receive(self, channel: str) -> dict[str, Any]:
        if FlakyLayer.outages > 0:
            FlakyLayer.outages -= 1
            self.groups.clear()
            raise RedisConnectionError("Connection closed by server.")
        return await super().receive(channel)


def test_a_socket_survives_the_channel_layer_going_away_and_rejoins_its_control_group(settings, member, monkeypatch):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "tests.realtime.test_layer_outage.FlakyLayer"}}
    settings.REALTIME_REDIS_RECONNECT_SECONDS = 0.01
    rechecks: list[int] = []
    original = HubConsumer.recheck

    async def counted(self: HubConsumer) -> None:
        rechecks.append(self.user.pk)
        await original(self)

    monkeypatch.setattr(HubConsumer, "recheck", counted)
    FlakyLayer.outages = 2

    async def scenario() -> None:
        socket = await Socket.connect(member)

        await socket.send(type="ping")
        assert (await socket.receive())["type"] == "pong"  # still open
        assert await _eventually(lambda: len(rechecks) >= 1)  # re-checked once the layer was back

        # The group was forgotten by the "restart"; a control message reaches the socket again.
        await get_channel_layer().group_send(user_group(member.pk), {"type": "realtime.recheck"})
        assert await _eventually(lambda: len(rechecks) >= 2)
        await socket.close()

    async_to_sync(scenario)()


async def _eventually(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True
