"""Notification levels per topic and per category (Beobachten, Verfolgen, Normal, Stummschalten), effective levels.

The effective level of a topic for a member, as in Discourse:
1. the member's TopicUser level, if they chose it or posted in the topic;
2. else the member's level for the topic's category (a subcategory without a row of its own
   follows the member's level for the parent category);
3. else Normal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.models import User

from .. import permissions
from ..models import Category, CategoryUser, ForumMember, NotificationLevel, Topic, TopicUser


def _clean_level(level: int | str) -> NotificationLevel:
    try:
        return NotificationLevel(int(level))
    except (TypeError, ValueError):
        raise ValidationError(
            {"level": ValidationError(_("Please choose one of the notification levels."), code="invalid_level")}
        ) from None


@transaction.atomic
def topic_level_set(*, user: User, topic: Topic, level: int | str) -> TopicUser:
    """The member chooses how closely to follow a topic; automatic changes leave this choice alone."""
    if not community_permissions.is_authenticated(user) or not permissions.can_view_topic(user, topic):
        raise PermissionDenied(_("You cannot follow this topic."))
    chosen = _clean_level(level)
    topic_user, created = TopicUser.objects.get_or_create(
        user=user, topic=topic, defaults={"level": chosen, "level_chosen": True}
    )
    if not created and (topic_user.level != chosen or not topic_user.level_chosen):
        TopicUser.objects.filter(pk=topic_user.pk).update(level=chosen, level_chosen=True)
        topic_user.level, topic_user.level_chosen = chosen, True
    return topic_user


@transaction.atomic
def category_level_set(*, user: User, category: Category, level: int | str) -> CategoryUser:
    """The member chooses a level for a whole category (Watching: every new topic and its posts)."""
    if not community_permissions.is_authenticated(user) or not permissions.can_view_category(user, category):
        raise PermissionDenied(_("You cannot follow this category."))
    chosen = _clean_level(level)
    category_user, created = CategoryUser.objects.get_or_create(
        user=user, category=category, defaults={"level": chosen}
    )
    if not created and category_user.level != chosen:
        CategoryUser.objects.filter(pk=category_user.pk).update(level=chosen)
        category_user.level = chosen
    return category_user


@transaction.atomic
def forum_member_defaults_set(*, user: User, level_on_create: int | str, level_on_reply: int | str) -> ForumMember:
    """The member's default levels for topics they start and topics they reply to."""
    on_create, on_reply = _clean_level(level_on_create), _clean_level(level_on_reply)
    member, _created = ForumMember.objects.get_or_create(
        user=user,
        defaults={"new_since": timezone.now(), "level_on_create": on_create, "level_on_reply": on_reply},
    )
    if member.level_on_create != on_create or member.level_on_reply != on_reply:
        ForumMember.objects.filter(pk=member.pk).update(level_on_create=on_create, level_on_reply=on_reply)
        member.level_on_create, member.level_on_reply = on_create, on_reply
    return member


def _category_levels(category: Category, user_ids: Iterable[int] | None) -> dict[int, int]:
    """Members' levels for the category; a subcategory without an own row follows the parent's."""
    category_ids = [category.pk] + ([category.parent_id] if category.parent_id else [])
    rows = CategoryUser.objects.filter(category_id__in=category_ids)
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    levels: dict[int, int] = {}
    own: set[int] = set()
    for user_id, category_id, level in rows.values_list("user_id", "category_id", "level"):
        if category_id == category.pk:
            levels[user_id] = level
            own.add(user_id)
        elif user_id not in own:
            levels[user_id] = level
    return levels


def effective_levels(*, topic: Topic, user_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Each member's effective level for the topic, in two queries.

    With `user_ids`, the levels of those members (all of them in the result); without,
    every member whose level differs from the default because of a setting (for finding
    watchers). Members missing from the second form are at Normal.
    """
    wanted = None if user_ids is None else set(user_ids)
    levels = _category_levels(topic.category, wanted)
    personal = TopicUser.objects.filter(topic=topic).filter(Q(level_chosen=True) | Q(posted=True))
    if wanted is not None:
        personal = personal.filter(user_id__in=wanted)
    levels.update(dict(personal.values_list("user_id", "level")))
    if wanted is not None:
        return {user_id: levels.get(user_id, NotificationLevel.NORMAL) for user_id in wanted}
    return levels


def effective_level(*, user: User, topic: Topic) -> int:
    if not community_permissions.is_authenticated(user):
        return NotificationLevel.NORMAL
    return effective_levels(topic=topic, user_ids=[user.pk])[user.pk]


def category_level(*, user: User, category: Category) -> int:
    """The member's level for a category as the category page shows it (the parent's when none of its own)."""
    if not community_permissions.is_authenticated(user):
        return NotificationLevel.NORMAL
    return _category_levels(category, [user.pk]).get(user.pk, NotificationLevel.NORMAL)


def watcher_ids(*, topic: Topic, category_only: bool = False) -> set[int]:
    """Members whose effective level for the topic is Watching (or, for a new topic, who watch its category)."""
    if category_only:
        levels = _category_levels(topic.category, None)
    else:
        levels = effective_levels(topic=topic)
    return {user_id for user_id, level in levels.items() if level == NotificationLevel.WATCHING}
