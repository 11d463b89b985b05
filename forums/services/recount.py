"""Recomputes the forums' stored counters from their rows (`manage.py forums_recount`) and for single topics.

The rules are those the writing services keep live:
- a post counts while it is not deleted; hidden posts still count (hiding is reversible and
  temporary, as in Discourse, and the services only change counters on delete and restore);
- a topic's last post is its latest not-deleted post (Discourse's `reset_highest`);
- a category counts its own topics and their posts (not those of its subcategories), and its
  latest topic is the one with the latest post;
- reactions and open flags are counted per post; a topic counts the reactions of its not-deleted posts;
- ForumMember.post_count counts the member's not-deleted posts (only for existing ForumMember rows).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Greatest

from ..models import Category, Flag, ForumMember, Post, Reaction, Topic, TopicParticipant


@dataclass
class RecountReport:
    """What a recount changed, one line per fixed value."""

    fixes: list[str] = field(default_factory=list)

    def add(self, what: str, name: str, old: Any, new: Any) -> None:
        self.fixes.append(f"{what}: {name} {old!r} -> {new!r}")

    def __bool__(self) -> bool:
        return bool(self.fixes)


def _visible_posts():
    return Post.objects.filter(deleted_at__isnull=True)


def _latest_visible_post(topic_ref: Any):
    return _visible_posts().filter(topic_id=topic_ref).order_by("-created_at", "-post_number")


def topic_last_post_refresh(*, topic_id: int) -> None:
    """Point a topic's last post at its latest not-deleted post, and its category at its latest topic.

    For services that remove or move posts (delete, hide-and-delete, split, merge, move).
    """
    latest = _latest_visible_post(topic_id).values("created_at", "author_id").first()
    topic = Topic.objects.only("category_id", "created_at").get(pk=topic_id)
    if latest is None:
        Topic.objects.filter(pk=topic_id).update(last_posted_at=topic.created_at, last_poster=None)
    else:
        Topic.objects.filter(pk=topic_id).update(last_posted_at=latest["created_at"], last_poster=latest["author_id"])
    category_last_topic_refresh(category_id=topic.category_id)


def category_last_topic_refresh(*, category_id: int) -> None:
    last = (
        Topic.objects.filter(category_id=category_id).order_by("-last_posted_at", "-pk").values("pk", "last_posted_at")
    )
    first = last.first()
    Category.objects.filter(pk=category_id).update(
        last_topic=first["pk"] if first else None, last_posted_at=first["last_posted_at"] if first else None
    )


def member_post_count_add(*, user_id: int | None, delta: int) -> None:
    """Keep ForumMember.post_count (not-deleted posts) in step when a post is deleted or restored."""
    if user_id is not None:
        ForumMember.objects.filter(pk=user_id).update(post_count=Greatest(F("post_count") + delta, 0))


def topic_member_post_counts_drop(*, topic_id: int) -> None:
    """Before a topic is removed with its posts: its not-deleted posts no longer count for their authors."""
    counts = (
        _visible_posts()
        .filter(topic_id=topic_id, author__isnull=False)
        .values_list("author_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for user_id, count in counts:
        member_post_count_add(user_id=user_id, delta=-count)


def _recount_posts(report: RecountReport) -> None:
    reactions: dict[int, dict[str, int]] = defaultdict(dict)
    for post_id, kind, count in Reaction.objects.values_list("post_id", "kind").annotate(n=Count("id")).order_by():
        reactions[post_id][kind] = count
    flags = dict(
        Flag.objects.filter(resolved_at__isnull=True).values_list("post_id").annotate(n=Count("id")).order_by()
    )
    rows = Post.objects.values_list("pk", "topic_id", "post_number", "reaction_counts", "reaction_count", "flag_count")
    for pk, topic_id, number, stored_counts, stored_total, stored_flags in rows.iterator(chunk_size=2000):
        counts = reactions.get(pk, {})
        total = sum(counts.values())
        changes: dict[str, Any] = {}
        normalised = {kind: n for kind, n in (stored_counts or {}).items() if n}
        if normalised != counts:
            changes["reaction_counts"] = counts
        if stored_total != total:
            changes["reaction_count"] = total
        if stored_flags != flags.get(pk, 0):
            changes["flag_count"] = flags.get(pk, 0)
        if changes:
            old = {"reaction_counts": stored_counts, "reaction_count": stored_total, "flag_count": stored_flags}
            for name, value in changes.items():
                report.add(f"Post {topic_id}#{number}", name, old[name], value)
            Post.objects.filter(pk=pk).update(**changes)


def _recount_participants(report: RecountReport) -> dict[int, int]:
    """TopicParticipant rows from the posts; returns the participant count per topic."""
    truth: dict[tuple[int, int], int] = {
        (topic_id, user_id): n
        for topic_id, user_id, n in _visible_posts()
        .filter(author__isnull=False)
        .values_list("topic_id", "author_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    stored = {(p.topic_id, p.user_id): p for p in TopicParticipant.objects.all()}
    for key, row in stored.items():
        if key not in truth:
            report.add(f"Topic {key[0]}", f"participant {key[1]}", row.post_count, None)
            row.delete()
        elif row.post_count != truth[key]:
            report.add(f"Topic {key[0]}", f"participant {key[1]} posts", row.post_count, truth[key])
            TopicParticipant.objects.filter(pk=row.pk).update(post_count=truth[key])
    missing = [key for key in truth if key not in stored]
    for topic_id, user_id in missing:
        report.add(f"Topic {topic_id}", f"participant {user_id}", None, truth[(topic_id, user_id)])
    TopicParticipant.objects.bulk_create(
        TopicParticipant(topic_id=topic_id, user_id=user_id, post_count=truth[(topic_id, user_id)])
        for topic_id, user_id in missing
    )
    per_topic: dict[int, int] = defaultdict(int)
    for topic_id, _user_id in truth:
        per_topic[topic_id] += 1
    return per_topic


def _recount_topics(report: RecountReport, participants: dict[int, int]) -> dict[int, tuple[int, Any, int]]:
    """Topic counters from the posts; returns (category, last_posted_at, post_count) per topic."""
    post_counts = dict(_visible_posts().values_list("topic_id").annotate(n=Count("id")).order_by())
    reaction_counts = dict(
        Reaction.objects.filter(post__deleted_at__isnull=True)
        .values_list("post__topic_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    latest = _latest_visible_post(OuterRef("pk"))
    rows = Topic.objects.annotate(
        true_last_at=Subquery(latest.values("created_at")[:1]),
        true_last_poster=Subquery(latest.values("author_id")[:1]),
    ).values_list(
        "pk",
        "category_id",
        "created_at",
        "post_count",
        "participant_count",
        "reaction_count",
        "last_posted_at",
        "last_poster_id",
        "true_last_at",
        "true_last_poster",
    )
    result: dict[int, tuple[int, Any, int]] = {}
    for pk, category_id, created_at, *stored, true_last_at, true_last_poster in rows.iterator(chunk_size=2000):
        truth = [
            post_counts.get(pk, 0),
            participants.get(pk, 0),
            reaction_counts.get(pk, 0),
            true_last_at or created_at,
            true_last_poster if true_last_at else None,
        ]
        names = ["post_count", "participant_count", "reaction_count", "last_posted_at", "last_poster"]
        changes = {}
        for name, old, new in zip(names, stored, truth, strict=True):
            if old != new:
                report.add(f"Topic {pk}", name, old, new)
                changes[name if name != "last_poster" else "last_poster_id"] = new
        if changes:
            Topic.objects.filter(pk=pk).update(**changes)
        result[pk] = (category_id, truth[3], truth[0])
    return result


def _recount_categories(report: RecountReport, topics: dict[int, tuple[int, Any, int]]) -> None:
    topic_count: dict[int, int] = defaultdict(int)
    post_count: dict[int, int] = defaultdict(int)
    last: dict[int, tuple[datetime, int]] = {}
    for topic_id, (category_id, last_posted_at, posts) in topics.items():
        topic_count[category_id] += 1
        post_count[category_id] += posts
        if category_id not in last or (last_posted_at, topic_id) > last[category_id]:
            last[category_id] = (last_posted_at, topic_id)
    rows = Category.objects.values_list("pk", "topic_count", "post_count", "last_topic_id", "last_posted_at")
    for pk, *stored in rows:
        last_at, last_topic = last.get(pk, (None, None))
        truth = [topic_count.get(pk, 0), post_count.get(pk, 0), last_topic, last_at]
        names = ["topic_count", "post_count", "last_topic_id", "last_posted_at"]
        changes = {}
        for name, old, new in zip(names, stored, truth, strict=True):
            if old != new:
                report.add(f"Category {pk}", name.removesuffix("_id"), old, new)
                changes[name] = new
        if changes:
            Category.objects.filter(pk=pk).update(**changes)


def _recount_members(report: RecountReport) -> None:
    truth = dict(
        _visible_posts().filter(author__isnull=False).values_list("author_id").annotate(n=Count("id")).order_by()
    )
    for user_id, stored in ForumMember.objects.values_list("user_id", "post_count"):
        if stored != truth.get(user_id, 0):
            report.add(f"Member {user_id}", "post_count", stored, truth.get(user_id, 0))
            ForumMember.objects.filter(pk=user_id).update(post_count=truth.get(user_id, 0))


@transaction.atomic
def forums_recount() -> RecountReport:
    """Recompute every stored forum counter from the rows; returns what was wrong."""
    report = RecountReport()
    _recount_posts(report)
    participants = _recount_participants(report)
    topics = _recount_topics(report, participants)
    _recount_categories(report, topics)
    _recount_members(report)
    return report
