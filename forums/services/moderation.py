"""Moderation: flags, the review queue, moderator actions with their log, and the limits for new members."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.markup import render_markdown
from community.models import User
from realtime.events import publish

from .. import permissions
from ..models import (
    Bookmark,
    Category,
    Flag,
    ForumMember,
    ModerationAction,
    Post,
    QueuedPost,
    Topic,
    TopicParticipant,
)
from . import notify
from .composing import upload_count_in
from .posting import _clean_body, _clean_tags, _clean_title, _lock_post, _lock_topic, post_create, post_delete
from .posting import post_edit as _post_edit
from .posting import topic_create as _topic_create
from .recount import (
    category_last_topic_refresh,
    member_post_count_add,
    topic_last_post_refresh,
    topic_member_post_counts_drop,
)
from .search import post_search_index, topic_search_index

Action = ModerationAction.Action
REASON_MAX_LENGTH = 1000
FLAG_MESSAGE_MAX_LENGTH = 1000
SILENCE_MAX = timedelta(days=3650)

# Absolute links in rendered HTML; relative ones (mentions, our uploads) are not "links" for the limit.
_LINK_RE = re.compile(r"<a\s[^>]*href=\"(?:https?:)?//", re.IGNORECASE)

# Set while a moderator approves a queued post, so the limits that queued it do not stop it again.
_limits_bypassed: ContextVar[bool] = ContextVar("forums_limits_bypassed", default=False)


def _setting(name: str, default: Any) -> Any:
    # Read at call time, so tests and deployments can change them without reloading modules.
    return getattr(settings, name, default)


# --- helpers -------------------------------------------------------------------------------------


def _clean_reason(reason: str, *, required: bool = True) -> str:
    reason = " ".join((reason or "").split())
    if required and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Please give a reason; the member will read it."), code="reason_required")}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("The reason may have at most %(max)d characters."),
                    code="reason_too_long",
                    params={"max": REASON_MAX_LENGTH},
                )
            }
        )
    return reason


def _log(
    *,
    action: str,
    actor: User | None,
    reason: str,
    category: Category | None = None,
    topic: Topic | None = None,
    post: Post | None = None,
    target_user: User | None = None,
    data: dict[str, Any] | None = None,
) -> ModerationAction:
    details: dict[str, Any] = {}
    if topic is not None:
        details["topic_id"] = topic.pk
        details["topic_title"] = topic.title
    if post is not None:
        details["post_number"] = post.post_number
    if category is not None:
        details["category_name"] = category.name
    details.update(data or {})
    return ModerationAction.objects.create(
        action=action,
        actor=actor,
        reason=reason,
        category=category,
        topic=topic,
        post=post,
        target_user=target_user,
        data=details,
    )


def _notify(*, recipient: User | None, actor: User | None, action: str, reason: str, topic=None, post=None) -> None:
    # Through the module attribute, so the notification area (and tests) can replace it.
    if recipient is None or (actor is not None and recipient.pk == actor.pk):
        return
    notify.notify_moderation(recipient=recipient, action=action, reason=reason, topic=topic, post=post)


def _record_post_action(*, action: str, moderator: User, post: Post, reason: str) -> None:
    """Log a moderator's action on a post and tell its author why."""
    _log(
        action=action,
        actor=moderator,
        reason=reason,
        category=post.topic.category,
        topic=post.topic,
        post=post,
        target_user=post.author,
    )
    _notify(recipient=post.author, actor=moderator, action=action, reason=reason, topic=post.topic, post=post)


def _require_moderator(moderator: User, topic: Topic) -> None:
    if not permissions.can_moderate_topic(moderator, topic):
        raise PermissionDenied(_("You may not moderate this topic."))


def _post_event(post: Post, kind: str, **extra: Any) -> None:
    publish(
        stream=f"topic:{post.topic_id}",
        kind=kind,
        payload={"topic_id": post.topic_id, "post_id": post.pk, "post_number": post.post_number, **extra},
    )


def _topic_event(topic: Topic, kind: str = "topic.updated", **extra: Any) -> None:
    payload = {
        "topic_id": topic.pk,
        "category_id": topic.category_id,
        "closed": topic.closed,
        "pinned": topic.pinned,
        "pinned_globally": topic.pinned_globally,
        "archived": topic.archived,
        **extra,
    }
    publish(stream=f"topic:{topic.pk}", kind=kind, payload=payload)


def _resolve_open_flags(*, post: Post, moderator: User | None, outcome: str) -> int:
    resolved = Flag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator, outcome=outcome
    )
    Post.objects.filter(pk=post.pk).update(flag_count=0)
    post.flag_count = 0
    return resolved


def _rebuild_participants(topic_id: int) -> None:
    """Participant rows from the topic's visible posts; used after posts moved between topics."""
    counts = Counter(
        Post.objects.filter(topic_id=topic_id, deleted_at__isnull=True, author__isnull=False).values_list(
            "author_id", flat=True
        )
    )
    TopicParticipant.objects.filter(topic_id=topic_id).delete()
    TopicParticipant.objects.bulk_create(
        TopicParticipant(topic_id=topic_id, user_id=user_id, post_count=count) for user_id, count in counts.items()
    )
    Topic.objects.filter(pk=topic_id).update(participant_count=len(counts))


# --- flags ---------------------------------------------------------------------------------------


def flag_reasons() -> list[tuple[str, str]]:
    return list(Flag.Reason.choices)


@transaction.atomic
def flag_create(*, reporter: User, post: Post, reason: str, message: str = "") -> Flag:
    """A member reports a post; enough open flags from different members hide it until a moderator looks."""
    locked = _lock_post(post)
    if not permissions.can_flag(reporter, locked):
        if locked.author_id is not None and locked.author_id == getattr(reporter, "pk", None):
            raise PermissionDenied(_("You cannot flag your own post."))
        if locked.is_deleted:
            raise PermissionDenied(_("This post was deleted."))
        raise PermissionDenied(_("You may not flag this post."))
    if reason not in Flag.Reason.values:
        raise ValidationError(
            {"reason": ValidationError(_("Please choose why you flag this post."), code="invalid_reason")}
        )
    message = (message or "").strip()
    if reason == Flag.Reason.OTHER and not message:
        raise ValidationError(
            {"message": ValidationError(_("Please tell the moderators what is wrong."), code="message_required")}
        )
    if len(message) > FLAG_MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "message": ValidationError(
                    _("The message may have at most %(max)d characters."),
                    code="message_too_long",
                    params={"max": FLAG_MESSAGE_MAX_LENGTH},
                )
            }
        )
    if Flag.objects.filter(post=locked, reporter=reporter, resolved_at__isnull=True).exists():
        raise ValidationError(
            _("You have already flagged this post; the moderators will look at it."), code="already_flagged"
        )
    flag = Flag.objects.create(post=locked, reporter=reporter, reason=reason, message=message)
    Post.objects.filter(pk=locked.pk).update(flag_count=F("flag_count") + 1)

    threshold = int(_setting("FORUMS_FLAGS_TO_HIDE", 3))
    if threshold > 0 and not locked.is_hidden:
        # One open flag per member and post (a constraint), so open flags count different members.
        reporters = Flag.objects.filter(post=locked, resolved_at__isnull=True).values("reporter").distinct().count()
        if reporters >= threshold:
            Post.objects.filter(pk=locked.pk).update(hidden_at=timezone.now(), hidden_reason=Post.HiddenReason.FLAGGED)
            reason_text = _("Hidden after flags from %(count)d members, until a moderator reviews it.") % {
                "count": reporters
            }
            _log(
                action=Action.POST_HIDE,
                actor=None,
                reason=reason_text,
                category=locked.topic.category,
                topic=locked.topic,
                post=locked,
                target_user=locked.author,
                data={"automatic": True},
            )
            _notify(
                recipient=locked.author,
                actor=None,
                action=Action.POST_HIDE,
                reason=reason_text,
                topic=locked.topic,
                post=locked,
            )
            _post_event(locked, "post.hidden")
    post.refresh_from_db(fields=["flag_count", "hidden_at", "hidden_reason"])
    return flag


_OUTCOME_ACTION = {
    Flag.Outcome.AGREED: Action.FLAGS_AGREE,
    Flag.Outcome.DISAGREED: Action.FLAGS_DISAGREE,
    Flag.Outcome.IGNORED: Action.FLAGS_IGNORE,
}


@transaction.atomic
def flags_resolve(*, moderator: User, post: Post, outcome: str, reason: str = "") -> int:
    """Review a flagged post: agree (it stays or becomes hidden), disagree (shown again) or ignore."""
    locked = _lock_post(post)
    _require_moderator(moderator, locked.topic)
    if outcome not in _OUTCOME_ACTION:
        raise ValidationError(_("Unknown review decision."), code="invalid_outcome")
    open_flags = list(Flag.objects.filter(post=locked, resolved_at__isnull=True))
    if not open_flags:
        raise ValidationError(_("This post has no open flags any more."), code="no_open_flags")
    main_reason = Counter(flag.reason for flag in open_flags).most_common(1)[0][0]
    reason = _clean_reason(reason, required=False) or Flag.Reason(main_reason).label
    resolved = _resolve_open_flags(post=locked, moderator=moderator, outcome=outcome)
    tell_author = False
    if outcome == Flag.Outcome.AGREED and not locked.is_hidden and not locked.is_deleted:
        Post.objects.filter(pk=locked.pk).update(hidden_at=timezone.now(), hidden_reason=main_reason)
        _post_event(locked, "post.hidden")
        tell_author = True
    elif outcome == Flag.Outcome.AGREED and locked.is_hidden:
        tell_author = True
    elif outcome == Flag.Outcome.DISAGREED and locked.is_hidden:
        Post.objects.filter(pk=locked.pk).update(hidden_at=None, hidden_reason="")
        _post_event(locked, "post.unhidden")
        tell_author = True
    _log(
        action=_OUTCOME_ACTION[outcome],
        actor=moderator,
        reason=reason,
        category=locked.topic.category,
        topic=locked.topic,
        post=locked,
        target_user=locked.author,
        data={"flags": resolved},
    )
    if tell_author:
        _notify(
            recipient=locked.author,
            actor=moderator,
            action=_OUTCOME_ACTION[outcome],
            reason=reason,
            topic=locked.topic,
            post=locked,
        )
    post.refresh_from_db(fields=["flag_count", "hidden_at", "hidden_reason"])
    return resolved


# --- posts ---------------------------------------------------------------------------------------


@transaction.atomic
def post_hide(*, moderator: User, post: Post, reason: str, hidden_reason: str = Post.HiddenReason.OTHER) -> Post:
    """Hide a post until a moderator shows it again; its open flags count as agreed with."""
    locked = _lock_post(post)
    _require_moderator(moderator, locked.topic)
    reason = _clean_reason(reason)
    if locked.is_deleted:
        raise ValidationError(_("A deleted post cannot be hidden."), code="deleted")
    if locked.is_hidden:
        raise ValidationError(_("This post is already hidden."), code="already_hidden")
    if hidden_reason not in Post.HiddenReason.values:
        hidden_reason = Post.HiddenReason.OTHER
    Post.objects.filter(pk=locked.pk).update(hidden_at=timezone.now(), hidden_reason=hidden_reason)
    _resolve_open_flags(post=locked, moderator=moderator, outcome=Flag.Outcome.AGREED)
    _record_post_action(action=Action.POST_HIDE, moderator=moderator, post=locked, reason=reason)
    _post_event(locked, "post.hidden")
    post.refresh_from_db(fields=["hidden_at", "hidden_reason", "flag_count"])
    return post


@transaction.atomic
def post_unhide(*, moderator: User, post: Post, reason: str) -> Post:
    """Show a hidden post again; open flags on it count as disagreed with."""
    locked = _lock_post(post)
    _require_moderator(moderator, locked.topic)
    reason = _clean_reason(reason)
    if not locked.is_hidden:
        raise ValidationError(_("This post is not hidden."), code="not_hidden")
    Post.objects.filter(pk=locked.pk).update(hidden_at=None, hidden_reason="")
    _resolve_open_flags(post=locked, moderator=moderator, outcome=Flag.Outcome.DISAGREED)
    _record_post_action(action=Action.POST_UNHIDE, moderator=moderator, post=locked, reason=reason)
    _post_event(locked, "post.unhidden")
    post.refresh_from_db(fields=["hidden_at", "hidden_reason", "flag_count"])
    return post


@transaction.atomic
def post_delete_moderated(*, moderator: User, post: Post, reason: str) -> Post:
    """A moderator deletes a reply (soft, like the author's delete); the opening post goes with its topic."""
    locked = _lock_post(post)
    _require_moderator(moderator, locked.topic)
    reason = _clean_reason(reason)
    if locked.is_deleted:
        raise ValidationError(_("This post was already deleted."), code="deleted")
    if locked.post_number == 1:
        raise ValidationError(
            _("The first post cannot be deleted on its own; delete the topic instead."), code="first_post"
        )
    post_delete(actor=moderator, post=locked)
    _resolve_open_flags(post=locked, moderator=moderator, outcome=Flag.Outcome.AGREED)
    _record_post_action(action=Action.POST_DELETE, moderator=moderator, post=locked, reason=reason)
    post.refresh_from_db(fields=["deleted_at", "deleted_by", "flag_count"])
    return post


@transaction.atomic
def post_restore(*, moderator: User, post: Post, reason: str) -> Post:
    """Undo a delete (by the author or moderation): every counter the delete lowered goes back up."""
    locked = _lock_post(post)
    _require_moderator(moderator, locked.topic)
    reason = _clean_reason(reason)
    if not locked.is_deleted:
        raise ValidationError(_("This post is not deleted."), code="not_deleted")
    topic = _lock_topic(locked.topic)
    Post.objects.filter(pk=locked.pk).update(deleted_at=None, deleted_by=None)
    new_participant = False
    if locked.author_id is not None:
        participant, new_participant = TopicParticipant.objects.get_or_create(
            topic_id=topic.pk, user_id=locked.author_id, defaults={"post_count": 1}
        )
        if not new_participant:
            TopicParticipant.objects.filter(pk=participant.pk).update(post_count=F("post_count") + 1)
    Topic.objects.filter(pk=topic.pk).update(
        post_count=F("post_count") + 1,
        participant_count=F("participant_count") + int(new_participant),
        reaction_count=F("reaction_count") + locked.reaction_count,
    )
    Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") + 1)
    member_post_count_add(user_id=locked.author_id, delta=1)
    topic_last_post_refresh(topic_id=topic.pk)
    _record_post_action(action=Action.POST_RESTORE, moderator=moderator, post=locked, reason=reason)
    _post_event(locked, "post.restored")
    post.refresh_from_db(fields=["deleted_at", "deleted_by"])
    return post


@transaction.atomic
def post_edit_moderated(*, moderator: User, post: Post, body_markdown: str, reason: str) -> Post:
    """A moderator changes a member's text (kept as a revision), with a reason the author is told."""
    locked = _lock_post(post)
    _require_moderator(moderator, locked.topic)
    reason = _clean_reason(reason)
    if body_markdown == locked.body_markdown:
        raise ValidationError({"body_markdown": ValidationError(_("The text is unchanged."), code="unchanged")})
    _post_edit(editor=moderator, post=locked, body_markdown=body_markdown)
    _record_post_action(action=Action.POST_EDIT, moderator=moderator, post=locked, reason=reason)
    post.refresh_from_db(fields=["body_markdown", "body_html", "edited_at", "version"])
    return post


# --- topics --------------------------------------------------------------------------------------


def _topic_state_change(
    *, moderator: User, topic: Topic, changes: dict[str, bool], action: str, reason: str, already: str
) -> Topic:
    locked = _lock_topic(topic)
    _require_moderator(moderator, locked)
    reason = _clean_reason(reason)
    if all(getattr(locked, field) == value for field, value in changes.items()):
        raise ValidationError(already, code="unchanged")
    Topic.objects.filter(pk=locked.pk).update(**changes)
    for field, value in changes.items():
        setattr(topic, field, value)
        setattr(locked, field, value)
    _log(
        action=action,
        actor=moderator,
        reason=reason,
        category=locked.category,
        topic=locked,
        target_user=locked.author,
    )
    _notify(recipient=locked.author, actor=moderator, action=action, reason=reason, topic=locked)
    _topic_event(locked)
    return topic


@transaction.atomic
def topic_close(*, moderator: User, topic: Topic, reason: str) -> Topic:
    return _topic_state_change(
        moderator=moderator,
        topic=topic,
        changes={"closed": True},
        action=Action.TOPIC_CLOSE,
        reason=reason,
        already=_("This topic is already closed."),
    )


@transaction.atomic
def topic_reopen(*, moderator: User, topic: Topic, reason: str) -> Topic:
    return _topic_state_change(
        moderator=moderator,
        topic=topic,
        changes={"closed": False},
        action=Action.TOPIC_OPEN,
        reason=reason,
        already=_("This topic is open."),
    )


@transaction.atomic
def topic_pin(*, moderator: User, topic: Topic, reason: str, globally: bool = False) -> Topic:
    """Pin in the category, or globally (on top of every list); a global pin is a category pin too."""
    changes = {"pinned": True, "pinned_globally": True} if globally else {"pinned": True}
    if globally and not permissions.is_forum_moderator(moderator):
        raise PermissionDenied(_("Only global moderators pin topics for all forums."))
    return _topic_state_change(
        moderator=moderator,
        topic=topic,
        changes=changes,
        action=Action.TOPIC_PIN,
        reason=reason,
        already=_("This topic is already pinned."),
    )


@transaction.atomic
def topic_unpin(*, moderator: User, topic: Topic, reason: str) -> Topic:
    return _topic_state_change(
        moderator=moderator,
        topic=topic,
        changes={"pinned": False, "pinned_globally": False},
        action=Action.TOPIC_UNPIN,
        reason=reason,
        already=_("This topic is not pinned."),
    )


@transaction.atomic
def topic_archive(*, moderator: User, topic: Topic, reason: str) -> Topic:
    return _topic_state_change(
        moderator=moderator,
        topic=topic,
        changes={"archived": True},
        action=Action.TOPIC_ARCHIVE,
        reason=reason,
        already=_("This topic is already archived."),
    )


@transaction.atomic
def topic_unarchive(*, moderator: User, topic: Topic, reason: str) -> Topic:
    return _topic_state_change(
        moderator=moderator,
        topic=topic,
        changes={"archived": False},
        action=Action.TOPIC_UNARCHIVE,
        reason=reason,
        already=_("This topic is not archived."),
    )


@transaction.atomic
def topic_move(*, moderator: User, topic: Topic, category: Category, reason: str) -> Topic:
    """Move a topic to another category the moderator also moderates; both categories' counters follow."""
    locked = _lock_topic(topic)
    _require_moderator(moderator, locked)
    reason = _clean_reason(reason)
    if category.pk == locked.category_id:
        raise ValidationError(
            {"category": ValidationError(_("The topic is already in this category."), code="same_category")}
        )
    if not permissions.can_moderate_category(moderator, category):
        raise ValidationError(
            {"category": ValidationError(_("You may not move topics into this category."), code="not_allowed")}
        )
    source = locked.category
    Topic.objects.filter(pk=locked.pk).update(category=category)
    Category.objects.filter(pk=source.pk).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - locked.post_count
    )
    Category.objects.filter(pk=category.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + locked.post_count
    )
    QueuedPost.objects.filter(topic=locked).update(category=category)
    locked.category = category
    category_last_topic_refresh(category_id=source.pk)
    category_last_topic_refresh(category_id=category.pk)
    _log(
        action=Action.TOPIC_MOVE,
        actor=moderator,
        reason=reason,
        category=source,
        topic=locked,
        target_user=locked.author,
        data={"from_category": source.name, "to_category": category.name, "to_category_id": category.pk},
    )
    _notify(recipient=locked.author, actor=moderator, action=Action.TOPIC_MOVE, reason=reason, topic=locked)
    _topic_event(locked, "topic.moved", from_category_id=source.pk)
    topic.category = category
    topic.category_id = category.pk
    return topic


def _lock_pair(first: Topic, second: Topic) -> tuple[Topic, Topic]:
    # Always lock in primary-key order, so two merges in opposite directions cannot deadlock.
    if first.pk < second.pk:
        a = _lock_topic(first)
        b = _lock_topic(second)
    else:
        b = _lock_topic(second)
        a = _lock_topic(first)
    a.category = Category.objects.get(pk=a.category_id)
    b.category = Category.objects.get(pk=b.category_id)
    return a, b


@transaction.atomic
def topic_merge(*, moderator: User, topic: Topic, into: Topic, reason: str) -> Topic:
    """Append all posts of `topic` to `into`, numbered after its last post; `topic` is removed.

    Links to the removed topic keep working: the topic view finds the merge in the moderation
    log and redirects (post N of the old topic is post `offset + N` of the target).
    """
    if topic.pk == into.pk:
        raise ValidationError({"target": ValidationError(_("A topic cannot be merged into itself."), code="same")})
    source, target = _lock_pair(topic, into)
    _require_moderator(moderator, source)
    if not permissions.can_moderate_topic(moderator, target):
        raise ValidationError({"target": ValidationError(_("You may not merge into that topic."), code="not_allowed")})
    reason = _clean_reason(reason)
    offset = target.last_post_number
    posts = list(Post.objects.filter(topic=source).order_by("post_number"))
    visible = [post for post in posts if not post.is_deleted]
    # Numbers above the target's last number are free (never given out), so no update collides.
    for post in posts:
        Post.objects.filter(pk=post.pk).update(topic=target, post_number=offset + post.post_number)
    moved_reactions = sum(post.reaction_count for post in visible)
    Topic.objects.filter(pk=target.pk).update(
        post_count=F("post_count") + len(visible),
        last_post_number=offset + source.last_post_number,
        reaction_count=F("reaction_count") + moved_reactions,
    )
    _rebuild_participants(target.pk)
    Bookmark.objects.filter(topic=source).update(topic=target)
    QueuedPost.objects.filter(topic=source).update(topic=target, category=target.category)
    Category.objects.filter(pk=source.category_id).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - len(visible)
    )
    Category.objects.filter(pk=target.category_id).update(post_count=F("post_count") + len(visible))
    if posts:
        post_search_index(post=Post.objects.get(pk=posts[0].pk))
    source_title, source_id, source_category = source.title, source.pk, source.category
    source.delete()
    topic_last_post_refresh(topic_id=target.pk)
    category_last_topic_refresh(category_id=source_category.pk)
    target.refresh_from_db()
    _log(
        action=Action.TOPIC_MERGE,
        actor=moderator,
        reason=reason,
        category=source_category,
        topic=target,
        target_user=topic.author,
        data={"merged_topic_id": source_id, "merged_title": source_title, "post_offset": offset},
    )
    for author in {post.author for post in visible if post.author_id is not None}:
        _notify(recipient=author, actor=moderator, action=Action.TOPIC_MERGE, reason=reason, topic=target)
    publish(
        stream=f"topic:{source_id}",
        kind="topic.merged",
        payload={"topic_id": source_id, "into_topic_id": target.pk, "post_offset": offset},
    )
    _topic_event(target)
    return target


def parse_post_numbers(text: str) -> list[int]:
    """ "3, 5-7" -> [3, 5, 6, 7]; raises ValidationError on anything else."""
    numbers: set[int] = set()
    for part in re.split(r"[,\s]+", (text or "").strip()):
        if not part:
            continue
        match = re.fullmatch(r"(\d{1,7})(?:-(\d{1,7}))?", part)
        if match is None:
            raise ValidationError(
                {"post_numbers": ValidationError(_("Give post numbers like “3, 5-7”."), code="invalid_numbers")}
            )
        start, end = int(match[1]), int(match[2] or match[1])
        if end < start or end - start > 10_000:
            raise ValidationError(
                {"post_numbers": ValidationError(_("Give post numbers like “3, 5-7”."), code="invalid_numbers")}
            )
        numbers.update(range(start, end + 1))
    return sorted(numbers)


@transaction.atomic
def topic_split(
    *,
    moderator: User,
    topic: Topic,
    post_numbers: Iterable[int],
    title: str,
    reason: str,
    category: Category | None = None,
) -> Topic:
    """Move chosen replies into a new topic (numbered 1, 2, 3 … in their order); counters of both follow."""
    locked = _lock_topic(topic)
    _require_moderator(moderator, locked)
    target_category = category or locked.category
    if not permissions.can_moderate_category(moderator, target_category):
        raise ValidationError(
            {"category": ValidationError(_("You may not move topics into this category."), code="not_allowed")}
        )
    title = _clean_title(title)
    reason = _clean_reason(reason)
    numbers = sorted(set(post_numbers))
    if not numbers:
        raise ValidationError({"post_numbers": ValidationError(_("Choose the posts to split off."), code="no_posts")})
    if 1 in numbers:
        raise ValidationError(
            {"post_numbers": ValidationError(_("The first post stays with its topic."), code="first_post")}
        )
    posts = list(Post.objects.filter(topic=locked, post_number__in=numbers).order_by("post_number"))
    if len(posts) != len(numbers):
        raise ValidationError(
            {"post_numbers": ValidationError(_("Some of these posts do not exist in this topic."), code="unknown")}
        )
    if all(post.is_deleted for post in posts):
        raise ValidationError(
            {"post_numbers": ValidationError(_("Choose at least one post that is not deleted."), code="all_deleted")}
        )
    opening = next(post for post in posts if not post.is_deleted)
    visible = [post for post in posts if not post.is_deleted]
    now = timezone.now()
    new = Topic.objects.create(
        category=target_category,
        title=title,
        author_id=opening.author_id,
        created_at=now,
        last_posted_at=visible[-1].created_at,
        last_poster_id=visible[-1].author_id,
        post_count=len(visible),
        last_post_number=len(posts),
        reaction_count=sum(post.reaction_count for post in visible),
    )
    moved_ids = {post.pk for post in posts}
    # The opening post of the new topic must be a visible one: number it 1, the rest follow in order.
    ordered = [opening] + [post for post in posts if post.pk != opening.pk]
    for number, post in enumerate(ordered, start=1):
        Post.objects.filter(pk=post.pk).update(topic=new, post_number=number)
    # "Reply to" links across the cut would point into the other topic: drop them.
    Post.objects.filter(pk__in=moved_ids).exclude(reply_to__in=moved_ids).update(reply_to=None)
    Post.objects.filter(topic=locked, reply_to__in=moved_ids).update(reply_to=None)
    Bookmark.objects.filter(post_id__in=moved_ids).update(topic=new)
    Topic.objects.filter(pk=locked.pk).update(
        post_count=F("post_count") - len(visible),
        reaction_count=F("reaction_count") - sum(post.reaction_count for post in visible),
    )
    Topic.objects.filter(pk=locked.pk, accepted_post_id__in=moved_ids).update(accepted_post=None)
    topic_last_post_refresh(topic_id=locked.pk)
    _rebuild_participants(locked.pk)
    _rebuild_participants(new.pk)
    Category.objects.filter(pk=locked.category_id).update(post_count=F("post_count") - len(visible))
    Category.objects.filter(pk=target_category.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + len(visible)
    )
    topic_last_post_refresh(topic_id=new.pk)
    new.refresh_from_db()
    topic_search_index(topic=new)
    _log(
        action=Action.TOPIC_SPLIT,
        actor=moderator,
        reason=reason,
        category=locked.category,
        topic=locked,
        target_user=opening.author,
        data={"new_topic_id": new.pk, "new_title": new.title, "post_numbers": numbers},
    )
    for author in {post.author for post in visible if post.author_id is not None}:
        _notify(recipient=author, actor=moderator, action=Action.TOPIC_SPLIT, reason=reason, topic=new)
    publish(
        stream=f"topic:{locked.pk}",
        kind="topic.split",
        payload={"topic_id": locked.pk, "new_topic_id": new.pk, "post_numbers": numbers},
    )
    publish(
        stream=f"category:{target_category.pk}",
        kind="topic.created",
        payload={"topic_id": new.pk, "category_id": target_category.pk, "author_id": new.author_id},
        event_id=new.pk,
    )
    return new


@transaction.atomic
def topic_delete(*, moderator: User, topic: Topic, reason: str) -> None:
    """Remove a topic with all its posts; the category counters drop, the log keeps the title."""
    locked = _lock_topic(topic)
    _require_moderator(moderator, locked)
    reason = _clean_reason(reason)
    category = Category.objects.get(pk=locked.category_id)
    author = locked.author
    topic_id, title = locked.pk, locked.title
    Category.objects.filter(pk=category.pk).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - locked.post_count
    )
    topic_member_post_counts_drop(topic_id=locked.pk)
    locked.delete()
    category_last_topic_refresh(category_id=category.pk)
    _log(
        action=Action.TOPIC_DELETE,
        actor=moderator,
        reason=reason,
        category=category,
        target_user=author,
        data={"topic_id": topic_id, "topic_title": title},
    )
    _notify(recipient=author, actor=moderator, action=Action.TOPIC_DELETE, reason=reason)
    publish(stream=f"topic:{topic_id}", kind="topic.deleted", payload={"topic_id": topic_id})
    publish(
        stream=f"category:{category.pk}",
        kind="topic.deleted",
        payload={"topic_id": topic_id, "category_id": category.pk},
    )


# --- members -------------------------------------------------------------------------------------

SILENCE_PERIODS = {"day": timedelta(days=1), "week": timedelta(weeks=1), "month": timedelta(days=30)}


@transaction.atomic
def user_silence(*, moderator: User, user: User, until: datetime, reason: str, post: Post | None = None) -> User:
    """Silence a member until a moment: they keep reading but write, react and flag nothing.

    Only global moderators and administrators silence (the silence holds in every forum and app).
    """
    if not permissions.is_forum_moderator(moderator):
        raise PermissionDenied(_("Only global moderators may silence members."))
    reason = _clean_reason(reason)
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot silence yourself."), code="self")
    if permissions.is_forum_moderator(user):
        raise ValidationError(_("Moderators and administrators cannot be silenced."), code="moderator")
    now = timezone.now()
    if until <= now:
        raise ValidationError({"until": ValidationError(_("Choose a moment in the future."), code="past")})
    if until - now > SILENCE_MAX:
        raise ValidationError({"until": ValidationError(_("Choose a shorter period."), code="too_long")})
    User.objects.filter(pk=user.pk).update(silenced_until=until)
    user.silenced_until = until
    topic = post.topic if post is not None else None
    _log(
        action=Action.USER_SILENCE,
        actor=moderator,
        reason=reason,
        category=topic.category if topic is not None else None,
        topic=topic,
        post=post,
        target_user=user,
        data={"until": until.isoformat(), "member": str(user)},
    )
    _notify(recipient=user, actor=moderator, action=Action.USER_SILENCE, reason=reason, topic=topic, post=post)
    return user


@transaction.atomic
def user_unsilence(*, moderator: User, user: User, reason: str) -> User:
    if not permissions.is_forum_moderator(moderator):
        raise PermissionDenied(_("Only global moderators may lift a silence."))
    reason = _clean_reason(reason)
    if not user.is_silenced:
        raise ValidationError(_("This member is not silenced."), code="not_silenced")
    User.objects.filter(pk=user.pk).update(silenced_until=None)
    user.silenced_until = None
    _log(
        action=Action.USER_UNSILENCE,
        actor=moderator,
        reason=reason,
        target_user=user,
        data={"member": str(user)},
    )
    _notify(recipient=user, actor=moderator, action=Action.USER_UNSILENCE, reason=reason)
    return user


# --- new-member limits and the approval queue ----------------------------------------------------


class PostQueued(ValidationError):
    """The post was not published but must wait for approval; `submission` holds what to queue.

    A ValidationError, so a caller that does not know about the queue at least shows the message;
    the forum views store the submission with queued_post_create (outside the rolled-back write).
    """

    def __init__(self, submission: dict[str, Any]) -> None:
        super().__init__(_("Your post is waiting for approval by the moderators."), code="needs_approval")
        self.submission = submission


@contextmanager
def limits_bypassed() -> Iterator[None]:
    token = _limits_bypassed.set(True)
    try:
        yield
    finally:
        _limits_bypassed.reset(token)


def _published_post_count(user: User, cap: int) -> int:
    return len(Post.objects.filter(author=user, deleted_at__isnull=True).values_list("pk", flat=True)[:cap])


def is_new_member(user: User, post_count: int | None = None) -> bool:
    """Account younger than FORUMS_NEW_MEMBER_DAYS days, or fewer than FORUMS_NEW_MEMBER_POSTS posts."""
    posts_needed = int(_setting("FORUMS_NEW_MEMBER_POSTS", 3))
    if post_count is None:
        post_count = _published_post_count(user, posts_needed)
    young = user.date_joined > timezone.now() - timedelta(days=int(_setting("FORUMS_NEW_MEMBER_DAYS", 1)))
    return young or post_count < posts_needed


def _last_posted_at(user: User) -> datetime | None:
    stored = ForumMember.objects.filter(user=user).values_list("last_posted_at", flat=True).first()
    if stored is not None:
        return stored
    return Post.objects.filter(author=user).aggregate(last=Max("created_at"))["last"]


def count_links(body_markdown: str) -> int:
    """Absolute links in the rendered text (bare URLs included); mentions and our uploads do not count."""
    return len(_LINK_RE.findall(render_markdown(body_markdown)))


def count_uploads(body_markdown: str) -> int:
    return upload_count_in(body_markdown)


def check_posting_limits(
    *,
    user: User,
    body_markdown: str,
    category: Category,
    topic: Topic | None = None,
    title: str = "",
    tags: Iterable[str] = (),
    reply_to: Post | None = None,
) -> None:
    """Raise a ValidationError (code per limit) when this post would break a limit; moderators have none.

    Raises PostQueued when the post must wait for approval (FORUMS_APPROVE_NEW_MEMBERS).
    """
    if _limits_bypassed.get() or permissions.can_moderate_category(user, category):
        return
    posts_needed = int(_setting("FORUMS_NEW_MEMBER_POSTS", 3))
    attachment_posts = int(_setting("FORUMS_NEW_MEMBER_ATTACHMENT_POSTS", 3))
    post_count = _published_post_count(user, max(posts_needed, attachment_posts))
    new = is_new_member(user, post_count)

    interval = int(_setting("FORUMS_NEW_MEMBER_POST_INTERVAL", 30) if new else _setting("FORUMS_POST_INTERVAL", 5))
    last = _last_posted_at(user) if interval > 0 else None
    if last is not None:
        wait = interval - (timezone.now() - last).total_seconds()
        if wait > 0:
            raise ValidationError(
                _("You are posting very quickly. Please wait %(seconds)d seconds and send it again."),
                code="too_fast",
                params={"seconds": max(int(wait + 0.999), 1)},
            )
    if not new:
        return
    max_links = int(_setting("FORUMS_NEW_MEMBER_MAX_LINKS", 2))
    if count_links(body_markdown) > max_links:
        raise ValidationError(
            {
                "body_markdown": ValidationError(
                    _("As a new member you can put at most %(max)d links in a post."),
                    code="too_many_links",
                    params={"max": max_links},
                )
            }
        )
    if post_count < attachment_posts and count_uploads(body_markdown) > 0:
        raise ValidationError(
            {
                "body_markdown": ValidationError(
                    _("New members can attach files from their %(number)d. post on."),
                    code="no_attachments_yet",
                    params={"number": attachment_posts + 1},
                )
            }
        )
    if _setting("FORUMS_APPROVE_NEW_MEMBERS", False) and post_count < posts_needed:
        raise PostQueued(
            {
                "author": user,
                "category": category,
                "topic": topic,
                "title": title,
                "tags": list(tags),
                "body_markdown": body_markdown,
                "reply_to_post_number": reply_to.post_number if reply_to is not None else None,
            }
        )


@transaction.atomic
def queued_post_create(
    *,
    author: User,
    category: Category,
    body_markdown: str,
    topic: Topic | None = None,
    title: str = "",
    tags: Iterable[str] = (),
    reply_to_post_number: int | None = None,
) -> QueuedPost:
    """Put a new member's topic or reply into the review queue (not a Post until approved)."""
    if topic is None:
        if not permissions.can_start_topic(author, category):
            raise PermissionDenied(_("You may not start a topic in this category."))
        title = _clean_title(title)
        tags = _clean_tags(tags)
    elif not permissions.can_reply(author, topic):
        raise PermissionDenied(_("You may not reply to this topic."))
    body_markdown = _clean_body(body_markdown)
    return QueuedPost.objects.create(
        author=author,
        category=category,
        topic=topic,
        title=title if topic is None else "",
        tags=list(tags) if topic is None else [],
        body_markdown=body_markdown,
        reply_to_post_number=reply_to_post_number,
    )


def _lock_queued(queued: QueuedPost) -> QueuedPost:
    # of=self: PostgreSQL cannot lock the nullable side of an outer join (the category's parent).
    locked = (
        QueuedPost.objects.select_for_update(of=("self",))
        .select_related("category__parent", "author")
        .get(pk=queued.pk)
    )
    if locked.status != QueuedPost.Status.PENDING:
        raise ValidationError(_("This post was already reviewed."), code="reviewed")
    return locked


@transaction.atomic
def queued_post_approve(*, moderator: User, queued: QueuedPost, reason: str = "") -> Post:
    """Publish a queued post through the normal services, so numbering, counters and notifications hold."""
    locked = _lock_queued(queued)
    if not permissions.can_moderate_category(moderator, locked.category):
        raise PermissionDenied(_("You may not review posts in this category."))
    reason = _clean_reason(reason, required=False) or _("Approved")
    with limits_bypassed():
        if locked.topic_id is None:
            topic = _topic_create(
                author=locked.author,
                category=locked.category,
                title=locked.title,
                body_markdown=locked.body_markdown,
                tags=locked.tags,
            )
            post = Post.objects.get(topic=topic, post_number=1)
        else:
            topic = Topic.objects.select_related("category__parent").get(pk=locked.topic_id)
            reply_to = None
            if locked.reply_to_post_number:
                reply_to = Post.objects.filter(
                    topic=topic, post_number=locked.reply_to_post_number, deleted_at__isnull=True
                ).first()
            post = post_create(author=locked.author, topic=topic, body_markdown=locked.body_markdown, reply_to=reply_to)
    QueuedPost.objects.filter(pk=locked.pk).update(
        status=QueuedPost.Status.APPROVED, reviewed_at=timezone.now(), reviewed_by=moderator, post=post
    )
    _log(
        action=Action.POST_APPROVE,
        actor=moderator,
        reason=reason,
        category=topic.category,
        topic=topic,
        post=post,
        target_user=locked.author,
    )
    _notify(recipient=locked.author, actor=moderator, action=Action.POST_APPROVE, reason=reason, topic=topic, post=post)
    queued.status = QueuedPost.Status.APPROVED
    queued.post = post
    return post


@transaction.atomic
def queued_post_reject(*, moderator: User, queued: QueuedPost, reason: str) -> QueuedPost:
    locked = _lock_queued(queued)
    if not permissions.can_moderate_category(moderator, locked.category):
        raise PermissionDenied(_("You may not review posts in this category."))
    reason = _clean_reason(reason)
    QueuedPost.objects.filter(pk=locked.pk).update(
        status=QueuedPost.Status.REJECTED, reviewed_at=timezone.now(), reviewed_by=moderator
    )
    topic = Topic.objects.filter(pk=locked.topic_id).first() if locked.topic_id else None
    _log(
        action=Action.POST_REJECT,
        actor=moderator,
        reason=reason,
        category=locked.category,
        topic=topic,
        target_user=locked.author,
        data={"queued_title": locked.title, "excerpt": locked.body_markdown[:200]},
    )
    _notify(recipient=locked.author, actor=moderator, action=Action.POST_REJECT, reason=reason, topic=topic)
    queued.status = QueuedPost.Status.REJECTED
    return queued


def member_can_be_silenced(user: User) -> bool:
    return community_permissions.is_authenticated(user) and not permissions.is_forum_moderator(user)
