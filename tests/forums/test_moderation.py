"""Moderator actions: each checks, writes, keeps every counter in step, logs and tells the member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from forums import permissions, services
from forums.models import Category, ModerationAction, Post, Topic, TopicParticipant
from forums.services import moderation, notify
from tests.factories import MemberFactory

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db
Action = ModerationAction.Action
REASON = "Bitte beim Thema bleiben."


@pytest.fixture
def notified(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(notify, "notify_moderation", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def events(monkeypatch) -> list[dict]:
    """The realtime events the moderation services publish (publish itself delivers after commit)."""
    seen: list[dict] = []
    monkeypatch.setattr(moderation, "publish", lambda **kwargs: seen.append(kwargs))
    return seen


def replies(topic: Topic, *authors, text: str = "Eine Antwort") -> list[Post]:
    return [
        services.post_create(author=author, topic=topic, body_markdown=f"{text} {n}")
        for n, author in enumerate(authors)
    ]


def backdate(topic: Topic, days: int = 1) -> None:
    """Make a topic's activity older, the way the services would have stored it back then."""
    then = timezone.now() - timedelta(days=days)
    Post.objects.filter(topic=topic).update(created_at=then)
    Topic.objects.filter(pk=topic.pk).update(created_at=then, last_posted_at=then)
    services.category_last_topic_refresh(category_id=topic.category_id)


def assert_counters_agree_with_a_recount() -> None:
    report = services.forums_recount()
    assert not report, report.fixes


def test_hiding_and_showing_a_post_is_logged_and_told_to_the_author(topic, moderator, notified):
    author = MemberFactory()
    [post] = replies(topic, author)

    services.post_hide(moderator=moderator, post=post, reason=REASON, hidden_reason=Post.HiddenReason.OFF_TOPIC)
    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "off_topic"

    services.post_unhide(moderator=moderator, post=post, reason="Passt doch.")
    post.refresh_from_db()
    assert not post.is_hidden

    assert list(ModerationAction.objects.order_by("pk").values_list("action", "reason", "actor")) == [
        (Action.POST_HIDE, REASON, moderator.pk),
        (Action.POST_UNHIDE, "Passt doch.", moderator.pk),
    ]
    assert [(call["recipient"], call["action"]) for call in notified] == [
        (author, Action.POST_HIDE),
        (author, Action.POST_UNHIDE),
    ]
    assert notified[0]["post"] == post and notified[0]["reason"] == REASON
    assert_counters_agree_with_a_recount()


def test_every_action_needs_a_reason(topic, moderator):
    [post] = replies(topic, MemberFactory())
    with pytest.raises(ValidationError) as error:
        services.post_hide(moderator=moderator, post=post, reason="   ")
    assert error.value.error_dict["reason"][0].code == "reason_required"
    with pytest.raises(ValidationError):
        services.topic_close(moderator=moderator, topic=topic, reason="")
    assert not ModerationAction.objects.exists()


def test_members_cannot_moderate(topic, member):
    [post] = replies(topic, MemberFactory())
    with pytest.raises(PermissionDenied):
        services.post_hide(moderator=member, post=post, reason=REASON)
    with pytest.raises(PermissionDenied):
        services.topic_close(moderator=member, topic=topic, reason=REASON)


def test_a_category_moderator_moderates_only_their_categories(topic, start_topic):
    category_moderator = MemberFactory()
    topic.category.moderators.add(category_moderator)
    other = start_topic(category=CategoryFactory(), title="Ein Thema woanders")

    services.topic_close(moderator=category_moderator, topic=topic, reason=REASON)
    with pytest.raises(PermissionDenied):
        services.topic_close(moderator=category_moderator, topic=other, reason=REASON)


def test_deleting_and_restoring_a_post_puts_every_counter_back(topic, moderator, notified, events):
    author = MemberFactory()
    [post] = replies(topic, author)
    before = Topic.objects.values("post_count", "participant_count").get(pk=topic.pk)
    category_posts = Category.objects.get(pk=topic.category_id).post_count

    services.post_delete_moderated(moderator=moderator, post=post, reason=REASON)
    topic.refresh_from_db()
    assert topic.post_count == before["post_count"] - 1
    assert topic.participant_count == before["participant_count"] - 1
    assert_counters_agree_with_a_recount()

    services.post_restore(moderator=moderator, post=post, reason="Versehen")
    topic.refresh_from_db()
    post.refresh_from_db()
    assert post.deleted_at is None
    assert Topic.objects.values("post_count", "participant_count").get(pk=topic.pk) == before
    assert Category.objects.get(pk=topic.category_id).post_count == category_posts
    assert TopicParticipant.objects.filter(topic=topic, user=author).get().post_count == 1
    assert_counters_agree_with_a_recount()
    assert [call["action"] for call in notified] == [Action.POST_DELETE, Action.POST_RESTORE]
    assert (f"topic:{topic.pk}", "post.restored") in {(event["stream"], event["kind"]) for event in events}


def test_the_opening_post_goes_only_with_its_topic(topic, moderator):
    opening = topic.posts.get(post_number=1)
    with pytest.raises(ValidationError) as error:
        services.post_delete_moderated(moderator=moderator, post=opening, reason=REASON)
    assert error.value.code == "first_post"


def test_a_moderator_edits_a_post_with_a_reason(topic, moderator, notified):
    author = MemberFactory()
    [post] = replies(topic, author)

    services.post_edit_moderated(moderator=moderator, post=post, body_markdown="Freundlicher Text", reason=REASON)

    post.refresh_from_db()
    assert post.body_markdown == "Freundlicher Text"
    assert post.revisions.get().editor == moderator
    assert ModerationAction.objects.get().action == Action.POST_EDIT
    assert notified[0]["recipient"] == author


@pytest.mark.parametrize(
    ("close", "undo", "field", "log"),
    [
        (services.topic_close, services.topic_reopen, "closed", (Action.TOPIC_CLOSE, Action.TOPIC_OPEN)),
        (services.topic_pin, services.topic_unpin, "pinned", (Action.TOPIC_PIN, Action.TOPIC_UNPIN)),
        (services.topic_archive, services.topic_unarchive, "archived", (Action.TOPIC_ARCHIVE, Action.TOPIC_UNARCHIVE)),
    ],
)
def test_topic_states_change_and_change_back(topic, moderator, notified, events, close, undo, field, log):
    close(moderator=moderator, topic=topic, reason=REASON)
    assert getattr(Topic.objects.get(pk=topic.pk), field) is True
    with pytest.raises(ValidationError):
        close(moderator=moderator, topic=topic, reason=REASON)  # already so

    undo(moderator=moderator, topic=topic, reason=REASON)
    assert getattr(Topic.objects.get(pk=topic.pk), field) is False
    assert tuple(ModerationAction.objects.order_by("pk").values_list("action", flat=True)) == log
    assert [call["recipient"] for call in notified] == [topic.author, topic.author]
    assert [event["kind"] for event in events].count("topic.updated") == 2


def test_a_global_pin_needs_a_global_moderator(topic, moderator):
    category_moderator = MemberFactory()
    topic.category.moderators.add(category_moderator)
    with pytest.raises(PermissionDenied):
        services.topic_pin(moderator=category_moderator, topic=topic, reason=REASON, globally=True)
    services.topic_pin(moderator=moderator, topic=topic, reason=REASON, globally=True)
    topic.refresh_from_db()
    assert topic.pinned and topic.pinned_globally


def test_moving_a_topic_moves_its_counters_between_the_categories(topic, moderator, start_topic):
    replies(topic, MemberFactory(), MemberFactory())
    source = topic.category
    target = CategoryFactory()
    earlier = start_topic(category=target, title="Schon da gewesenes Thema")
    backdate(earlier)

    services.topic_move(moderator=moderator, topic=topic, category=target, reason=REASON)

    topic.refresh_from_db()
    source.refresh_from_db()
    target.refresh_from_db()
    assert topic.category == target
    assert (source.topic_count, source.post_count, source.last_topic) == (0, 0, None)
    assert (target.topic_count, target.post_count) == (2, 4)
    assert target.last_topic == topic
    entry = ModerationAction.objects.get()
    assert entry.action == Action.TOPIC_MOVE and entry.data["to_category"] == target.name
    assert_counters_agree_with_a_recount()


def test_a_topic_cannot_move_into_its_own_category(topic, moderator):
    with pytest.raises(ValidationError):
        services.topic_move(moderator=moderator, topic=topic, category=topic.category, reason=REASON)


def test_merging_renumbers_the_posts_after_the_target_and_fixes_every_counter(
    moderator, category, start_topic, notified
):
    alice, bob, carla = MemberFactory(), MemberFactory(), MemberFactory()
    target = start_topic(category=category, author=alice, title="Raumsuche für die Konferenz")
    replies(target, bob)
    other_category = CategoryFactory()
    source = start_topic(category=other_category, author=carla, title="Wo tagen wir im Herbst?")
    [deleted, kept] = replies(source, bob, alice)
    services.post_delete(actor=bob, post=deleted)

    result = services.topic_merge(moderator=moderator, topic=source, into=target, reason=REASON)

    assert result == target
    assert not Topic.objects.filter(pk=source.pk).exists()
    assert list(target.posts.order_by("post_number").values_list("post_number", "author")) == [
        (1, alice.pk),
        (2, bob.pk),
        (3, carla.pk),
        (4, bob.pk),
        (5, alice.pk),
    ]
    target.refresh_from_db()
    assert target.last_post_number == 5
    assert target.post_count == 4  # the deleted post moved along but does not count
    assert target.participant_count == 3
    assert Category.objects.get(pk=other_category.pk).topic_count == 0
    assert_counters_agree_with_a_recount()
    entry = ModerationAction.objects.get(action=Action.TOPIC_MERGE)
    assert entry.data["merged_topic_id"] == source.pk and entry.data["post_offset"] == 2
    assert {call["recipient"] for call in notified} == {carla, alice}


def test_links_to_a_merged_topic_lead_to_its_posts_in_the_target(client, moderator, category, start_topic):
    target = start_topic(category=category, title="Raumsuche für die Konferenz")
    replies(target, MemberFactory())
    source = start_topic(category=category, title="Wo tagen wir im Herbst?")
    services.topic_merge(moderator=moderator, topic=source, into=target, reason=REASON)

    assert client.get(f"/foren/t/{source.pk}/")["Location"] == f"/foren/t/{target.pk}/"
    assert client.get(f"/foren/t/{source.pk}/1/")["Location"] == f"/foren/t/{target.pk}/3/"


def test_a_topic_cannot_be_merged_into_itself(topic, moderator):
    with pytest.raises(ValidationError):
        services.topic_merge(moderator=moderator, topic=topic, into=topic, reason=REASON)


def test_splitting_moves_the_chosen_posts_into_a_new_topic(topic, moderator, notified):
    alice, bob = MemberFactory(), MemberFactory()
    posts = replies(topic, alice, bob, alice, bob)  # numbers 2..5
    services.post_create(author=bob, topic=topic, body_markdown="Bezug", reply_to=posts[1])  # 6 replies to 3
    target = CategoryFactory()

    new = services.topic_split(
        moderator=moderator,
        topic=topic,
        post_numbers=[3, 5],
        title="Abgespaltene Diskussion über Räume",
        reason=REASON,
        category=target,
    )

    assert new.category == target and new.author == bob
    assert list(new.posts.order_by("post_number").values_list("post_number", "body_markdown")) == [
        (1, "Eine Antwort 1"),
        (2, "Eine Antwort 3"),
    ]
    assert list(topic.posts.order_by("post_number").values_list("post_number", flat=True)) == [1, 2, 4, 6]
    assert topic.posts.get(post_number=6).reply_to is None  # its post left for the new topic
    new.refresh_from_db()
    topic.refresh_from_db()
    assert (new.post_count, new.participant_count, new.last_post_number) == (2, 1, 2)
    assert topic.post_count == 4
    assert_counters_agree_with_a_recount()
    assert ModerationAction.objects.get().data["new_topic_id"] == new.pk
    assert [call["recipient"] for call in notified] == [bob]


def test_the_opening_post_and_unknown_posts_cannot_be_split_off(topic, moderator):
    replies(topic, MemberFactory())
    for numbers, code in (([1, 2], "first_post"), ([2, 9], "unknown"), ([], "no_posts")):
        with pytest.raises(ValidationError) as error:
            services.topic_split(
                moderator=moderator, topic=topic, post_numbers=numbers, title="Ein neues Thema hier", reason=REASON
            )
        assert error.value.error_dict["post_numbers"][0].code == code


def test_post_numbers_are_read_from_a_short_list():
    assert services.parse_post_numbers("3, 5-7 9") == [3, 5, 6, 7, 9]
    with pytest.raises(ValidationError):
        services.parse_post_numbers("drei")


def test_deleting_a_topic_lowers_its_category_counters(topic, moderator, notified, start_topic):
    replies(topic, MemberFactory())
    older = start_topic(category=topic.category, title="Ein älteres Thema hier")
    backdate(older)
    title, author = topic.title, topic.author

    services.topic_delete(moderator=moderator, topic=topic, reason=REASON)

    category = Category.objects.get(pk=topic.category_id)
    assert (category.topic_count, category.post_count, category.last_topic) == (1, 1, older)
    entry = ModerationAction.objects.get()
    assert entry.action == Action.TOPIC_DELETE and entry.data["topic_title"] == title
    assert notified[0]["recipient"] == author
    assert_counters_agree_with_a_recount()


def test_a_silenced_member_cannot_post_until_the_silence_ends(topic, moderator, notified):
    member = MemberFactory()
    services.user_silence(moderator=moderator, user=member, until=timezone.now() + timedelta(days=1), reason=REASON)

    member.refresh_from_db()
    assert member.is_silenced
    assert not permissions.can_reply(member, topic)
    with pytest.raises(PermissionDenied):
        services.post_create(author=member, topic=topic, body_markdown="Ich will aber")
    assert notified[0]["recipient"] == member

    member.silenced_until = timezone.now() - timedelta(seconds=1)
    member.save(update_fields=["silenced_until"])
    assert permissions.can_reply(member, topic)
    services.post_create(author=member, topic=topic, body_markdown="Wieder dabei")


def test_a_silence_can_be_lifted_and_is_logged(moderator, notified):
    member = MemberFactory()
    services.user_silence(moderator=moderator, user=member, until=timezone.now() + timedelta(weeks=1), reason=REASON)
    services.user_unsilence(moderator=moderator, user=member, reason="Geklärt")

    member.refresh_from_db()
    assert member.silenced_until is None
    assert list(ModerationAction.objects.order_by("pk").values_list("action", "target_user")) == [
        (Action.USER_SILENCE, member.pk),
        (Action.USER_UNSILENCE, member.pk),
    ]


def test_only_global_moderators_silence_and_never_each_other(topic, moderator, administrator):
    category_moderator = MemberFactory()
    topic.category.moderators.add(category_moderator)
    until = timezone.now() + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.user_silence(moderator=category_moderator, user=MemberFactory(), until=until, reason=REASON)
    with pytest.raises(ValidationError):
        services.user_silence(moderator=moderator, user=administrator, until=until, reason=REASON)
    with pytest.raises(ValidationError):
        services.user_silence(moderator=moderator, user=MemberFactory(), until=timezone.now(), reason=REASON)


def test_a_random_sequence_of_moderation_keeps_the_counters_right(moderator, category, start_topic):
    members = [MemberFactory() for _ in range(3)]
    first = start_topic(category=category, author=members[0], title="Erstes Thema der Runde")
    second = start_topic(category=CategoryFactory(), author=members[1], title="Zweites Thema der Runde")
    posts = replies(first, *members, *members)
    replies(second, members[2], members[0])
    services.post_delete_moderated(moderator=moderator, post=posts[0], reason=REASON)
    services.post_hide(moderator=moderator, post=posts[1], reason=REASON)
    new = services.topic_split(
        moderator=moderator, topic=first, post_numbers=[2, 3, 5], title="Abgespalten aus dem ersten", reason=REASON
    )
    services.post_restore(moderator=moderator, post=Post.objects.get(pk=posts[0].pk), reason=REASON)
    services.topic_move(moderator=moderator, topic=new, category=second.category, reason=REASON)
    services.topic_merge(moderator=moderator, topic=new, into=second, reason=REASON)
    services.topic_delete(moderator=moderator, topic=first, reason=REASON)

    assert_counters_agree_with_a_recount()
