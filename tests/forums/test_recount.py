"""`manage.py forums_recount`: agrees with the live counters after any sequence of writes, repairs broken ones."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from community.roles import Role
from forums import services
from forums.models import Category, Flag, ForumMember, Post, Reaction, Topic, TopicParticipant
from forums.services.moderation import limits_bypassed
from tests.factories import MemberFactory

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db

STEPS = 200
REASON = "Aufräumen nach Test"


def _random_post(rng: random.Random, *, replies_only: bool = False, deleted: bool | None = False) -> Post | None:
    posts = Post.objects.all()
    if replies_only:
        posts = posts.exclude(post_number=1)
    if deleted is not None:
        posts = posts.filter(deleted_at__isnull=not deleted)
    ids = list(posts.values_list("pk", flat=True))
    return Post.objects.select_related("topic__category").get(pk=rng.choice(ids)) if ids else None


def _random_topic(rng: random.Random) -> Topic | None:
    ids = list(Topic.objects.values_list("pk", flat=True))
    return Topic.objects.select_related("category").get(pk=rng.choice(ids)) if ids else None


def _operations(rng: random.Random, members, moderator, categories) -> list[tuple[int, Callable[[], object]]]:
    def someone():
        return rng.choice(members)

    def topic_create():
        services.topic_create(
            author=someone(),
            category=rng.choice(categories),
            title=f"Thema Nummer {rng.randrange(10**6)}",
            body_markdown="Wie macht ihr das in eurer Region?",
            tags=rng.sample(["raum", "presse", "geld"], rng.randrange(3)),
        )

    def post_create():
        topic = _random_topic(rng)
        reply_to = _random_post(rng)
        if topic:
            services.post_create(
                author=someone(),
                topic=topic,
                body_markdown=f"Antwort {rng.randrange(10**6)}",
                reply_to=reply_to if reply_to and reply_to.topic_id == topic.pk else None,
            )

    def post_edit():
        post = _random_post(rng)
        if post:
            services.post_edit(editor=post.author, post=post, body_markdown=f"Geändert {rng.randrange(10**6)}")

    def post_delete():
        post = _random_post(rng, replies_only=True)
        if post:
            services.post_delete(actor=post.author if rng.random() < 0.7 else moderator, post=post)

    def mark_solved():
        post = _random_post(rng, replies_only=True)
        if post:
            services.topic_mark_solved(actor=post.topic.author, topic=post.topic, post=post)

    def react():
        post = _random_post(rng, deleted=None)
        if post:
            services.reaction_toggle(user=someone(), post=post, kind=rng.choice(["heart", "+1", "tada"]))

    def flag():
        post = _random_post(rng)
        if post:
            services.flag_create(reporter=someone(), post=post, reason=Flag.Reason.OFF_TOPIC)

    def resolve_flags():
        post = _random_post(rng, deleted=None)
        if post:
            services.flags_resolve(moderator=moderator, post=post, outcome=rng.choice(["agreed", "disagreed"]))

    def hide():
        post = _random_post(rng)
        if post:
            services.post_hide(moderator=moderator, post=post, reason=REASON)

    def unhide():
        post = _random_post(rng)
        if post:
            services.post_unhide(moderator=moderator, post=post, reason=REASON)

    def restore():
        post = _random_post(rng, deleted=True)
        if post:
            services.post_restore(moderator=moderator, post=post, reason=REASON)

    def move():
        topic = _random_topic(rng)
        if topic:
            services.topic_move(moderator=moderator, topic=topic, category=rng.choice(categories), reason=REASON)

    def merge():
        topic, into = _random_topic(rng), _random_topic(rng)
        if topic and into:
            services.topic_merge(moderator=moderator, topic=topic, into=into, reason=REASON)

    def split():
        topic = _random_topic(rng)
        numbers = list(Post.objects.filter(topic=topic, post_number__gt=1).values_list("post_number", flat=True))
        if topic and numbers:
            services.topic_split(
                moderator=moderator,
                topic=topic,
                post_numbers=rng.sample(numbers, rng.randint(1, len(numbers))),
                title=f"Abgetrennt Nummer {rng.randrange(10**6)}",
                reason=REASON,
            )

    def delete_topic():
        if Topic.objects.count() > 3:
            services.topic_delete(moderator=moderator, topic=_random_topic(rng), reason=REASON)

    return [
        (12, topic_create),
        (40, post_create),
        (8, post_edit),
        (10, post_delete),
        (5, mark_solved),
        (15, react),
        (5, flag),
        (3, resolve_flags),
        (3, hide),
        (2, unhide),
        (4, restore),
        (2, move),
        (1, merge),
        (2, split),
        (1, delete_topic),
    ]


def test_a_recount_after_a_random_sequence_of_operations_changes_nothing():
    rng = random.Random(4)
    members = [MemberFactory() for _ in range(6)]
    moderator = MemberFactory(roles=[Role.MODERATOR])
    parent = CategoryFactory()
    categories = [parent, CategoryFactory(), CategoryFactory(parent=parent)]
    operations = _operations(rng, members, moderator, categories)
    weights = [weight for weight, _op in operations]
    done: dict[str, int] = {}
    with limits_bypassed():
        for _step in range(STEPS):
            (_weight, operation) = rng.choices(operations, weights)[0]
            try:
                operation()
            except (PermissionDenied, ValidationError):
                continue
            done[operation.__name__] = done.get(operation.__name__, 0) + 1

    # The sequence really exercised the counters.
    assert Post.objects.filter(deleted_at__isnull=False).exists()
    assert Reaction.objects.exists()
    assert done.get("post_delete", 0) > 3
    assert done.get("restore", 0) > 0
    assert Topic.objects.count() > 5

    report = services.forums_recount()
    assert report.fixes == []


def test_the_recount_repairs_corrupted_counters(category, topic, member):
    other = MemberFactory()
    reply = services.post_create(author=other, topic=topic, body_markdown="Eine Antwort")
    removed = services.post_create(author=other, topic=topic, body_markdown="Gleich gelöscht")
    services.post_delete(actor=other, post=removed)
    services.reaction_toggle(user=member, post=reply, kind="heart")
    services.flag_create(reporter=member, post=reply, reason=Flag.Reason.SPAM)
    forum_member = ForumMember.objects.get(pk=other.pk)
    expected = {
        "topic": Topic.objects.values(
            "post_count", "participant_count", "last_posted_at", "last_poster", "reaction_count"
        ).get(pk=topic.pk),
        "category": Category.objects.values("topic_count", "post_count", "last_topic", "last_posted_at").get(
            pk=category.pk
        ),
        "post": Post.objects.values("reaction_counts", "reaction_count", "flag_count").get(pk=reply.pk),
        "participants": sorted(TopicParticipant.objects.values_list("topic_id", "user_id", "post_count")),
        "member": forum_member.post_count,
    }
    assert expected["topic"]["post_count"] == 2
    assert expected["post"]["reaction_counts"] == {"heart": 1}

    long_ago = timezone.now() - timedelta(days=999)
    Topic.objects.filter(pk=topic.pk).update(
        post_count=99, participant_count=0, last_posted_at=long_ago, last_poster=None, reaction_count=7
    )
    Category.objects.filter(pk=category.pk).update(topic_count=0, post_count=0, last_topic=None, last_posted_at=None)
    Post.objects.filter(pk=reply.pk).update(reaction_counts={"tada": 4}, reaction_count=4, flag_count=0)
    TopicParticipant.objects.filter(user=member).delete()
    TopicParticipant.objects.create(topic=topic, user=MemberFactory(), post_count=3)
    ForumMember.objects.filter(pk=other.pk).update(post_count=50)

    out = io.StringIO()
    call_command("forums_recount", stdout=out)
    assert "post_count 99 -> 2" in out.getvalue()
    assert "counter(s) fixed" in out.getvalue()

    assert Topic.objects.values(*expected["topic"]).get(pk=topic.pk) == expected["topic"]
    assert Category.objects.values(*expected["category"]).get(pk=category.pk) == expected["category"]
    assert Post.objects.values(*expected["post"]).get(pk=reply.pk) == expected["post"]
    assert sorted(TopicParticipant.objects.values_list("topic_id", "user_id", "post_count")) == expected["participants"]
    assert ForumMember.objects.get(pk=other.pk).post_count == 1

    again = io.StringIO()
    call_command("forums_recount", stdout=again)
    assert "All forum counters were correct." in again.getvalue()


def test_deleting_the_latest_post_points_the_topic_and_category_at_the_one_before(category, topic, member):
    other = MemberFactory()
    reply = services.post_create(author=other, topic=topic, body_markdown="Die letzte Antwort")
    services.post_delete(actor=other, post=reply)
    topic.refresh_from_db()
    category.refresh_from_db()
    opening = topic.posts.get(post_number=1)
    assert topic.last_posted_at == opening.created_at
    assert topic.last_poster_id == member.pk
    assert category.last_posted_at == opening.created_at
    assert services.forums_recount().fixes == []
