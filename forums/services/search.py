"""Keeps the stored full-text search vector of posts current (PostgreSQL; a no-op on SQLite)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import OuterRef, Subquery, Value

from ..models import Post, Topic

SEARCH_CONFIG = "german"


def search_enabled() -> bool:
    """Full-text search needs PostgreSQL; other databases use the simple fallback of the search selector."""
    return connection.vendor == "postgresql"


def _vector(title: str | None):
    body = SearchVector("body_markdown", weight="B", config=SEARCH_CONFIG)
    if title is None:
        return body
    return SearchVector(Value(title), weight="A", config=SEARCH_CONFIG) + body


def post_search_index(*, post: Post, title: str | None = None) -> None:
    """Recompute one post's vector: the topic title (weight A) for the opening post, the text (weight B).

    Called by the services that write a post's text or its topic's title, inside their transaction.
    `title` saves the topic lookup when the caller has it at hand.
    """
    if not search_enabled():
        return
    if post.post_number == 1 and title is None:
        title = Topic.objects.values_list("title", flat=True).get(pk=post.topic_id)
    Post.objects.filter(pk=post.pk).update(search_vector=_vector(title if post.post_number == 1 else None))


def topic_search_index(*, topic: Topic) -> None:
    """After a title change (edit, split, merge): the opening post carries the title in its vector."""
    if not search_enabled():
        return
    Post.objects.filter(topic_id=topic.pk, post_number=1).update(search_vector=_vector(topic.title))


def search_index_rebuild() -> int:
    """Recompute every post's vector (after a restore or a change of the search configuration)."""
    if not search_enabled():
        return 0
    title = Subquery(Topic.objects.filter(pk=OuterRef("topic_id")).values("title")[:1])
    first = Post.objects.filter(post_number=1).update(
        search_vector=SearchVector(title, weight="A", config=SEARCH_CONFIG)
        + SearchVector("body_markdown", weight="B", config=SEARCH_CONFIG)
    )
    rest = Post.objects.exclude(post_number=1).update(search_vector=_vector(None))
    return first + rest
