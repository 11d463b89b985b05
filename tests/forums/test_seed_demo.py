"""The forums' seed step: categories per Handlungsfeld and team, German demo topics, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from forums.models import Bookmark, Category, Post, PostRevision, Reaction, Topic, TopicParticipant

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "categories": Category.objects.count(),
        "topics": Topic.objects.count(),
        "posts": Post.objects.count(),
        "revisions": PostRevision.objects.count(),
        "participants": TopicParticipant.objects.count(),
        "reactions": Reaction.objects.count(),
        "bookmarks": Bookmark.objects.count(),
        "solved": Topic.objects.filter(accepted_post__isnull=False).count(),
    }


def test_seeding_twice_or_after_a_reset_gives_the_same_forums():
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()

    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first
    call_command("seed_demo", "--reset", stdout=io.StringIO())
    assert counts() == first


def test_the_seed_has_a_forum_per_handlungsfeld_the_network_forums_and_private_team_forums():
    call_command("seed_demo", stdout=io.StringIO())

    assert Category.objects.filter(handlungsfeld__isnull=False).count() == 9
    announcements = Category.objects.get(slug="ankuendigungen")
    assert announcements.topic_starters == Category.TopicStarters.MODERATORS
    team_forums = Category.objects.filter(visibility=Category.Visibility.TEAM)
    assert team_forums.count() == 5
    assert not team_forums.filter(team__isnull=True).exists()
    assert Topic.objects.count() >= 10
    assert Topic.objects.filter(accepted_post__isnull=False).exists()
    assert Topic.objects.filter(category__visibility=Category.Visibility.TEAM).exists()
    for category in Category.objects.all():
        assert category.topic_count == category.topics.count()
        assert category.post_count == Post.objects.filter(topic__category=category, deleted_at__isnull=True).count()


def test_the_seed_has_about_60_discussions_with_replies_reactions_and_solutions_and_exact_counters():
    call_command("seed_demo", stdout=io.StringIO())

    topics = Topic.objects.all()
    assert 55 <= topics.count() <= 70
    assert Post.objects.filter(post_number__gt=1).count() >= 2 * topics.count()
    assert Post.objects.filter(reply_to__isnull=False).exists()
    assert topics.filter(accepted_post__isnull=False).count() >= 15
    assert topics.filter(tags__isnull=False).distinct().count() == topics.count()
    assert Reaction.objects.count() >= 200
    assert Bookmark.objects.exists()
    assert Post.objects.filter(body_html__contains="<table>").exists()
    assert Post.objects.filter(body_html__contains="<li>").exists()
    assert Category.objects.filter(topics__isnull=True, visibility=Category.Visibility.TEAM).count() == 0
    for topic in topics.prefetch_related("posts"):
        posts = sorted(topic.posts.all(), key=lambda post: post.post_number)
        assert topic.post_count == len(posts)
        assert topic.created_at == posts[0].created_at
        assert topic.last_posted_at == posts[-1].created_at
        assert [post.created_at for post in posts] == sorted(post.created_at for post in posts)
        assert topic.reaction_count == sum(post.reaction_count for post in posts)
        for post in posts:
            assert post.reaction_count == Reaction.objects.filter(post=post).count()
            assert sum(post.reaction_counts.values()) == post.reaction_count
            assert post.author_id not in set(Reaction.objects.filter(post=post).values_list("user_id", flat=True))
    # Dates spread over months, not all at the moment of seeding.
    oldest = topics.order_by("created_at").first().created_at
    newest = topics.order_by("-created_at").first().created_at
    assert (newest - oldest).days >= 60
    for category in Category.objects.filter(topics__isnull=False).distinct():
        latest = category.topics.order_by("-last_posted_at").first()
        assert category.last_posted_at == latest.last_posted_at
