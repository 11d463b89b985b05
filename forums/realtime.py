"""The forums' realtime streams: `topic:<id>` (new posts) and `category:<id>` (new topics), registered in ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from realtime.events import Event
from realtime.streams import UserLike, register_stream

from . import permissions
from .models import Category, Post, Topic
from .services.posting import _post_payload


def _topic(key: str) -> Topic | None:
    return Topic.objects.select_related("category__parent").filter(pk=int(key)).first()


def can_subscribe_topic(user: UserLike, key: str) -> bool:
    topic = _topic(key)
    return topic is not None and permissions.can_view_topic(user, topic)


def replay_topic(user: UserLike, key: str, since: int, limit: int) -> list[Event] | None:
    """post.created events for posts numbered above `since`, as services/posting.py publishes them.

    Deleted posts are left out, hidden ones too unless the viewer wrote them or moderates;
    their numbers are simply skipped (ids need only grow, not be contiguous).
    """
    posts = list(
        Post.objects.filter(topic_id=int(key), post_number__gt=since)
        .select_related("reply_to")
        .order_by("post_number")[: limit + 1]
    )
    if len(posts) > limit:
        return None
    moderator = permissions.is_forum_moderator(user)
    stream = f"topic:{key}"
    events: list[Event] = []
    for post in posts:
        if post.is_deleted:
            continue
        if post.is_hidden and not moderator and not (user.is_authenticated and post.author_id == user.pk):
            continue
        events.append(
            {"stream": stream, "id": post.post_number, "kind": "post.created", "payload": _post_payload(post)}
        )
    return events


def last_topic_id(key: str) -> int:
    return Topic.objects.filter(pk=int(key)).values_list("last_post_number", flat=True).first() or 0


def can_subscribe_category(user: UserLike, key: str) -> bool:
    category = Category.objects.select_related("parent").filter(pk=int(key)).first()
    return category is not None and permissions.can_view_category(user, category)


def replay_category(user: UserLike, key: str, since: int, limit: int) -> list[Event] | None:
    """topic.created events for topics of the category with an id above `since` (unlisted ones for moderators only)."""
    topics = Topic.objects.filter(category_id=int(key), pk__gt=since)
    if not permissions.is_forum_moderator(user):
        topics = topics.filter(unlisted=False)
    rows: list[dict[str, Any]] = list(topics.order_by("pk").values("pk", "category_id", "author_id")[: limit + 1])
    if len(rows) > limit:
        return None
    stream = f"category:{key}"
    return [
        {
            "stream": stream,
            "id": row["pk"],
            "kind": "topic.created",
            "payload": {"topic_id": row["pk"], "category_id": row["category_id"], "author_id": row["author_id"]},
        }
        for row in rows
    ]


def last_category_id(key: str) -> int:
    return Topic.objects.filter(category_id=int(key)).aggregate(last=Max("pk"))["last"] or 0


def register() -> None:
    register_stream(
        "topic", can_subscribe=can_subscribe_topic, replay=replay_topic, last_id=last_topic_id, persistent=True
    )
    register_stream(
        "category",
        can_subscribe=can_subscribe_category,
        replay=replay_category,
        last_id=last_category_id,
        persistent=True,
    )
