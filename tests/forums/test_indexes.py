"""Every ordering and filter of the forum lists is served by an index (EXPLAIN on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.utils import timezone

from forums.models import Bookmark, Category, Post, Topic, TopicUser
from forums.permissions import visible_topics
from forums.services import search_index_rebuild
from notifications.models import Notification

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans and the GIN index need PostgreSQL"),
]


TOPICS = 5_000
CATEGORIES = 20


@pytest.fixture
def filled(db, member) -> int:
    """Realistic statistics for topics and posts, seq scans priced out for the small tables.

    5,000 topics with an opening post each in 20 categories, analysed; `SET LOCAL` ends with
    the test transaction.
    """
    categories = Category.objects.bulk_create(
        Category(name=f"Kategorie {n}", slug=f"index-kategorie-{n}") for n in range(CATEGORIES)
    )
    start = timezone.now() - timedelta(days=3 * 365)
    topics = Topic.objects.bulk_create(
        Topic(
            category=categories[n % CATEGORIES],
            title=f"Thema Nummer {n} zum " + ("Konferenzraum" if n % 100 == 0 else "Treffen"),
            author=member if n % 50 == 0 else None,
            created_at=start + timedelta(minutes=n * 7),
            last_posted_at=start + timedelta(minutes=n * 7 + (n % 13) * 60),
            pinned=n % 500 == 0,
            pinned_globally=n % 5000 == 0,
            post_count=1,
            last_post_number=1,
        )
        for n in range(TOPICS)
    )
    Post.objects.bulk_create(
        Post(
            topic=topic,
            post_number=1,
            author=topic.author,
            body_markdown=f"Text {topic.title}",
            body_html=f"<p>Text {topic.title}</p>",
            created_at=topic.created_at,
        )
        for topic in topics
    )
    search_index_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE forums_topic, forums_post, forums_category")
        cursor.execute("SET LOCAL enable_seqscan = off")
    return categories[1].pk


def plan(queryset) -> str:
    return queryset.explain()


def listed(user=None):
    return visible_topics(user or AnonymousUser()).filter(unlisted=False)


SEARCH_QUERY = SearchQuery("Konferenzräume", config="german", search_type="websearch")

CASES = [
    ("latest", lambda m, c: listed().order_by("-last_posted_at", "-pk")[:30], "forums_topic_latest_idx"),
    (
        "per category, by activity",
        lambda m, c: listed().filter(category_id=c).order_by("-pinned", "-last_posted_at", "-pk")[:30],
        "forums_topic_cat_pinned_idx",
    ),
    (
        "per category, by activity (no pins)",
        lambda m, c: listed().filter(category_id=c).order_by("-last_posted_at", "-pk")[:30],
        ("forums_topic_category_idx", "forums_topic_latest_idx"),
    ),
    ("new (created)", lambda m, c: listed().order_by("-created_at", "-pk")[:30], "forums_topic_created_idx"),
    (
        "new per category",
        lambda m, c: (
            listed()
            .filter(category_id=c, created_at__gt=timezone.now() - timedelta(days=2))
            .order_by("-created_at")[:30]
        ),
        # Either serves it: the planner picks by how many topics are new.
        ("forums_topic_cat_created_idx", "forums_topic_created_idx"),
    ),
    ("pinned globally", lambda m, c: Topic.objects.filter(pinned_globally=True)[:30], "forums_topic_pinned_idx"),
    (
        "topics per author",
        lambda m, c: Topic.objects.filter(author=m).order_by("-created_at")[:30],
        # The composite index or the foreign key's own, whichever the planner prices lower.
        ("forums_topic_author_idx", "forums_topic_author_id_"),
    ),
    (
        "posts per author",
        lambda m, c: Post.objects.filter(author=m).order_by("-created_at")[:30],
        ("forums_post_author_idx", "forums_post_author_id_"),
    ),
    (
        "posts of a topic page",
        lambda m, c: Post.objects.filter(topic_id=Topic.objects.filter(category_id=c).values("pk")[:1]).order_by(
            "post_number"
        )[20:40],
        "forums_post_number_unique",
    ),
    (
        "read state per member",
        lambda m, c: TopicUser.objects.filter(user=m, level__gte=2),
        "forums_topicuser_user_idx",
    ),
    (
        "bookmarks per member",
        lambda m, c: Bookmark.objects.filter(user=m).order_by("-created_at")[:30],
        "forums_bookmark_user_idx",
    ),
    (
        "notifications per recipient",
        lambda m, c: Notification.objects.filter(recipient=m).order_by("-created_at", "-id")[:30],
        "notif_recipient_created_idx",
    ),
    (
        "unread notifications per recipient",
        lambda m, c: Notification.objects.filter(recipient=m, read_at__isnull=True).order_by("-created_at"),
        "notif_recipient_",
    ),
    (
        "full-text search",
        # Ranked like forums.selectors.search: every match is scored, so the filter drives the plan.
        lambda m, c: (
            Post.objects.filter(search_vector=SEARCH_QUERY)
            .annotate(rank=SearchRank(F("search_vector"), SEARCH_QUERY))
            .order_by("-rank", "-pk")
        ),
        "forums_post_search_idx",
    ),
]


def test_every_list_ordering_and_filter_uses_its_index(filled, member):
    """One test, so the 5,000 rows are written once; every miss is reported with its plan."""
    misses = []
    for name, build, index in CASES:
        explained = plan(build(member, filled))
        if not any(name in explained for name in ((index,) if isinstance(index, str) else index)):
            misses.append(f"{name}: expected {index}\n{explained}")
    assert not misses, "\n\n".join(misses)
