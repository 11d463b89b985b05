"""The forums' part of the e-mail digest: popular topics and unread followed topics, permission-aware."""

from __future__ import annotations

from datetime import datetime

from django.db.models import F
from django.utils.translation import ngettext

from community.models import User
from notifications.registry import DigestItem

from .. import permissions
from ..models import CategoryUser, NotificationLevel, Topic, TopicUser
from .lists import topic_url

DIGEST_POPULAR = 5
DIGEST_UNREAD = 10


def _muted(user: User) -> tuple[set[int], set[int]]:
    """Topics and categories the member muted: the digest is a notification, so it leaves them out."""
    topics = set(
        TopicUser.objects.filter(user=user, level=NotificationLevel.MUTED, level_chosen=True).values_list(
            "topic_id", flat=True
        )
    )
    categories = set(
        CategoryUser.objects.filter(user=user, level=NotificationLevel.MUTED).values_list("category_id", flat=True)
    )
    return topics, categories


def digest_popular_topics(*, user: User, since: datetime, now: datetime) -> list[DigestItem]:
    """The most active topics (posts, then reactions) with activity since the last digest, that the member may read."""
    muted_topics, muted_categories = _muted(user)
    topics = (
        permissions.visible_topics(user)
        .filter(unlisted=False, last_posted_at__gt=since, last_posted_at__lte=now)
        .exclude(pk__in=muted_topics)
        .exclude(category_id__in=muted_categories)
        .order_by("-post_count", "-reaction_count", "-last_posted_at")
        .only("pk", "title", "post_count")[:DIGEST_POPULAR]
    )
    return [
        DigestItem(
            title=topic.title,
            url=topic_url(topic.pk),
            note=ngettext("%(count)d post", "%(count)d posts", topic.post_count) % {"count": topic.post_count},
        )
        for topic in topics
    ]


def digest_unread_topics(*, user: User, since: datetime, now: datetime) -> list[DigestItem]:
    """Topics the member tracks or watches with posts they have not read, new since the last digest."""
    rows = (
        TopicUser.objects.filter(
            user=user,
            level__gte=NotificationLevel.TRACKING,
            topic__last_post_number__gt=F("last_read_post_number"),
            topic__last_posted_at__gt=since,
            topic__last_posted_at__lte=now,
        )
        .filter(permissions.visible_category_q(user, "topic__category__"))
        .select_related("topic")
        .order_by("-topic__last_posted_at")[:DIGEST_UNREAD]
    )
    items = []
    for row in rows:
        topic: Topic = row.topic
        unread = topic.last_post_number - row.last_read_post_number
        items.append(
            DigestItem(
                title=topic.title,
                url=topic_url(topic.pk),
                note=ngettext("%(count)d unread post", "%(count)d unread posts", unread) % {"count": unread},
            )
        )
    return items
