"""The effective notification level of a topic: own choice or posting, else the category's, else Normal."""

from __future__ import annotations

import pytest

from forums import services
from forums.models import ForumMember, NotificationLevel, TopicUser
from forums.services import subscriptions
from tests.factories import MemberFactory
from tests.forums.conftest import CategoryFactory

pytestmark = pytest.mark.django_db


def test_without_any_setting_the_level_is_normal(topic):
    assert services.effective_level(user=MemberFactory(), topic=topic) == NotificationLevel.NORMAL


def test_starting_a_topic_makes_the_author_track_it(topic, member):
    assert services.effective_level(user=member, topic=topic) == NotificationLevel.TRACKING


def test_replying_makes_the_member_track_the_topic(topic):
    replier = MemberFactory()
    services.post_create(author=replier, topic=topic, body_markdown="Gute Frage, wir auch!")

    assert services.effective_level(user=replier, topic=topic) == NotificationLevel.TRACKING


def test_the_forum_defaults_decide_the_level_on_replying(topic):
    replier = MemberFactory()
    services.forum_member_defaults_set(
        user=replier, level_on_create=NotificationLevel.TRACKING, level_on_reply=NotificationLevel.WATCHING
    )
    services.post_create(author=replier, topic=topic, body_markdown="Gute Frage, wir auch!")

    assert services.effective_level(user=replier, topic=topic) == NotificationLevel.WATCHING


def test_a_chosen_level_survives_replying(topic):
    member = MemberFactory()
    services.topic_level_set(user=member, topic=topic, level=NotificationLevel.MUTED)
    services.post_create(author=member, topic=topic, body_markdown="Nur kurz eine Ergänzung.")

    assert services.effective_level(user=member, topic=topic) == NotificationLevel.MUTED


def test_the_category_level_applies_to_topics_without_an_own_choice(category, topic):
    member = MemberFactory()
    services.category_level_set(user=member, category=category, level=NotificationLevel.WATCHING)

    assert services.effective_level(user=member, topic=topic) == NotificationLevel.WATCHING


def test_an_automatic_topic_level_without_posting_does_not_beat_the_category(category, topic):
    member = MemberFactory()
    services.category_level_set(user=member, category=category, level=NotificationLevel.MUTED)
    TopicUser.objects.create(user=member, topic=topic, level=NotificationLevel.TRACKING)

    assert services.effective_level(user=member, topic=topic) == NotificationLevel.MUTED


def test_a_subcategory_follows_the_parent_unless_it_has_its_own_level(category, start_topic):
    child = CategoryFactory(parent=category)
    topic = start_topic(category=child)
    member = MemberFactory()
    services.category_level_set(user=member, category=category, level=NotificationLevel.WATCHING)
    assert services.effective_level(user=member, topic=topic) == NotificationLevel.WATCHING

    services.category_level_set(user=member, category=child, level=NotificationLevel.NORMAL)
    assert services.effective_level(user=member, topic=topic) == NotificationLevel.NORMAL


def test_effective_levels_for_many_members_need_two_queries(topic, category, django_assert_num_queries):
    members = MemberFactory.create_batch(5)
    for member in members[:2]:
        services.category_level_set(user=member, category=category, level=NotificationLevel.WATCHING)
    services.topic_level_set(user=members[2], topic=topic, level=NotificationLevel.MUTED)

    with django_assert_num_queries(2):
        levels = subscriptions.effective_levels(topic=topic, user_ids=[m.pk for m in members])

    assert [levels[m.pk] for m in members] == [3, 3, 0, 1, 1]


def test_watcher_ids_are_the_members_watching_by_topic_or_category(topic, category):
    by_topic, by_category, muted_topic = MemberFactory.create_batch(3)
    services.topic_level_set(user=by_topic, topic=topic, level=NotificationLevel.WATCHING)
    services.category_level_set(user=by_category, category=category, level=NotificationLevel.WATCHING)
    services.category_level_set(user=muted_topic, category=category, level=NotificationLevel.WATCHING)
    services.topic_level_set(user=muted_topic, topic=topic, level=NotificationLevel.MUTED)

    assert subscriptions.watcher_ids(topic=topic) == {by_topic.pk, by_category.pk}


def test_forum_defaults_are_stored_per_member(member):
    services.forum_member_defaults_set(
        user=member, level_on_create=NotificationLevel.WATCHING, level_on_reply=NotificationLevel.NORMAL
    )

    stored = ForumMember.objects.get(user=member)
    assert (stored.level_on_create, stored.level_on_reply) == (NotificationLevel.WATCHING, NotificationLevel.NORMAL)
