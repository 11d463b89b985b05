"""Read state as Discourse keeps it: per-topic read positions and levels, visits, "new" cut-offs, view counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from community.models import User
from community.permissions import UserLike

from ..models import Category, CategoryUser, ForumMember, NotificationLevel, Topic, TopicUser

# A member who joins sees the topics of the days before as new, so the forum does not look empty.
NEW_MEMBER_LOOKBACK = timedelta(days=2)
# One view per member (or anonymous address) and topic in this time.
VIEW_DEDUPE_SECONDS = 60 * 60


def visit_gap() -> timedelta:
    """No forum activity for this long ends a visit (FORUMS_VISIT_GAP seconds, default one hour)."""
    return timedelta(seconds=int(getattr(settings, "FORUMS_VISIT_GAP", 60 * 60)))


def _seen_resolution() -> timedelta:
    # last_seen_at is written at most this often: a write per page view would cost more than the page.
    return min(timedelta(minutes=5), visit_gap() / 4)


def _new_member(user: User, now: datetime) -> ForumMember:
    return ForumMember(
        user=user, new_since=user.date_joined - NEW_MEMBER_LOOKBACK, visit_started_at=now, last_seen_at=now
    )


def forum_member_for(user: User) -> ForumMember:
    """The member's forum state, created on first use (new_since two days before they joined); 1-4 queries."""
    now = timezone.now()
    default = _new_member(user, now)
    member, _created = ForumMember.objects.get_or_create(
        user=user,
        defaults={
            "new_since": default.new_since,
            "visit_started_at": default.visit_started_at,
            "last_seen_at": default.last_seen_at,
        },
    )
    user._forum_member = member
    return member


def member_visit(*, user: UserLike) -> ForumMember | None:
    """Record forum activity of a member (None for anonymous visitors); one read, a write only now and then.

    Not wrapped in a transaction: every write is a single statement, and a page view should not pay
    for a savepoint.

    When the member comes back after FORUMS_VISIT_GAP without forum activity a new visit starts and
    new_since moves to the start of the previous visit: "Neu" then shows what appeared since they
    last looked (and what they did not open during that visit). new_since never moves backwards,
    so "Alle als gelesen markieren" (new_since = now) survives the next visit.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    seen_key = f"forums:seen:{user.pk}"
    if cache.get(seen_key):
        # Seen within the last few minutes: neither a new visit nor time to write last_seen_at.
        return getattr(user, "_forum_member", None)
    now = timezone.now()
    cache.set(seen_key, 1, int(_seen_resolution().total_seconds()))
    member = ForumMember.objects.filter(pk=user.pk).first()
    if member is None:
        member = forum_member_for(user)
        user._forum_member = member
        return member
    if member.last_seen_at is None or now - member.last_seen_at >= visit_gap():
        previous_start = member.visit_started_at or member.last_seen_at
        if previous_start is not None and previous_start > member.new_since:
            member.new_since = previous_start
        member.visit_started_at = now
        member.last_seen_at = now
        ForumMember.objects.filter(pk=member.pk).update(
            new_since=member.new_since, visit_started_at=now, last_seen_at=now
        )
    elif now - member.last_seen_at >= _seen_resolution():
        member.last_seen_at = now
        ForumMember.objects.filter(pk=member.pk).update(last_seen_at=now)
    user._forum_member = member
    return member


def member_visit_on_login(sender: object, request: object, user: User, **kwargs: object) -> None:
    """Receiver of user_logged_in: a login is forum activity (and creates the member's forum state)."""
    member_visit(user=user)


def topic_user_on_post(*, user: User, topic: Topic, post_number: int, created_topic: bool) -> None:
    """A member wrote post N: they have read up to it, they posted, and they now follow the topic.

    The level becomes the member's default for starting or replying (Verfolgen unless they chose
    otherwise) — unless they chose a level for this topic themselves or already follow it more closely.
    Called by the posting service inside its transaction, with the topic row locked.
    """
    member = forum_member_for(user)
    target = member.level_on_create if created_topic else member.level_on_reply
    now = timezone.now()
    state, created = TopicUser.objects.get_or_create(
        user=user,
        topic=topic,
        defaults={
            "last_read_post_number": post_number,
            "level": target,
            "posted": True,
            "first_visited_at": now,
            "last_visited_at": now,
        },
    )
    if not created:
        changes: dict[str, object] = {
            "posted": True,
            "last_read_post_number": Greatest(F("last_read_post_number"), post_number),
            "last_visited_at": now,
        }
        if not state.level_chosen and state.level < target:
            changes["level"] = target
        TopicUser.objects.filter(pk=state.pk).update(**changes)
    ForumMember.objects.filter(pk=member.pk).update(post_count=F("post_count") + 1, last_posted_at=now)
    member.last_posted_at = now


@transaction.atomic
def posts_mark_read(*, user: User, topic: Topic, up_to: int) -> int:
    """Raise the member's read position in a topic to post N (never lowers it); returns the position.

    N is clamped to the topic's last post number. One conditional UPDATE when the row exists,
    so the endpoint the page calls while reading stays cheap.
    """
    up_to = min(int(up_to), topic.last_post_number)
    if up_to < 1:
        return 0
    now = timezone.now()
    raised = TopicUser.objects.filter(user=user, topic=topic, last_read_post_number__lt=up_to).update(
        last_read_post_number=up_to, last_visited_at=now
    )
    if raised:
        return up_to
    state, created = TopicUser.objects.get_or_create(
        user=user,
        topic=topic,
        defaults={"last_read_post_number": up_to, "first_visited_at": now, "last_visited_at": now},
    )
    return up_to if created else max(state.last_read_post_number, up_to)


def _viewer_hash(address: str) -> str:
    from django.utils.crypto import salted_hmac

    # Keyed hash: the cache never holds an address, and nobody can guess one back from a key.
    return salted_hmac("forums.topic_view", address).hexdigest()[:24]


def topic_visit(*, user: UserLike, topic: Topic, state: TopicUser | None, shown_up_to: int, address: str = "") -> bool:
    """A page of a topic was shown: count the view (deduplicated) and mark the shown posts read.

    Members: one view per topic and hour, told by their read-state row (`state`, loaded by
    the page anyway): a member who was in the topic (read or posted) within the hour is not counted
    again. Anonymous visitors: one view per hashed address and topic and hour, remembered in the
    cache (never a cookie). Returns whether a view was counted. Single-statement writes, no
    transaction of its own: it runs on every topic page view.
    """
    now = timezone.now()
    if getattr(user, "is_authenticated", False):
        count_view = state is None or now - state.last_visited_at >= timedelta(seconds=VIEW_DEDUPE_SECONDS)
        if count_view:
            # Writes the anonymous views waiting in the cache along with this one.
            Topic.objects.filter(pk=topic.pk).update(view_count=F("view_count") + 1 + _take_pending_views(topic.pk))
        up_to = min(shown_up_to, topic.last_post_number)
        if state is None:
            TopicUser.objects.get_or_create(
                user=user,
                topic=topic,
                defaults={"last_read_post_number": max(up_to, 0), "first_visited_at": now, "last_visited_at": now},
            )
        elif up_to > state.last_read_post_number or count_view:
            TopicUser.objects.filter(user_id=user.pk, topic=topic).update(
                last_read_post_number=Greatest(F("last_read_post_number"), up_to), last_visited_at=now
            )
        return count_view
    key = f"forums:view:{topic.pk}:{_viewer_hash(address or 'unknown')}"
    if not cache.add(key, 1, VIEW_DEDUPE_SECONDS):
        return False
    if _add_pending_view(topic.pk) >= VIEW_FLUSH_EVERY:
        topic_views_flush(topic_id=topic.pk)
    return True


# Anonymous views are buffered in the cache and written VIEW_FLUSH_EVERY at a time (or with the next
# member's view), as Discourse buffers views in Redis: crawlers and visitors cost no database write
# per page, and a lost cache loses at most a few views, never a post or a read position.
VIEW_FLUSH_EVERY = 10
PENDING_VIEWS_TTL = 60 * 60 * 24


def _pending_views_key(topic_id: int) -> str:
    return f"forums:views:pending:{topic_id}"


def _add_pending_view(topic_id: int) -> int:
    key = _pending_views_key(topic_id)
    cache.add(key, 0, PENDING_VIEWS_TTL)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PENDING_VIEWS_TTL)
        return 1


def _take_pending_views(topic_id: int) -> int:
    key = _pending_views_key(topic_id)
    pending = cache.get(key) or 0
    if not pending:
        return 0
    try:
        cache.decr(key, pending)  # atomic: views added meanwhile stay for the next flush
    except ValueError:
        return 0
    return int(pending)


def topic_views_flush(*, topic_id: int) -> int:
    """Write the buffered anonymous views of a topic to Topic.view_count (F()); returns how many."""
    pending = _take_pending_views(topic_id)
    if pending:
        Topic.objects.filter(pk=topic_id).update(view_count=F("view_count") + pending)
    return pending


def _raise_to_last_post(states: Q) -> int:
    last_number = Topic.objects.filter(pk=OuterRef("topic_id")).values("last_post_number")[:1]
    return TopicUser.objects.filter(states, last_read_post_number__lt=F("topic__last_post_number")).update(
        last_read_post_number=Subquery(last_number)
    )


@transaction.atomic
def forum_mark_all_read(*, user: User) -> None:
    """ "Alle als gelesen markieren": nothing is new any more, every tracked topic is read to its end."""
    member = forum_member_for(user)
    now = timezone.now()
    ForumMember.objects.filter(pk=member.pk).update(new_since=now)
    member.new_since = now
    _raise_to_last_post(Q(user=user, level__gte=NotificationLevel.TRACKING))


@transaction.atomic
def category_mark_all_read(*, user: User, category: Category) -> None:
    """ "Alle als gelesen markieren" in one category (with its subcategories); bulk queries, not per topic."""
    now = timezone.now()
    category_ids = [category.pk, *Category.objects.filter(parent=category).values_list("pk", flat=True)]
    CategoryUser.objects.bulk_create(
        [CategoryUser(user=user, category_id=pk, dismissed_at=now) for pk in category_ids],
        update_conflicts=True,
        unique_fields=["user", "category"],
        update_fields=["dismissed_at"],
    )
    _raise_to_last_post(Q(user=user, level__gte=NotificationLevel.TRACKING, topic__category_id__in=category_ids))
