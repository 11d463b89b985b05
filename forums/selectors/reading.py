"""Reads of the read state: what is new and unread for a member, as SQL conditions and per-category counts."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q

from community.permissions import UserLike

from ..models import CategoryUser, ForumMember, NotificationLevel, Post, Topic, TopicUser
from ..permissions import visible_topics


def is_reader(user: UserLike) -> bool:
    """Read state is kept for logged-in accounts only."""
    return bool(getattr(user, "is_authenticated", False))


def new_since_of(user: UserLike) -> datetime:
    """Topics created after this moment may be "Neu" for the member.

    Uses the row the page's visit tracking loaded (services.member_visit); without one, reads it
    (1 query) or falls back to what a first visit would store, without writing.
    """
    member = getattr(user, "_forum_member", None)
    if member is None:
        member = ForumMember.objects.filter(pk=user.pk).first()
        if member is None:
            from ..services.reading import NEW_MEMBER_LOOKBACK

            return user.date_joined - NEW_MEMBER_LOOKBACK
        user._forum_member = member
    return member.new_since


def _own_state(user: UserLike) -> Q:
    return Q(user_id=user.pk, topic_id=OuterRef("pk"))


def unread_q(user: UserLike) -> Q:
    """Topics the member tracks or watches that have posts past their read position."""
    return Q(
        Exists(
            TopicUser.objects.filter(
                _own_state(user),
                level__gte=NotificationLevel.TRACKING,
                last_read_post_number__lt=OuterRef("last_post_number"),
            )
        )
    )


def new_q(user: UserLike) -> Q:
    """Topics created since the member's new_since that they never opened, outside dismissed or muted categories."""
    dismissed_or_muted = CategoryUser.objects.filter(user_id=user.pk, category_id=OuterRef("category_id")).filter(
        Q(level=NotificationLevel.MUTED) | Q(dismissed_at__gte=OuterRef("created_at"))
    )
    return (
        Q(created_at__gt=new_since_of(user))
        & ~Exists(TopicUser.objects.filter(_own_state(user)))
        & ~Exists(dismissed_or_muted)
    )


def topic_user_of(user: UserLike, topic: Topic) -> TopicUser | None:
    """The member's read state in a topic; None for anonymous visitors or a topic never opened.

    No query for a topic from topic_for_page (it read the row as `viewer_state`), 1 query otherwise.
    """
    if not is_reader(user):
        return None
    if hasattr(topic, "viewer_state"):
        return topic.viewer_state
    return TopicUser.objects.filter(user_id=user.pk, topic=topic).first()


def first_post_after(topic: Topic, post_number: int) -> int | None:
    """The number of the first post after N that exists (numbers may have gaps after moves); 1 query."""
    return (
        Post.objects.filter(topic=topic, post_number__gt=post_number)
        .order_by("post_number")
        .values_list("post_number", flat=True)
        .first()
    )


def category_counts_for(user: UserLike) -> dict[int, tuple[int, int]]:
    """{category id: (unread, new)} for the member over every category they may read: one aggregate query."""
    if not is_reader(user):
        return {}
    unread = unread_q(user)
    new = new_q(user)
    rows = (
        visible_topics(user)
        .filter(unlisted=False)
        .filter(unread | new)
        .order_by()
        .values("category_id")
        .annotate(unread=Count("pk", filter=unread), new=Count("pk", filter=new))
    )
    return {row["category_id"]: (row["unread"], row["new"]) for row in rows}


def topic_counts_for(user: UserLike) -> tuple[int, int]:
    """(unread, new) over all categories, for the tab labels; derived from category_counts_for."""
    counts = category_counts_for(user)
    return sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())
