"""Forum reads with a bounded number of queries, for pages, feeds and tests."""

from __future__ import annotations

from django.db.models import Prefetch

from community.permissions import UserLike

from .models import Category, Post, Topic
from .permissions import visible_categories, visible_topics

TOPICS_PER_PAGE = 30
POSTS_PER_PAGE = 20


def category_list_for(user: UserLike) -> list[Category]:
    """Main categories the user may read, each with `.subcategories`; counts come from stored counters (2 queries)."""
    subcategories = visible_categories(user).select_related("last_topic").order_by("position", "name")
    return list(
        visible_categories(user)
        .filter(parent__isnull=True)
        .select_related("last_topic", "handlungsfeld")
        .prefetch_related(Prefetch("children", queryset=subcategories, to_attr="subcategories"))
        .order_by("position", "name")
    )


def latest_topics(user: UserLike, *, category: Category | None = None, page: int = 1) -> list[Topic]:
    """The "Neueste" list: listed topics by last activity, 30 per page (1 query)."""
    topics = visible_topics(user).filter(unlisted=False)
    if category is not None:
        topics = topics.filter(category=category)
    start = (max(page, 1) - 1) * TOPICS_PER_PAGE
    return list(
        topics.select_related("category", "author", "last_poster").order_by("-last_posted_at", "-pk")[
            start : start + TOPICS_PER_PAGE
        ]
    )


def topic_posts(topic: Topic, *, page: int = 1) -> list[Post]:
    """One page of a topic's posts in order, with their authors (1 query)."""
    start = (max(page, 1) - 1) * POSTS_PER_PAGE
    return list(
        Post.objects.filter(topic=topic)
        .select_related("author", "reply_to")
        .order_by("post_number")[start : start + POSTS_PER_PAGE]
    )
