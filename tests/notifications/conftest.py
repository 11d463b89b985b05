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


# The forum fixtures (categories of each visibility, topics started through the services), for the
# tests of what the forums tell members through the notifications.
from tests.forums.conftest import (  # noqa: E402, F401
    CategoryFactory,
    category,
    start_topic,
    team,
    team_category,
    team_member,
    topic,
)
