"""The fan-out from forum events to notifications: every kind, the levels, no self-notification, no leaks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import TeamMembership
from forums import services
from forums.models import CategoryUser, NotificationLevel, TopicUser
from forums.services import notify
from notifications.models import Notification
from tests.factories import MemberFactory, TeamMembershipFactory
from tests.forums.conftest import CategoryFactory

pytestmark = pytest.mark.django_db


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def reply(topic, author, text="Danke, das hilft uns weiter!", reply_to=None):
    return services.post_create(author=author, topic=topic, body_markdown=text, reply_to=reply_to)


def test_a_reply_tells_the_topic_author_with_title_permalink_and_plain_excerpt(topic, member):
    replier = MemberFactory()

    post = reply(topic, replier, "Wir haben **gute** Erfahrungen mit dem Gemeindesaal gemacht.")

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == notify.KIND_REPLY
    assert notification.actor == replier
    assert notification.data["title"] == topic.title
    assert notification.data["url"] == f"/foren/t/{topic.pk}/{post.post_number}/"
    assert notification.data["excerpt"] == "Wir haben gute Erfahrungen mit dem Gemeindesaal gemacht."
    assert notification.target == post


def test_a_reply_to_a_post_tells_that_posts_author_not_the_topic_author(topic, member):
    first_replier, second_replier = MemberFactory(), MemberFactory()
    answered = reply(topic, first_replier)
    Notification.objects.all().delete()

    reply(topic, second_replier, reply_to=answered)

    assert kinds_of(first_replier) == [notify.KIND_REPLY]
    assert kinds_of(member) == []


def test_nobody_is_notified_about_their_own_post(topic, member):
    reply(topic, member, "Ich ergänze noch etwas zu meiner Frage.")

    assert not Notification.objects.exists()


def test_a_mention_tells_the_mentioned_member(topic, member):
    mentioned = MemberFactory()

    reply(topic, MemberFactory(), f"@{mentioned.handle} kennt sich damit aus.")

    assert kinds_of(mentioned) == [notify.KIND_MENTION]


def test_a_mention_that_is_also_a_reply_gives_one_notification(topic, member):
    reply(topic, MemberFactory(), f"@{member.handle} schau mal hier.")

    assert kinds_of(member) == [notify.KIND_MENTION]


def test_a_quote_tells_the_quoted_author(topic, member):
    quoted_author = MemberFactory()
    quoted = reply(topic, quoted_author, "Der Saal kostet 50 Euro am Abend.")
    Notification.objects.all().delete()

    reply(topic, MemberFactory(), services.quote_markdown(post=quoted) + "Das ist günstig!")

    assert kinds_of(quoted_author) == [notify.KIND_QUOTE]


def test_an_edit_tells_only_newly_mentioned_members(topic, member):
    first, second = MemberFactory(), MemberFactory()
    author = MemberFactory()
    post = reply(topic, author, f"Frag mal @{first.handle}.")

    services.post_edit(editor=author, post=post, body_markdown=f"Frag mal @{first.handle} und @{second.handle}.")

    assert kinds_of(first) == [notify.KIND_MENTION]
    assert kinds_of(second) == [notify.KIND_MENTION]


def test_watchers_of_a_topic_hear_of_every_new_post(topic, member):
    watcher = MemberFactory()
    services.topic_level_set(user=watcher, topic=topic, level=NotificationLevel.WATCHING)

    reply(topic, MemberFactory())

    assert kinds_of(watcher) == [notify.KIND_NEW_POST]


def test_tracking_and_normal_members_hear_only_of_replies_and_mentions(topic, member):
    tracking, normal = MemberFactory(), MemberFactory()
    services.topic_level_set(user=tracking, topic=topic, level=NotificationLevel.TRACKING)
    services.topic_level_set(user=normal, topic=topic, level=NotificationLevel.NORMAL)

    reply(topic, MemberFactory())

    assert kinds_of(tracking) == []
    assert kinds_of(normal) == []


def test_watching_a_category_tells_of_new_topics_and_their_posts(category, start_topic):
    watcher = MemberFactory()
    services.category_level_set(user=watcher, category=category, level=NotificationLevel.WATCHING)

    new = start_topic(category=category)
    reply(new, MemberFactory())

    assert kinds_of(watcher) == [notify.KIND_NEW_TOPIC, notify.KIND_NEW_POST]


def test_watching_a_parent_category_covers_its_subcategories(category, start_topic):
    child = CategoryFactory(parent=category)
    watcher = MemberFactory()
    services.category_level_set(user=watcher, category=category, level=NotificationLevel.WATCHING)

    start_topic(category=child)

    assert kinds_of(watcher) == [notify.KIND_NEW_TOPIC]


def test_a_muted_topic_notifies_nothing_not_even_replies_or_mentions(topic, member):
    services.topic_level_set(user=member, topic=topic, level=NotificationLevel.MUTED)

    reply(topic, MemberFactory(), f"@{member.handle} was meinst du?")

    assert kinds_of(member) == []


def test_a_muted_category_notifies_nothing(category, start_topic):
    author = MemberFactory()
    services.category_level_set(user=author, category=category, level=NotificationLevel.MUTED)
    other_author = MemberFactory()
    topic = start_topic(category=category, author=other_author)

    reply(topic, MemberFactory(), f"@{author.handle} kennst du das?")

    assert kinds_of(author) == []


def test_a_topic_level_of_ones_own_beats_the_category_level(category, start_topic):
    member = MemberFactory()
    services.category_level_set(user=member, category=category, level=NotificationLevel.MUTED)
    topic = start_topic(category=category)
    services.topic_level_set(user=member, topic=topic, level=NotificationLevel.WATCHING)

    reply(topic, MemberFactory())

    assert kinds_of(member) == [notify.KIND_NEW_POST]


def test_a_reaction_tells_the_author_grouped_per_post_while_unread(topic, member):
    first_post = topic.posts.get(post_number=1)
    alex, kim = MemberFactory(display_name="Alex"), MemberFactory(display_name="Kim")

    services.reaction_toggle(user=alex, post=first_post, kind="heart")
    services.reaction_toggle(user=kim, post=first_post, kind="+1")

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == notify.KIND_REACTION
    assert notification.count == 2
    assert notification.data["actor_names"] == ["Kim", "Alex"]


def test_an_accepted_answer_tells_its_author(topic, member):
    answerer = MemberFactory()
    answer = reply(topic, answerer)
    Notification.objects.all().delete()

    services.topic_mark_solved(actor=member, topic=topic, post=answer)

    assert kinds_of(answerer) == [notify.KIND_SOLVED]
    assert kinds_of(member) == []


def test_a_moderation_outcome_tells_the_member_with_the_reason(topic, member, moderator):
    post = topic.posts.get(post_number=1)

    notify.notify_moderation(recipient=member, action="post_hide", reason="Bitte freundlich bleiben.", post=post)

    notification = Notification.objects.get(recipient=member)
    assert notification.kind == notify.KIND_MODERATION
    assert notification.data["excerpt"] == "Bitte freundlich bleiben."
    assert notification.data["url"] == f"/foren/t/{topic.pk}/1/"
    assert topic.title in notification.data["title"]


class TestPrivateTeamTopics:
    def test_an_outsider_watching_or_mentioned_gets_nothing(self, team_category, team_member, start_topic):
        outsider = MemberFactory()
        services.category_level_set(user=team_member, category=team_category, level=NotificationLevel.WATCHING)
        topic = start_topic(category=team_category, author=team_member)
        # A level the outsider may have kept from before they left the team: it must not leak.
        CategoryUser.objects.create(user=outsider, category=team_category, level=NotificationLevel.WATCHING)
        TopicUser.objects.create(user=outsider, topic=topic, level=NotificationLevel.WATCHING, level_chosen=True)
        colleague = TeamMembershipFactory(team=team_category.team).user

        reply(topic, colleague, f"@{outsider.handle} und @{team_member.handle}, was meint ihr?")

        assert kinds_of(outsider) == []
        assert kinds_of(team_member) == [notify.KIND_MENTION]

    def test_a_former_team_member_hears_nothing_of_replies_to_their_post(self, team_category, team_member, start_topic):
        topic = start_topic(category=team_category, author=team_member)
        colleague = TeamMembershipFactory(team=team_category.team).user
        TeamMembership.objects.filter(user=team_member).delete()

        reply(topic, colleague)

        assert kinds_of(team_member) == []


def test_fan_out_to_many_watchers_needs_the_same_queries_as_to_few(category, start_topic):
    topic = start_topic(category=category)

    def watchers(count):
        for member in MemberFactory.create_batch(count):
            services.category_level_set(user=member, category=category, level=NotificationLevel.WATCHING)

    watchers(2)
    reply(topic, MemberFactory())  # warm-up: the replier's first post creates their forum rows
    replier = MemberFactory()
    reply(topic, replier)
    with CaptureQueriesContext(connection) as few:
        reply(topic, replier)
    watchers(20)
    with CaptureQueriesContext(connection) as many:
        reply(topic, replier)

    assert Notification.objects.filter(kind=notify.KIND_NEW_POST).count() == 3 * 2 + 22
    assert len(many) == len(few)
