"""The header bell comes from a per-member cache entry that every change of the member's notifications drops."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import cache_safety
from community.models import User
from notifications import selectors, services
from notifications.models import Notification
from tests.broken_cache import UNREACHABLE_CACHES
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/benachrichtigungen/"


def notify(recipient, *, title="Neue Antwort", actor=None, group_key=""):
    return services.notification_create(
        recipient=recipient,
        kind="test_reply",
        actor=actor,
        data={"title": title, "url": "/foren/t/1/2/"},
        group_key=group_key,
    )


def bell_of(user: User) -> dict:
    """The bell as the next request reads it (a fresh user object, no per-request memo)."""
    return selectors.bell(user=User.objects.get(pk=user.pk))


def bell_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(LIST_URL).status_code == 200
    return sum("notifications_notification" in query["sql"] and "LIMIT 5" in query["sql"] for query in captured)


def test_a_later_page_reads_the_bell_without_a_query(member_client, member, test_kinds):
    notify(member)
    assert bell_queries(member_client) == 1
    assert bell_queries(member_client) == 0


def test_a_new_notification_shows_in_the_cached_bell(member, test_kinds):
    notify(member, title="Erste")
    assert bell_of(member)["unread_count"] == 1
    notify(member, title="Zweite")
    bell = bell_of(member)
    assert bell["unread_count"] == 2
    assert [item["title"] for item in bell["latest"]] == ["Zweite", "Erste"]


def test_a_new_notification_shows_in_the_header_of_the_next_page(member_client, member, test_kinds):
    notify(member)
    member_client.get(LIST_URL)
    notify(member, title="Noch eine")
    html = member_client.get(LIST_URL).content.decode()
    assert '<span class="bell__count" aria-hidden="true">2</span>' in html


def test_notifications_for_many_watchers_reach_each_cached_bell(member, test_kinds):
    others = [MemberFactory(), MemberFactory()]
    for user in (member, *others):
        assert bell_of(user)["unread_count"] == 0
    services.notification_bulk_create(
        recipients=[member, *others], kind="test_reply", data={"title": "An alle", "url": "/x/"}
    )
    for user in (member, *others):
        assert bell_of(user)["unread_count"] == 1
        assert bell_of(user)["latest"][0]["title"] == "An alle"


def test_marking_all_read_clears_the_cached_count(member_client, member, test_kinds):
    notify(member)
    notify(member)
    assert bell_of(member)["unread_count"] == 2
    assert member_client.post(f"{LIST_URL}gelesen/").status_code == 302
    bell = bell_of(member)
    assert bell["unread_count"] == 0
    assert not any(item["unread"] for item in bell["latest"])


def test_marking_one_read_lowers_the_cached_count(member, test_kinds):
    first = notify(member)
    notify(member)
    assert bell_of(member)["unread_count"] == 2
    services.notification_mark_read(user=member, notification_ids=[first.pk])
    assert bell_of(member)["unread_count"] == 1


def test_a_grouped_notification_replaces_the_cached_one(member, test_kinds):
    notify(member, actor=MemberFactory(display_name="Alex"), group_key="post:1")
    assert bell_of(member)["latest"][0]["count"] == 1
    notify(member, actor=MemberFactory(display_name="Kim"), group_key="post:1")
    bell = bell_of(member)
    assert bell["unread_count"] == 1
    assert bell["latest"][0]["count"] == 2


def test_a_notification_deleted_elsewhere_leaves_the_cached_bell(member, test_kinds):
    notify(member)
    assert bell_of(member)["unread_count"] == 1
    Notification.objects.filter(recipient=member).delete()
    assert bell_of(member) == {"unread_count": 0, "latest": []}


def test_a_renamed_actor_shows_under_the_new_name(member, test_kinds):
    actor = MemberFactory(display_name="Alter Name")
    notify(member, actor=actor)
    assert bell_of(member)["latest"][0]["actor"] == "Alter Name"
    actor.display_name = "Neuer Name"
    actor.save()
    assert bell_of(member)["latest"][0]["actor"] == "Neuer Name"


def test_one_members_change_keeps_the_others_cached_bell(member, test_kinds, django_assert_num_queries):
    other = MemberFactory()
    notify(other)
    bell_of(other)
    notify(member)
    user = User.objects.get(pk=other.pk)
    with django_assert_num_queries(0):
        assert selectors.bell(user=user)["unread_count"] == 1


def test_without_a_reachable_cache_notifications_are_still_written_and_counted(
    member, test_kinds, settings, monkeypatch, caplog
):
    settings.CACHES = UNREACHABLE_CACHES
    monkeypatch.setattr(cache_safety, "_last_warned", {})
    with caplog.at_level(logging.WARNING, logger="community.cache_safety"):
        assert notify(member) is not None
        services.notification_bulk_create(recipients=[member], kind="test_reply", data={"title": "b", "url": "/"})
        assert bell_of(member)["unread_count"] == 2
        assert services.notification_mark_read(user=member) == 2
        assert bell_of(member)["unread_count"] == 0
    assert "member cache notifications:bell" in caplog.text
