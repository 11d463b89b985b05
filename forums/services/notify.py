"""Who is told about what happens in the forums: the fan-out from forum events to notifications.

The other forum services call these functions inside their transaction; each decides the recipients
with forums.permissions (a private topic never notifies someone who cannot read it) and the
members' notification levels, and creates notifications through notifications.services.

Rules, as in Discourse's post alerter:
- one notification per recipient and event, the most specific kind winning
  (mention > reply > quote > new post in a watched topic / new topic in a watched category);
- never the actor; never an inactive account; never someone who cannot view the topic;
- a muted topic or category notifies nothing (moderation outcomes excepted: they concern the member's own content);
- title, url (post permalink) and a plain-text excerpt are copied into the notification when it is created.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Permission
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from community.models import TeamMembership, User
from notifications import services as notification_services

from .. import permissions
from ..models import NotificationLevel, Post, Reaction, Topic
from . import subscriptions

if TYPE_CHECKING:
    from django.utils.functional import Promise

KIND_MENTION = "forum_mention"
KIND_REPLY = "forum_reply"
KIND_QUOTE = "forum_quote"
KIND_REACTION = "forum_reaction"
KIND_NEW_TOPIC = "forum_new_topic"
KIND_NEW_POST = "forum_new_post"
KIND_SOLVED = "forum_solved"
# Registered by the notifications app itself (generic); forums uses it for its moderation outcomes.
KIND_MODERATION = "moderation_outcome"

# (key, label, icon), registered in ForumsConfig.ready().
KINDS: list[tuple[str, Promise, str]] = [
    (KIND_REPLY, _("Reply to your post"), "arrow-right"),
    (KIND_MENTION, _("Mention"), "user"),
    (KIND_QUOTE, _("Quote of your post"), "edit"),
    (KIND_REACTION, _("Reactions to your post"), "leaf"),
    (KIND_NEW_TOPIC, _("New topic in a watched category"), "plus"),
    (KIND_NEW_POST, _("New post in a watched topic"), "inbox"),
    (KIND_SOLVED, _("Your answer was accepted"), "check"),
]

EXCERPT_CHARS = 200
_WHITESPACE = re.compile(r"\s+")


def register_kinds() -> None:
    from notifications.registry import register_kind

    for key, label, icon in KINDS:
        register_kind(key, label, icon=icon)


def post_excerpt(post: Post, length: int = EXCERPT_CHARS) -> str:
    """The post's text as plain text, shortened: from the stored HTML, so mentions and links read as text."""
    text = _WHITESPACE.sub(" ", html.unescape(strip_tags(post.body_html or ""))).strip()
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return text


def _post_data(post: Post, topic: Topic, **extra: Any) -> dict[str, Any]:
    from ..selectors import post_url

    return {
        "title": topic.title,
        "url": post_url(topic.pk, post.post_number),
        "excerpt": post_excerpt(post),
        "topic_id": topic.pk,
        "post_number": post.post_number,
        **extra,
    }


def _prime_permission_caches(users: list[User]) -> None:
    """Fill the per-user caches the permission checks read, in a fixed number of queries for all users.

    can_view_topic asks for verified e-mail, team memberships and model permissions; each is cached
    on the user object, so for N candidates these 4 queries replace up to 4N.
    """
    if not users:
        return
    from allauth.account.models import EmailAddress

    by_id = {user.pk: user for user in users}
    ids = list(by_id)
    verified = set(EmailAddress.objects.filter(user_id__in=ids, verified=True).values_list("user_id", "email"))
    teams: dict[int, set[int]] = {pk: set() for pk in ids}
    for user_id, team_id in TeamMembership.objects.filter(user_id__in=ids).values_list("user_id", "team_id"):
        teams[user_id].add(team_id)
    user_perms: dict[int, set[str]] = {pk: set() for pk in ids}
    for user_id, app_label, codename in Permission.objects.filter(user__in=ids).values_list(
        "user", "content_type__app_label", "codename"
    ):
        user_perms[user_id].add(f"{app_label}.{codename}")
    group_perms: dict[int, set[str]] = {pk: set() for pk in ids}
    for user_id, app_label, codename in Permission.objects.filter(group__user__in=ids).values_list(
        "group__user", "content_type__app_label", "codename"
    ):
        group_perms[user_id].add(f"{app_label}.{codename}")
    for pk, user in by_id.items():
        user._mitmach_email_verified = any(uid == pk and email.lower() == user.email.lower() for uid, email in verified)
        user._forums_team_ids = frozenset(teams[pk])
        # The attributes Django's ModelBackend caches (allauth's backend subclasses it).
        user._user_perm_cache = user_perms[pk]
        user._group_perm_cache = group_perms[pk]
        user._perm_cache = user_perms[pk] | group_perms[pk]


def _viewers(user_ids: Iterable[int], topic: Topic, *, exclude: int | None) -> dict[int, User]:
    """The active members among `user_ids` who may view the topic, by id (a fixed number of queries)."""
    wanted = {pk for pk in user_ids if pk is not None and pk != exclude}
    if not wanted:
        return {}
    users = list(User.objects.filter(pk__in=wanted, is_active=True))
    _prime_permission_caches(users)
    return {user.pk: user for user in users if permissions.can_view_topic(user, topic)}


def _quoted_author_ids(post: Post, topic: Topic) -> list[int]:
    from .composing import quoted_post_numbers

    numbers = [n for n in quoted_post_numbers(body_markdown=post.body_markdown, topic=topic) if n != post.post_number]
    if not numbers:
        return []
    return list(
        Post.objects.filter(topic=topic, post_number__in=numbers, deleted_at__isnull=True, hidden_at__isnull=True)
        .exclude(author__isnull=True)
        .values_list("author_id", flat=True)
    )


_QUOTE_LINE = re.compile(r"^ {0,3}>.*$", re.MULTILINE)


def _mentioned_ids(body_markdown: str, topic: Topic, author: User | None) -> list[int]:
    """Members mentioned in the post's own words: a quote (its source line "@name, #3" included) mentions nobody.

    As in Discourse, the author of a quoted post is told by the quote notification instead.
    """
    from .composing import mentioned_members

    own_words = _QUOTE_LINE.sub("", body_markdown)
    return [user.pk for user in mentioned_members(body_markdown=own_words, topic=topic, author=author)]


def notify_post_created(*, post: Post) -> None:
    """A new post (a reply, or the first post of a new topic): replies, mentions, quotes, watchers."""
    topic = post.topic
    author = post.author
    is_opening = post.post_number == 1

    # Candidates per kind, in order of precedence: the first kind that claims a member wins.
    candidates: list[tuple[str, list[int]]] = []
    candidates.append((KIND_MENTION, _mentioned_ids(post.body_markdown, topic, author)))
    if not is_opening:
        if post.reply_to_id is not None:
            reply_target = post.reply_to.author_id if post.reply_to else None
        else:
            reply_target = topic.author_id
        candidates.append((KIND_REPLY, [reply_target] if reply_target else []))
        candidates.append((KIND_QUOTE, _quoted_author_ids(post, topic)))

    levels = subscriptions.effective_levels(topic=topic)
    watchers = [pk for pk, level in levels.items() if level == NotificationLevel.WATCHING]
    candidates.append((KIND_NEW_TOPIC if is_opening else KIND_NEW_POST, watchers))

    all_ids = {pk for _kind, ids in candidates for pk in ids}
    viewers = _viewers(all_ids, topic, exclude=post.author_id)
    claimed: set[int] = set()
    for kind, ids in candidates:
        recipients = []
        for pk in ids:
            if pk in claimed or pk not in viewers:
                continue
            if levels.get(pk, NotificationLevel.NORMAL) == NotificationLevel.MUTED:
                continue
            claimed.add(pk)
            recipients.append(viewers[pk])
        if recipients:
            notification_services.notification_bulk_create(
                recipients=recipients, kind=kind, data=_post_data(post, topic), actor=author, target=post
            )


def notify_post_edited(*, post: Post, editor: User) -> None:
    """A post's text changed: newly mentioned members are told (not those told before)."""
    from ..models import PostRevision

    topic = post.topic
    previous = PostRevision.objects.filter(post=post).order_by("-number").values_list("body_markdown", flat=True)
    before = set(_mentioned_ids(previous[0], topic, post.author)) if previous else set()
    new_ids = [pk for pk in _mentioned_ids(post.body_markdown, topic, post.author) if pk not in before]
    if not new_ids:
        return
    viewers = _viewers(new_ids, topic, exclude=editor.pk)
    levels = subscriptions.effective_levels(topic=topic, user_ids=viewers)
    recipients = [user for pk, user in viewers.items() if levels[pk] != NotificationLevel.MUTED]
    if recipients:
        notification_services.notification_bulk_create(
            recipients=recipients, kind=KIND_MENTION, data=_post_data(post, topic), actor=editor, target=post
        )


def _notify_post_author(*, post: Post, topic: Topic, actor: User, kind: str, group_key: str = "", **extra: Any) -> None:
    if post.author_id is None or post.author_id == actor.pk:
        return
    viewers = _viewers([post.author_id], topic, exclude=actor.pk)
    recipient = viewers.get(post.author_id)
    if recipient is None:
        return
    if subscriptions.effective_level(user=recipient, topic=topic) == NotificationLevel.MUTED:
        return
    notification_services.notification_create(
        recipient=recipient,
        kind=kind,
        data=_post_data(post, topic, **extra),
        actor=actor,
        target=post,
        group_key=group_key,
    )


def notify_reaction(*, reaction: Reaction) -> None:
    """Someone reacted to a post: its author is told, grouped per post while unread."""
    post = reaction.post
    actor = reaction.user
    _notify_post_author(
        post=post,
        topic=post.topic,
        actor=actor,
        kind=KIND_REACTION,
        group_key=f"{KIND_REACTION}:{post.pk}",
        reaction=reaction.get_kind_display(),
    )


def notify_solved(*, topic: Topic, post: Post, actor: User) -> None:
    """A reply was accepted as the solution: its author is told."""
    _notify_post_author(post=post, topic=topic, actor=actor, kind=KIND_SOLVED)


def notify_moderation(
    *, recipient: User, action: str, reason: str, topic: Topic | None = None, post: Post | None = None
) -> None:
    """A moderator acted on a member's content or account: the member is told what and why.

    Told even in a muted topic (it is about the member's own content or account), but the
    topic's title and link only if the member may still view it.
    """
    from ..models import ModerationAction

    if topic is None and post is not None:
        topic = post.topic
    try:
        label = str(ModerationAction.Action(action).label)
    except ValueError:
        label = action
    data: dict[str, Any] = {"title": label, "excerpt": reason[:300], "action": action}
    target = post or topic
    if topic is not None and permissions.can_view_topic(recipient, topic):
        data["title"] = f"{label}: {topic.title}"
        if post is not None:
            data.update(_post_data(post, topic, title=data["title"], excerpt=reason[:300], action=action))
        else:
            from ..selectors import topic_url

            data["url"] = topic_url(topic.pk)
    elif topic is not None:
        target = None
    notification_services.notification_create(recipient=recipient, kind=KIND_MODERATION, data=data, target=target)
