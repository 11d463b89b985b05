"""Every write to the forums: permission check, validation, counters with F(), events after commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import User
from realtime.events import publish

from .. import permissions
from ..models import (
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
    Category,
    Post,
    PostRevision,
    Topic,
    TopicParticipant,
)
from . import composing, notify
from .reading import topic_user_on_post
from .recount import member_post_count_add, topic_last_post_refresh
from .search import post_search_index

MAX_TAGS = 5
TAG_MAX_LENGTH = 50


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) < TITLE_MIN_LENGTH:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("The title needs at least %(min)d characters."),
                    code="title_too_short",
                    params={"min": TITLE_MIN_LENGTH},
                )
            }
        )
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            {
                "title": ValidationError(
                    _("The title may have at most %(max)d characters."),
                    code="title_too_long",
                    params={"max": TITLE_MAX_LENGTH},
                )
            }
        )
    return title


def _clean_body(body_markdown: str) -> str:
    if not body_markdown.strip():
        raise ValidationError({"body_markdown": ValidationError(_("Please write some text."), code="body_empty")})
    if len(body_markdown) > BODY_MAX_LENGTH:
        raise ValidationError(
            {
                "body_markdown": ValidationError(
                    _("A post may have at most %(max)d characters."),
                    code="body_too_long",
                    params={"max": BODY_MAX_LENGTH},
                )
            }
        )
    return body_markdown


def _clean_tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        name = " ".join(str(tag).split()).lower()
        if name and name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(
            {"tags": ValidationError(_("A topic may have at most %(max)d tags."), params={"max": MAX_TAGS})}
        )
    if any(len(name) > TAG_MAX_LENGTH for name in cleaned):
        raise ValidationError(
            {"tags": ValidationError(_("A tag may have at most %(max)d characters."), params={"max": TAG_MAX_LENGTH})}
        )
    return cleaned


def _post_payload(post: Post) -> dict[str, Any]:
    # No text in the event: subscribers fetch the rendered post, which checks permissions again.
    return {
        "topic_id": post.topic_id,
        "post_id": post.pk,
        "post_number": post.post_number,
        "author_id": post.author_id,
        "reply_to_post_number": post.reply_to.post_number if post.reply_to_id else None,
        "created_at": post.created_at.isoformat(),
    }


def _post_add(*, topic: Topic, author: User, body_markdown: str, reply_to: Post | None) -> Post:
    """Append a post to a topic whose row the caller has locked; keeps every counter in step."""
    composing.check_post_body(body_markdown=body_markdown, topic=topic if topic.last_post_number else None)
    now = timezone.now()
    number = topic.last_post_number + 1
    post = Post.objects.create(
        topic=topic,
        post_number=number,
        author=author,
        body_markdown=body_markdown,
        body_html=composing.render_post(body_markdown=body_markdown, category=topic.category),
        reply_to=reply_to,
        created_at=now,
    )
    participant, new_participant = TopicParticipant.objects.get_or_create(
        topic=topic, user=author, defaults={"post_count": 1}
    )
    if not new_participant:
        TopicParticipant.objects.filter(pk=participant.pk).update(post_count=F("post_count") + 1)
    Topic.objects.filter(pk=topic.pk).update(
        last_post_number=number,
        post_count=F("post_count") + 1,
        participant_count=F("participant_count") + int(new_participant),
        last_posted_at=now,
        last_poster=author,
    )
    Category.objects.filter(pk=topic.category_id).update(
        post_count=F("post_count") + 1, last_topic=topic, last_posted_at=now
    )
    post_search_index(post=post, title=topic.title)
    topic_user_on_post(user=author, topic=topic, post_number=number, created_topic=number == 1)
    composing.post_composed(post=post)
    notify.notify_post_created(post=post)
    publish(stream=f"topic:{topic.pk}", kind="post.created", payload=_post_payload(post), event_id=number)
    return post


def _lock_topic(topic: Topic) -> Topic:
    """The topic row, locked until commit, so concurrent replies queue for the next post number."""
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    if locked.category_id == topic.category_id:
        locked.category = topic.category
    return locked


def _lock_post(post: Post) -> Post:
    """The post row, locked until commit, with its topic as it is now (flags may have changed)."""
    locked = Post.objects.select_for_update().get(pk=post.pk)
    locked.topic = Topic.objects.select_related("category__parent").get(pk=locked.topic_id)
    return locked


def _refresh(topic: Topic) -> None:
    topic.refresh_from_db(
        fields=["last_post_number", "post_count", "participant_count", "last_posted_at", "last_poster", "accepted_post"]
    )


@transaction.atomic
def topic_create(
    *, author: User, category: Category, title: str, body_markdown: str, tags: Iterable[str] = ()
) -> Topic:
    """Start a topic: the topic, its first post and its tags, in one transaction."""
    if not permissions.can_start_topic(author, category):
        raise PermissionDenied(_("You may not start a topic in this category."))
    title = _clean_title(title)
    body_markdown = _clean_body(body_markdown)
    tag_names = _clean_tags(tags)
    from .moderation import check_posting_limits  # moderation builds on this module

    check_posting_limits(user=author, body_markdown=body_markdown, category=category, title=title, tags=tag_names)

    now = timezone.now()
    topic = Topic.objects.create(category=category, title=title, author=author, created_at=now, last_posted_at=now)
    if tag_names:
        topic.tags.set(tag_names)
    Category.objects.filter(pk=category.pk).update(topic_count=F("topic_count") + 1)
    _post_add(topic=_lock_topic(topic), author=author, body_markdown=body_markdown, reply_to=None)
    _refresh(topic)
    publish(
        stream=f"category:{category.pk}",
        kind="topic.created",
        payload={"topic_id": topic.pk, "category_id": category.pk, "author_id": author.pk},
        event_id=topic.pk,
    )
    return topic


@transaction.atomic
def post_create(*, author: User, topic: Topic, body_markdown: str, reply_to: Post | None = None) -> Post:
    """Reply to a topic (optionally to one of its posts); post numbers are taken under a row lock."""
    locked = _lock_topic(topic)
    if not permissions.can_reply(author, locked):
        if locked.archived:
            raise PermissionDenied(_("This topic is archived; it takes no more replies."))
        if locked.closed and permissions.can_view_topic(author, locked):
            raise PermissionDenied(_("This topic is closed; it takes no more replies."))
        raise PermissionDenied(_("You may not reply to this topic."))
    body_markdown = _clean_body(body_markdown)
    if reply_to is not None:
        if reply_to.topic_id != locked.pk:
            raise ValidationError(
                {"reply_to": ValidationError(_("You can only reply to a post of the same topic."), code="other_topic")}
            )
        if reply_to.is_deleted:
            raise ValidationError(
                {"reply_to": ValidationError(_("The post you are replying to was deleted."), code="deleted")}
            )
    from .moderation import check_posting_limits  # moderation builds on this module

    check_posting_limits(
        user=author, body_markdown=body_markdown, category=locked.category, topic=locked, reply_to=reply_to
    )
    post = _post_add(topic=locked, author=author, body_markdown=body_markdown, reply_to=reply_to)
    _refresh(topic)
    return post


@transaction.atomic
def post_edit(*, editor: User, post: Post, body_markdown: str) -> Post:
    """Change a post's text; the previous text is kept as a revision."""
    locked = _lock_post(post)
    if not permissions.can_edit_post(editor, locked):
        if locked.is_deleted:
            raise PermissionDenied(_("A deleted post cannot be edited."))
        if locked.topic.archived:
            raise PermissionDenied(_("This topic is archived; its posts cannot be edited."))
        raise PermissionDenied(_("You may not edit this post."))
    body_markdown = _clean_body(body_markdown)
    if body_markdown == locked.body_markdown:
        return post
    composing.check_post_body(body_markdown=body_markdown, topic=locked.topic, previous_markdown=locked.body_markdown)
    PostRevision.objects.create(post=locked, number=locked.version, body_markdown=locked.body_markdown, editor=editor)
    Post.objects.filter(pk=locked.pk).update(
        body_markdown=body_markdown,
        body_html=composing.render_post(body_markdown=body_markdown, category=locked.topic.category),
        edited_at=timezone.now(),
        version=F("version") + 1,
    )
    post.refresh_from_db(fields=["body_markdown", "body_html", "edited_at", "version"])
    post_search_index(post=post)
    notify.notify_post_edited(post=post, editor=editor)
    composing.attach_uploads(post=post)
    publish(
        stream=f"topic:{post.topic_id}",
        kind="post.edited",
        payload={
            "topic_id": post.topic_id,
            "post_id": post.pk,
            "post_number": post.post_number,
            "version": post.version,
        },
    )
    return post


@transaction.atomic
def post_delete(*, actor: User, post: Post) -> Post:
    """Soft-delete a post: the text stays for moderators, counters drop, the number is not given out again."""
    locked = _lock_post(post)
    if not permissions.can_delete_post(actor, locked):
        if locked.is_deleted:
            raise PermissionDenied(_("This post was already deleted."))
        if locked.post_number == 1:
            raise PermissionDenied(_("The first post of a topic cannot be deleted on its own."))
        raise PermissionDenied(_("You may not delete this post."))
    now = timezone.now()
    Post.objects.filter(pk=locked.pk).update(deleted_at=now, deleted_by=actor)
    participant_gone = False
    if locked.author_id is not None:
        participant = (
            TopicParticipant.objects.select_for_update()
            .filter(topic_id=locked.topic_id, user_id=locked.author_id)
            .first()
        )
        if participant is not None and participant.post_count <= 1:
            participant.delete()
            participant_gone = True
        elif participant is not None:
            TopicParticipant.objects.filter(pk=participant.pk).update(post_count=F("post_count") - 1)
    Topic.objects.filter(pk=locked.topic_id).update(
        post_count=F("post_count") - 1,
        participant_count=F("participant_count") - int(participant_gone),
        # Topic.reaction_count counts the reactions of not-deleted posts only ("Top" lists).
        reaction_count=F("reaction_count") - locked.reaction_count,
    )
    Topic.objects.filter(pk=locked.topic_id, accepted_post=locked).update(accepted_post=None)
    Category.objects.filter(pk=locked.topic.category_id).update(post_count=F("post_count") - 1)
    member_post_count_add(user_id=locked.author_id, delta=-1)
    if locked.created_at >= locked.topic.last_posted_at:
        # The topic's (and maybe its category's) latest post is gone: point them at the one before.
        topic_last_post_refresh(topic_id=locked.topic_id)
    post.refresh_from_db(fields=["deleted_at", "deleted_by"])
    _refresh(post.topic)
    publish(
        stream=f"topic:{post.topic_id}",
        kind="post.deleted",
        payload={"topic_id": post.topic_id, "post_id": post.pk, "post_number": post.post_number},
    )
    return post


@transaction.atomic
def topic_mark_solved(*, actor: User, topic: Topic, post: Post) -> Topic:
    """Mark a reply as the accepted answer ("Gelöst"); the topic author or moderation may."""
    if not permissions.can_mark_solved(actor, topic):
        raise PermissionDenied(_("You may not mark the solution of this topic."))
    if post.topic_id != topic.pk:
        raise ValidationError(_("Only a post of this topic can be its solution."), code="other_topic")
    if post.is_deleted or post.hidden_at is not None:
        raise ValidationError(_("A deleted or hidden post cannot be the solution."), code="not_visible")
    if post.post_number == 1:
        raise ValidationError(_("The opening post cannot be the solution; choose a reply."), code="first_post")
    changed = Topic.objects.filter(pk=topic.pk).exclude(accepted_post=post).update(accepted_post=post)
    topic.accepted_post = post
    if changed:
        notify.notify_solved(topic=topic, post=post, actor=actor)
    publish(
        stream=f"topic:{topic.pk}",
        kind="topic.solved",
        payload={"topic_id": topic.pk, "post_id": post.pk, "post_number": post.post_number},
    )
    return topic
