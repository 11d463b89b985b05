"""Fixtures for the websocket tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _consumers_keep_the_test_connection(monkeypatch):
    """Channels closes "old" database connections around every consumer call.

    In a test that would close the connection holding the test's transaction (or
    touch a database the test did not ask for). Django's test client switches the
    same clean-up off for requests; WebsocketCommunicator does so only while it
    sends or receives, not while a consumer handles a disconnect.
    """
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
