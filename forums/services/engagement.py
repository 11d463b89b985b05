"""Reactions, bookmarks and unmarking the solution: the small ways members respond to posts."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext as _

from community.models import User
from realtime.events import publish

from .. import permissions
from ..models import Bookmark, Post, Reaction, Topic
from . import notify


def _lock_post(post: Post) -> Post:
    """The post row, locked until commit, with its topic and category as they are now."""
    locked = Post.objects.select_for_update().get(pk=post.pk)
    locked.topic = Topic.objects.select_related("category__parent").get(pk=locked.topic_id)
    return locked


def _clean_kind(kind: str) -> str:
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("This reaction does not exist."), code="unknown_kind")
    return kind


def _counts_of(post: Post) -> dict[str, int]:
    """The post's reactions per kind, counted from the rows while the post is locked (exact by construction)."""
    rows = Reaction.objects.filter(post=post).values_list("kind").annotate(n=Count("pk")).order_by()
    found = dict(rows)
    # Always in the fixed order of Reaction.Kind, so the JSON reads the same for every post.
    return {kind: found[kind] for kind in Reaction.Kind.values if found.get(kind)}


def reactions_payload(post: Post) -> dict[str, Any]:
    return {
        "topic_id": post.topic_id,
        "post_id": post.pk,
        "post_number": post.post_number,
        "counts": post.reaction_counts,
        "total": post.reaction_count,
    }


@transaction.atomic
def reaction_toggle(*, user: User, post: Post, kind: str, active: bool | None = None) -> bool:
    """Add or remove the member's reaction of one kind to a post; returns whether it is now set.

    `active` None flips the current state; True or False sets it, so a form sent twice
    (double click, reload) does not undo itself. Post.reaction_counts/reaction_count and
    Topic.reaction_count change in the same transaction, under the post's row lock.
    """
    kind = _clean_kind(kind)
    locked = _lock_post(post)
    if not permissions.can_react(user, locked):
        if not permissions.can_view_post(user, locked):
            raise PermissionDenied(_("You may not see this post."))
        if locked.is_deleted or locked.is_hidden:
            raise PermissionDenied(_("Deleted or hidden posts take no reactions."))
        if locked.topic.archived:
            raise PermissionDenied(_("This topic is archived; its posts take no more reactions."))
        if locked.author_id == user.pk:
            raise PermissionDenied(_("You cannot react to your own post."))
        raise PermissionDenied(_("You may not react to posts."))
    existing = Reaction.objects.filter(post=locked, user=user, kind=kind).first()
    wanted = existing is None if active is None else active
    if wanted == (existing is not None):
        return wanted
    if wanted:
        reaction = Reaction.objects.create(post=locked, user=user, kind=kind)
        delta = 1
    else:
        existing.delete()
        delta = -1
    counts = _counts_of(locked)
    Post.objects.filter(pk=locked.pk).update(reaction_counts=counts, reaction_count=sum(counts.values()))
    Topic.objects.filter(pk=locked.topic_id).update(reaction_count=F("reaction_count") + delta)
    for updated in (post, locked):
        updated.reaction_counts = counts
        updated.reaction_count = sum(counts.values())
    if wanted:
        reaction.post = locked
        notify.notify_reaction(reaction=reaction)
    publish(stream=f"topic:{locked.topic_id}", kind="post.reactions", payload=reactions_payload(post))
    return wanted


@transaction.atomic
def bookmark_toggle(*, user: User, post: Post, active: bool | None = None) -> bool:
    """Set or clear the member's bookmark ("Lesezeichen") on a post; returns whether it is now set."""
    post = Post.objects.select_related("topic__category__parent").get(pk=post.pk)
    if not permissions.can_bookmark(user, post):
        raise PermissionDenied(_("You may not see this post."))
    existing = Bookmark.objects.filter(user=user, post=post)
    is_set = existing.exists()
    wanted = not is_set if active is None else active
    if wanted and not is_set:
        # get_or_create: a second tab sending the same form at once finds the first one's row.
        Bookmark.objects.get_or_create(user=user, post=post, defaults={"topic_id": post.topic_id})
    elif not wanted and is_set:
        existing.delete()
    return wanted


@transaction.atomic
def topic_unmark_solved(*, actor: User, topic: Topic) -> Topic:
    """Take the "Gelöst" mark off a topic; the topic author or moderation may."""
    if not permissions.can_mark_solved(actor, topic):
        raise PermissionDenied(_("You may not change the solution of this topic."))
    changed = Topic.objects.filter(pk=topic.pk, accepted_post__isnull=False).update(accepted_post=None)
    topic.accepted_post = None
    if changed:
        publish(stream=f"topic:{topic.pk}", kind="topic.unsolved", payload={"topic_id": topic.pk})
    return topic
