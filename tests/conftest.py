"""Fixtures shared by every suite: isolated cache and channel-layer namespaces, the seeded page tree."""

from __future__ import annotations

import io
import uuid

import pytest
from django.test import Client

from community.roles import Role

from .factories import MemberFactory, SuperuserFactory, UserFactory


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every transactional test must use serialized_rollback.

    A transactional test empties the database afterwards. Without serialized
    rollback, post_migrate then recreates content types and permissions, and
    the next serialized test (e2e, migrations) fails to restore its snapshot
    over them (unique constraint on django_content_type) - or not, depending on
    which tests an xdist worker happened to get.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction")) or "live_server" in getattr(
            item, "fixturenames", ()
        )
        if transactional and not (marker and marker.kwargs.get("serialized_rollback")):
            raise pytest.UsageError(
                f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, serialized_rollback=True)"
            )


@pytest.fixture(autouse=True)
def _isolated_cache_and_channel_layer(settings):
    """Give each test its own key prefix.

    With REDIS_URL set, all xdist workers (and a developer's running server)
    share one Redis; a unique prefix keeps Wagtail's cached site root paths and
    allauth's keys of one test out of another, without flushing the database.
    """
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {alias: {**config, "KEY_PREFIX": prefix} for alias, config in settings.CACHES.items()}
    settings.CHANNEL_LAYERS = {
        alias: {**config, "CONFIG": {**config.get("CONFIG", {}), "prefix": prefix}}
        if "redis" in config["BACKEND"].lower()
        else config
        for alias, config in settings.CHANNEL_LAYERS.items()
    }
    # The realtime fan-out's Redis channels too (events of one test never reach another's sockets).
    settings.REALTIME_REDIS_PREFIX = prefix


@pytest.fixture
def home_page(db):
    """The demo page tree (home page as the default site's root), created like `seed_demo` does."""
    from home.demo import seed_pages
    from home.models import HomePage

    seed_pages(io.StringIO())
    return HomePage.objects.get()


@pytest.fixture
def user(db):
    """Signed up, e-mail address not yet confirmed."""
    return UserFactory()


@pytest.fixture
def member(db):
    return MemberFactory()


@pytest.fixture
def moderator(db):
    return MemberFactory(roles=[Role.MODERATOR])


@pytest.fixture
def editor(db):
    return MemberFactory(roles=[Role.EDITOR])


@pytest.fixture
def administrator(db):
    return MemberFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def superuser(db):
    return SuperuserFactory()


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client
