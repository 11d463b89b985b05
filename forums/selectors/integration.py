"""Reads other apps use to show forum content (a lesson's discussion): permission-aware, no model leaks out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from community.models import User
from community.permissions import UserLike

from ..models import Category, Post, Topic
from ..permissions import can_view_topic
from .lists import post_url, topic_url


@dataclass(frozen=True)
class ReplySummary:
    author_name: str
    created_at: datetime
    excerpt_html: str
    url: str


@dataclass(frozen=True)
class TopicSummary:
    title: str
    url: str
    reply_count: int
    latest_replies: tuple[ReplySummary, ...]


def topic_exists(*, topic_id: int) -> bool:
    return Topic.objects.filter(pk=topic_id).exists()


def discussion_category_for(*, handlungsfeld_ids: Iterable[int]) -> Category | None:
    """Where a course discussion goes: the public top-level forum of the first Handlungsfeld, else any public one."""
    ids = list(handlungsfeld_ids)
    base = Category.objects.filter(visibility=Category.Visibility.PUBLIC, parent__isnull=True).order_by(
        "position", "pk"
    )
    if ids:
        category = base.filter(handlungsfeld_id__in=ids).first()
        if category is not None:
            return category
    return base.filter(topic_starters=Category.TopicStarters.MEMBERS).first()


def topic_summary(*, user: UserLike | User, topic_id: int, replies: int = 3) -> TopicSummary | None:
    """The topic's title, address and latest visible replies for `user`; None if gone or not readable (2 queries)."""
    topic = Topic.objects.select_related("category__parent").filter(pk=topic_id).first()
    if topic is None or not can_view_topic(user, topic):
        return None
    rows = (
        Post.objects.filter(topic=topic, post_number__gt=1, deleted_at__isnull=True, hidden_at__isnull=True)
        .select_related("author")
        .order_by("-post_number")[:replies]
    )
    return TopicSummary(
        title=topic.title,
        url=topic_url(topic.pk),
        reply_count=max(0, topic.post_count - 1),
        latest_replies=tuple(
            ReplySummary(
                author_name=str(post.author) if post.author else "",
                created_at=post.created_at,
                excerpt_html=post.body_html,
                url=post_url(topic.pk, post.post_number),
            )
            for post in rows
        ),
    )
