"""Without a reachable cache (Redis restarting) the cache's optional uses fail open, with a logged warning."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache

from community import cache_safety, permissions
from tests.broken_cache import UNREACHABLE_CACHES
from tests.factories import MemberFactory


@pytest.fixture
def unreachable_cache(settings, monkeypatch):
    settings.CACHES = UNREACHABLE_CACHES
    monkeypatch.setattr(cache_safety, "_last_warned", {})


def test_fail_open_answers_the_fallback_and_warns(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="community.cache_safety"):
        assert cache_safety.fail_open(lambda: cache.get("key"), "fallback", purpose="a test") == "fallback"
    assert "Cache unavailable for a test" in caplog.text


def test_fail_open_warns_once_per_purpose_while_the_cache_stays_down(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="community.cache_safety"):
        for _ in range(3):
            cache_safety.fail_open(lambda: cache.get("key"), None, purpose="a test")
    assert caplog.text.count("Cache unavailable") == 1


def test_fail_open_does_not_swallow_bugs(unreachable_cache):
    def broken() -> None:
        raise KeyError("a bug, not an outage")

    with pytest.raises(KeyError):
        cache_safety.fail_open(broken, None, purpose="a test")


@pytest.mark.django_db
def test_role_checks_read_the_database_while_the_cache_is_unreachable(settings, monkeypatch, caplog):
    member = MemberFactory()  # before the outage: saving a member invalidates, which does not fail open
    settings.CACHES = UNREACHABLE_CACHES
    monkeypatch.setattr(cache_safety, "_last_warned", {})
    with caplog.at_level(logging.WARNING, logger="community.cache_safety"):
        assert permissions.is_member(member)
    assert "member cache community:access" in caplog.text
