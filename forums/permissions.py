"""Answers "may this user do this in the forums?"; views, services, feeds, search and consumers all ask here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from community import permissions as community_permissions
from community.models import TeamMembership
from community.permissions import UserLike

from .models import Category, Post, Topic


def is_forum_moderator(user: UserLike) -> bool:
    """Global moderators and administrators (category moderators come with the moderation step)."""
    return community_permissions.is_moderator(user) or community_permissions.is_administrator(user)


def team_ids_of(user: UserLike) -> frozenset[int]:
    """The teams a user belongs to, looked up once per user object."""
    if not community_permissions.is_authenticated(user):
        return frozenset()
    cached = getattr(user, "_forums_team_ids", None)
    if cached is None:
        cached = frozenset(TeamMembership.objects.filter(user=user).values_list("team_id", flat=True))
        user._forums_team_ids = cached
    return cached


def _category_readable(user: UserLike, category: Category) -> bool:
    if category.visibility == Category.Visibility.PUBLIC:
        return True
    if category.visibility == Category.Visibility.MEMBERS:
        return community_permissions.is_member(user)
    return category.team_id is not None and category.team_id in team_ids_of(user)


def can_view_category(user: UserLike, category: Category) -> bool:
    if is_forum_moderator(user):
        return True
    if not _category_readable(user, category):
        return False
    # A subcategory is never more visible than its parent.
    return category.parent_id is None or _category_readable(user, category.parent)


def can_view_topic(user: UserLike, topic: Topic) -> bool:
    return can_view_category(user, topic.category)


def can_view_post(user: UserLike, post: Post) -> bool:
    return can_view_topic(user, post.topic)


def can_moderate_category(user: UserLike, category: Category) -> bool:
    return is_forum_moderator(user)


def can_start_topic(user: UserLike, category: Category) -> bool:
    if not community_permissions.can_post(user) or not can_view_category(user, category):
        return False
    if is_forum_moderator(user):
        return True
    if category.topic_starters == Category.TopicStarters.MODERATORS:
        return False
    if category.topic_starters == Category.TopicStarters.TEAM:
        return category.team_id is not None and category.team_id in team_ids_of(user)
    return True


def can_reply(user: UserLike, topic: Topic) -> bool:
    """Archived topics are frozen for everybody; closed ones still take replies from moderators."""
    if topic.archived or not community_permissions.can_post(user) or not can_view_topic(user, topic):
        return False
    return not topic.closed or can_moderate_category(user, topic.category)


def can_edit_post(user: UserLike, post: Post) -> bool:
    if post.is_deleted or not community_permissions.can_post(user) or not can_view_post(user, post):
        return False
    if can_moderate_category(user, post.topic.category):
        return True
    return post.author_id == user.pk and not post.topic.archived


def can_delete_post(user: UserLike, post: Post) -> bool:
    """Authors may delete their replies; the opening post goes only with the topic (moderation)."""
    if post.is_deleted or not community_permissions.can_post(user) or not can_view_post(user, post):
        return False
    if can_moderate_category(user, post.topic.category):
        return True
    return post.author_id == user.pk and post.post_number > 1 and not post.topic.archived


def can_mark_solved(user: UserLike, topic: Topic) -> bool:
    if topic.archived or not community_permissions.can_post(user) or not can_view_topic(user, topic):
        return False
    return topic.author_id == user.pk or can_moderate_category(user, topic.category)


def _readable_q(user: UserLike, prefix: str = "") -> Q:
    """Q for categories (at `prefix`) the user may read, ignoring the parent."""
    q = Q(**{f"{prefix}visibility": Category.Visibility.PUBLIC})
    if community_permissions.is_member(user):
        q |= Q(**{f"{prefix}visibility": Category.Visibility.MEMBERS})
    team_ids = team_ids_of(user)
    if team_ids:
        q |= Q(**{f"{prefix}visibility": Category.Visibility.TEAM, f"{prefix}team_id__in": team_ids})
    return q


def visible_category_q(user: UserLike, prefix: str = "") -> Q:
    """The filter behind every list, feed and search: categories (at `prefix`) this user may read."""
    if is_forum_moderator(user):
        return Q()
    return _readable_q(user, prefix) & (Q(**{f"{prefix}parent__isnull": True}) | _readable_q(user, f"{prefix}parent__"))


def visible_categories(user: UserLike) -> QuerySet[Category]:
    return Category.objects.filter(visible_category_q(user))


def visible_topics(user: UserLike) -> QuerySet[Topic]:
    """Topics in categories the user may read (unlisted ones included; lists exclude those themselves)."""
    return Topic.objects.filter(visible_category_q(user, "category__"))
