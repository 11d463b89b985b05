"""The forums' seed step: categories per Handlungsfeld and team, German demo topics, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from forums.models import Category, Post, PostRevision, Topic, TopicParticipant

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "categories": Category.objects.count(),
        "topics": Topic.objects.count(),
        "posts": Post.objects.count(),
        "revisions": PostRevision.objects.count(),
        "participants": TopicParticipant.objects.count(),
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
