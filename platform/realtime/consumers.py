"""The one websocket consumer at /ws/. For now it answers pings; streams come with the realtime hub."""

from __future__ import annotations

import json
from typing import Any, TypedDict

from channels.generic.websocket import AsyncWebsocketConsumer

PROTOCOL_VERSION = 1


class ErrorFrame(TypedDict):
    type: str
    code: str
    message: str


class HubConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message: Any = json.loads(text_data or "")
        except ValueError:
            await self._send_error("bad_json", "The message is not valid JSON.")
            return
        if not isinstance(message, dict):
            await self._send_error("bad_message", "A message must be a JSON object.")
            return
        if message.get("type") == "ping":
            await self.send(text_data=json.dumps({"type": "pong", "v": PROTOCOL_VERSION}))
            return
        await self._send_error("unknown_type", "Unknown message type.")

    async def _send_error(self, code: str, message: str) -> None:
        frame: ErrorFrame = {"type": "error", "code": code, "message": message}
        await self.send(text_data=json.dumps(frame))
