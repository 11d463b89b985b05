"""Reads for moderators: the review queue, the open count for the header, the moderation log."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from community.permissions import UserLike

from ..models import Category, Flag, ModerationAction, Post, QueuedPost, Topic
from ..permissions import can_view_topic, is_forum_moderator, moderated_category_q

QUEUE_PER_PAGE = 20
LOG_PER_PAGE = 30
EXCERPT_LENGTH = 400


def _display(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH].rstrip() + " …"


def _flagged_posts(user: UserLike):
    return Post.objects.filter(moderated_category_q(user, "topic__category__"), flag_count__gt=0)


def _pending_queue(user: UserLike):
    return QueuedPost.objects.filter(moderated_category_q(user, "category__"), status=QueuedPost.Status.PENDING)


def open_review_count(user: UserLike) -> int:
    """Flagged posts plus posts waiting for approval that this moderator reviews (1 query)."""
    flagged = _flagged_posts(user).order_by().values("pk")
    waiting = _pending_queue(user).order_by().values("pk")
    return flagged.union(waiting, all=True).count()


@dataclass(frozen=True)
class FlagRow:
    reporter_name: str
    reason: str
    message: str
    created_at: str


@dataclass(frozen=True)
class FlaggedPostRow:
    """A flagged post in the review queue with its open flags, grouped."""

    post: Post
    url: str
    topic_title: str
    topic_url: str
    category_name: str
    author_name: str
    excerpt: str
    created_at: str
    hidden: bool
    deleted: bool
    reasons: list[tuple[str, int]]
    flags: list[FlagRow]
    action_url: str


@dataclass(frozen=True)
class QueuedPostRow:
    """A topic or reply waiting for approval."""

    queued: QueuedPost
    is_topic: bool
    author_name: str
    category_name: str
    title: str
    topic_url: str
    body: str
    created_at: str
    action_url: str


@dataclass
class ReviewQueue:
    flagged: Page
    waiting: Page
    open_count: int = 0
    extra: dict = field(default_factory=dict)


def _flagged_row(post: Post) -> FlaggedPostRow:
    flags = getattr(post, "open_flags", [])
    topic_link = reverse("forums:topic", args=[post.topic_id])
    labels = dict(Flag.Reason.choices)
    return FlaggedPostRow(
        post=post,
        url=f"{topic_link}{post.post_number}/",
        topic_title=post.topic.title,
        topic_url=topic_link,
        category_name=post.topic.category.name,
        author_name=str(post.author) if post.author_id else "",
        excerpt=_excerpt(post.body_markdown),
        created_at=_display(post.created_at),
        hidden=post.is_hidden,
        deleted=post.is_deleted,
        reasons=[(str(labels.get(reason, reason)), n) for reason, n in Counter(f.reason for f in flags).most_common()],
        flags=[
            FlagRow(
                reporter_name=str(flag.reporter),
                reason=str(labels.get(flag.reason, flag.reason)),
                message=flag.message,
                created_at=_display(flag.created_at),
            )
            for flag in flags
        ],
        action_url=reverse("forums:moderation_flags", args=[post.pk]),
    )


def _queued_row(queued: QueuedPost) -> QueuedPostRow:
    return QueuedPostRow(
        queued=queued,
        is_topic=queued.topic_id is None,
        author_name=str(queued.author),
        category_name=queued.category.name,
        title=queued.title if queued.topic_id is None else queued.topic.title,
        topic_url=reverse("forums:topic", args=[queued.topic_id]) if queued.topic_id else "",
        body=queued.body_markdown,
        created_at=_display(queued.created_at),
        action_url=reverse("forums:moderation_queued", args=[queued.pk]),
    )


def review_queue(user: UserLike, *, flagged_page: object = 1, waiting_page: object = 1) -> ReviewQueue:
    """Flagged posts (most flags first) and posts waiting for approval (oldest first); 6 queries."""
    open_flags = Flag.objects.filter(resolved_at__isnull=True).select_related("reporter").order_by("created_at")
    flagged = (
        _flagged_posts(user)
        .select_related("topic__category", "author")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
        .order_by("-flag_count", "pk")
    )
    flagged_page_obj = Paginator(flagged, QUEUE_PER_PAGE).get_page(flagged_page)
    flagged_page_obj.object_list = [_flagged_row(post) for post in flagged_page_obj.object_list]
    waiting = _pending_queue(user).select_related("author", "category", "topic").order_by("created_at", "pk")
    waiting_page_obj = Paginator(waiting, QUEUE_PER_PAGE).get_page(waiting_page)
    waiting_page_obj.object_list = [_queued_row(queued) for queued in waiting_page_obj.object_list]
    return ReviewQueue(
        flagged=flagged_page_obj,
        waiting=waiting_page_obj,
        open_count=flagged_page_obj.paginator.count + waiting_page_obj.paginator.count,
    )


def queued_post_for(user: UserLike, queued_id: int) -> QueuedPost | None:
    return _pending_queue(user).select_related("category__parent", "author", "topic").filter(pk=queued_id).first()


def flagged_post_for(user: UserLike, post_id: int) -> Post | None:
    """A post this moderator may review (flagged or not), or None."""
    return (
        Post.objects.filter(moderated_category_q(user, "topic__category__"), pk=post_id)
        .select_related("topic__category__parent", "author")
        .first()
    )


# --- the log -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogRow:
    entry: ModerationAction
    label: str
    actor_name: str
    target_name: str
    created_at: str
    created_iso: str
    topic_title: str
    topic_url: str
    post_number: int | None
    post_url: str
    details: str


def _log_details(entry: ModerationAction) -> str:
    data = entry.data or {}
    parts = []
    if data.get("from_category"):
        parts.append(f"{data['from_category']} → {data.get('to_category', '')}")
    if data.get("merged_title"):
        parts.append(f"“{data['merged_title']}”")
    if data.get("new_title"):
        parts.append(f"→ “{data['new_title']}”")
    if data.get("until"):
        try:
            parts.append(_display(datetime.fromisoformat(data["until"])))
        except ValueError:
            pass
    return " · ".join(parts)


def _log_row(entry: ModerationAction, labels: dict[str, str]) -> LogRow:
    data = entry.data or {}
    topic_id = entry.topic_id
    topic_link = reverse("forums:topic", args=[topic_id]) if topic_id else ""
    number = data.get("post_number")
    return LogRow(
        entry=entry,
        label=labels.get(entry.action, entry.action),
        actor_name=str(entry.actor) if entry.actor_id else "",
        target_name=str(entry.target_user) if entry.target_user_id else "",
        created_at=_display(entry.created_at),
        created_iso=entry.created_at.isoformat(),
        topic_title=data.get("topic_title", ""),
        topic_url=topic_link,
        post_number=number,
        post_url=f"{topic_link}{number}/" if topic_link and number else "",
        details=_log_details(entry),
    )


def moderation_log_page(user: UserLike, *, action: str = "", member: str = "", page: object = 1) -> Page:
    """The log newest first, for this moderator's categories (global ones see all); 2 queries.

    `member` matches the handle of the moderator or of the member concerned.
    """
    entries = ModerationAction.objects.select_related("actor", "target_user")
    if not is_forum_moderator(user):
        entries = entries.filter(moderated_category_q(user, "category__"))
    if action in ModerationAction.Action.values:
        entries = entries.filter(action=action)
    member = member.strip().lstrip("@")
    if member:
        entries = entries.filter(Q(actor__handle__iexact=member) | Q(target_user__handle__iexact=member))
    page_obj = Paginator(entries.order_by("-created_at", "-pk"), LOG_PER_PAGE).get_page(page)
    labels = {value: str(label) for value, label in ModerationAction.Action.choices}
    page_obj.object_list = [_log_row(entry, labels) for entry in page_obj.object_list]
    return page_obj


# --- topic page helpers --------------------------------------------------------------------------


def move_targets_for(user: UserLike, topic: Topic) -> list[Category]:
    """Categories this moderator may move the topic into (1 query)."""
    return list(
        Category.objects.filter(moderated_category_q(user)).exclude(pk=topic.category_id).order_by("position", "name")
    )


def merged_topic_redirect(user: UserLike, topic_id: int, post_number: int | None = None) -> str | None:
    """Where a merged (removed) topic lives on, if the viewer may read it; None otherwise (1-2 queries)."""
    entry = (
        ModerationAction.objects.filter(action=ModerationAction.Action.TOPIC_MERGE, data__merged_topic_id=topic_id)
        .select_related("topic__category__parent")
        .order_by("-created_at")
        .first()
    )
    if entry is None or entry.topic is None or not can_view_topic(user, entry.topic):
        return None
    link = reverse("forums:topic", args=[entry.topic_id])
    if post_number:
        return f"{link}{int(entry.data.get('post_offset', 0)) + post_number}/"
    return link
