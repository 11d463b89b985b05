"""Fixtures for the notification tests: kinds registered by the test, as a feature app would in ready()."""

from __future__ import annotations

import pytest

from notifications import registry


@pytest.fixture
def test_kinds():
    """Two kinds owned by "an app" the platform does not know; forgotten afterwards."""
    registry.register_kind("test_reply", "Reply", icon="inbox")
    registry.register_kind("test_reaction", "Reaction", icon="leaf")
    yield ("test_reply", "test_reaction")
    registry.unregister_kind("test_reply")
    registry.unregister_kind("test_reaction")
