"""Answers "may this user do this in the forums?"; views, services, feeds, search and consumers all ask here."""

from __future__ import annotations

from django.db.models import IntegerField, Q, QuerySet, Value

from community import permissions as community_permissions
from community.member_cache import MemberCache
from community.models import TeamMembership
from community.permissions import UserLike

from .models import Category, Post, Room, Topic


def is_forum_moderator(user: UserLike) -> bool:
    """Global moderators and administrators (category moderators: see moderated_category_ids)."""
    return community_permissions.is_moderator(user) or community_permissions.is_administrator(user)


def team_ids_of(user: UserLike) -> frozenset[int]:
    """The teams a user belongs to, looked up once per user object (and kept in the cache between requests)."""
    if not community_permissions.is_authenticated(user):
        return frozenset()
    cached = getattr(user, "_forums_team_ids", None)
    if cached is None:
        cached = _load_memberships(user)[0]
    return cached


def _load_memberships(user: UserLike) -> tuple[frozenset[int], frozenset[int]]:
    """Teams and moderated categories of a user, cached on the user object and in `memberships_cache`."""
    team_ids, moderated_ids = memberships_cache.get(user)
    user._forums_team_ids = team_ids
    user._forums_moderated_ids = moderated_ids
    return team_ids, moderated_ids


def _query_memberships(user: UserLike) -> tuple[frozenset[int], frozenset[int]]:
    """Teams and moderated categories of a user in one query.

    Category moderators moderate the subcategories of their categories too.
    """
    teams = (
        TeamMembership.objects.filter(user=user)
        .annotate(kind=Value(0, output_field=IntegerField()))
        .order_by()
        .values_list("team_id", "kind")
    )
    moderated = (
        Category.objects.filter(Q(moderators=user) | Q(parent__moderators=user))
        .annotate(kind=Value(1, output_field=IntegerField()))
        .order_by()
        .values_list("pk", "kind")
    )
    rows = list(teams.union(moderated, all=True))
    return frozenset(pk for pk, kind in rows if kind == 0), frozenset(pk for pk, kind in rows if kind == 1)


# Dropped per member when a team membership changes, for everybody when categories or their moderators
# change (see forums.signals); every page asks it, and it changes a few times a year.
memberships_cache: MemberCache[tuple[frozenset[int], frozenset[int]]] = MemberCache(
    "forums:memberships", _query_memberships
)


def _category_readable(user: UserLike, category: Category) -> bool:
    if category.visibility == Category.Visibility.PUBLIC:
        return True
    if category.visibility == Category.Visibility.MEMBERS:
        return community_permissions.is_member(user)
    return category.team_id is not None and category.team_id in team_ids_of(user)


def moderated_category_ids(user: UserLike) -> frozenset[int]:
    """Categories a user moderates as category moderator (with their subcategories), looked up once per user object.

    Global moderators and administrators moderate everything without being listed here.
    """
    if not community_permissions.is_authenticated(user):
        return frozenset()
    cached = getattr(user, "_forums_moderated_ids", None)
    if cached is None:
        cached = _load_memberships(user)[1]
    return cached


def is_any_moderator(user: UserLike) -> bool:
    """Global moderators, administrators and moderators of at least one category."""
    return is_forum_moderator(user) or bool(moderated_category_ids(user))


def can_view_category(user: UserLike, category: Category) -> bool:
    if is_forum_moderator(user):
        return True
    # A subcategory is never more visible than its parent.
    if _category_readable(user, category) and (category.parent_id is None or _category_readable(user, category.parent)):
        return True
    # Asked last, so the usual readable case needs no lookup of moderated categories.
    return category.pk in moderated_category_ids(user)


def can_view_topic(user: UserLike, topic: Topic) -> bool:
    return can_view_category(user, topic.category)


def can_view_post(user: UserLike, post: Post) -> bool:
    return can_view_topic(user, post.topic)


def can_moderate_category(user: UserLike, category: Category) -> bool:
    """Global moderators and administrators everywhere; category moderators in their categories and subcategories."""
    return is_forum_moderator(user) or category.pk in moderated_category_ids(user)


def can_moderate_topic(user: UserLike, topic: Topic) -> bool:
    return can_moderate_category(user, topic.category)


def can_view_moderation_queue(user: UserLike) -> bool:
    """The review queue and the moderation log: for every moderator (category moderators see their part)."""
    return is_any_moderator(user)


def can_flag(user: UserLike, post: Post) -> bool:
    """Members who may write and read the post flag others' posts; not deleted ones, nor in archived topics."""
    if post.is_deleted or post.topic.archived:
        return False
    if not community_permissions.can_post(user) or post.author_id == user.pk:
        return False
    return can_view_post(user, post)


def moderated_category_q(user: UserLike, prefix: str = "") -> Q:
    """Q for categories (at `prefix`) the user moderates; matches nothing for non-moderators."""
    if is_forum_moderator(user):
        return Q()
    return Q(**{f"{prefix}pk__in": moderated_category_ids(user)})


def can_start_topic(user: UserLike, category: Category) -> bool:
    if not community_permissions.can_post(user) or not can_view_category(user, category):
        return False
    if can_moderate_category(user, category):
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


def can_react(user: UserLike, post: Post) -> bool:
    """Reactions need the right to write; never on one's own, deleted or hidden posts, nor in archived topics.

    As in Discourse (no liking one's own posts); closed topics still take reactions.
    """
    if post.is_deleted or post.is_hidden or post.topic.archived:
        return False
    if not community_permissions.can_post(user) or post.author_id == user.pk:
        return False
    return can_view_post(user, post)


def can_bookmark(user: UserLike, post: Post) -> bool:
    """Bookmarks are private to the member, so any logged-in reader may set them (even unverified or silenced)."""
    return community_permissions.is_authenticated(user) and can_view_post(user, post)


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
    readable = _readable_q(user, prefix) & (
        Q(**{f"{prefix}parent__isnull": True}) | _readable_q(user, f"{prefix}parent__")
    )
    moderated = moderated_category_ids(user)
    return readable | Q(**{f"{prefix}pk__in": moderated}) if moderated else readable


def visible_categories(user: UserLike) -> QuerySet[Category]:
    return Category.objects.filter(visible_category_q(user))


def visible_topics(user: UserLike) -> QuerySet[Topic]:
    """Topics in categories the user may read (unlisted ones included; lists exclude those themselves)."""
    return Topic.objects.filter(visible_category_q(user, "category__"))


# == chat ==========================================================================================
# Handlungsfeld and open rooms: every member (verified e-mail). Team rooms: that team's members.
# Invite-only rooms and direct conversations: the members listed in RoomMember. Moderators may read
# (and moderate) every room except direct conversations, which stay private to their members, as
# Zulip keeps direct messages from its administrators. Anonymous visitors see no room at all.

_CHAT_OPEN_KINDS = (Room.Kind.HANDLUNGSFELD, Room.Kind.PUBLIC)
_CHAT_LISTED_KINDS = (Room.Kind.PRIVATE, Room.Kind.DIRECT)


def chat_listed_room_ids(user: UserLike) -> frozenset[int]:
    """Invite-only rooms and direct conversations the user is listed in, looked up once per user object."""
    if not community_permissions.is_authenticated(user):
        return frozenset()
    cached = getattr(user, "_chat_listed_room_ids", None)
    if cached is None:
        from .models import RoomMember

        cached = frozenset(
            RoomMember.objects.filter(user=user, room__kind__in=_CHAT_LISTED_KINDS).values_list("room_id", flat=True)
        )
        user._chat_listed_room_ids = cached
    return cached


def chat_can_view_room(user: UserLike, room: Room, *, listed: bool | None = None) -> bool:
    """May the user read this room? `listed` (is the user in the room's member list) saves a query when known."""
    if not community_permissions.is_member(user):
        return False
    if room.kind in _CHAT_OPEN_KINDS:
        return True
    if room.kind == Room.Kind.TEAM and room.team_id is not None and room.team_id in team_ids_of(user):
        return True
    if room.kind in _CHAT_LISTED_KINDS:
        if listed is None:
            listed = room.pk in chat_listed_room_ids(user)
        if listed:
            return True
    return room.kind != Room.Kind.DIRECT and is_forum_moderator(user)


def chat_can_moderate_room(user: UserLike, room: Room) -> bool:
    """Hide and delete others' messages, silence members, slow mode: moderators, never in direct conversations."""
    return room.kind != Room.Kind.DIRECT and is_forum_moderator(user) and community_permissions.is_member(user)


def chat_can_write(user: UserLike, room: Room, *, silenced_in_room: bool = False, listed: bool | None = None) -> bool:
    """Send messages and react: readers who may post anywhere, not silenced in this room, in a room not archived."""
    if room.archived or silenced_in_room or not community_permissions.can_post(user):
        return False
    return chat_can_view_room(user, room, listed=listed)


def chat_can_create_room(user: UserLike) -> bool:
    """Open and invite-only rooms are set up by moderators (Handlungsfeld and team rooms exist by themselves)."""
    return is_forum_moderator(user) and community_permissions.can_post(user)


def chat_can_start_direct(user: UserLike) -> bool:
    return community_permissions.can_post(user)


def chat_can_pin(user: UserLike, room: Room, *, room_role: str = "") -> bool:
    """Pin messages: moderators and the room's admins (the moderator who set an invite-only room up, say)."""
    if room.archived or not community_permissions.can_post(user):
        return False
    return chat_can_moderate_room(user, room) or (room_role == "admin" and chat_can_view_room(user, room))


def chat_can_manage_members(user: UserLike, room: Room, *, room_role: str = "") -> bool:
    """Add or remove members of an invite-only room: moderators and the room's admins."""
    return room.kind == Room.Kind.PRIVATE and chat_can_pin(user, room, room_role=room_role)


def chat_can_edit_message(user: UserLike, message) -> bool:
    """Only authors edit their messages (moderators hide or delete instead), while they may still write there."""
    if message.is_deleted or not community_permissions.is_authenticated(user) or message.author_id != user.pk:
        return False
    return chat_can_write(user, message.room)


def chat_can_delete_message(user: UserLike, message) -> bool:
    if message.is_deleted or not community_permissions.is_authenticated(user):
        return False
    if message.author_id == user.pk and chat_can_view_room(user, message.room):
        return True
    return chat_can_moderate_room(user, message.room)


def chat_can_react(user: UserLike, message) -> bool:
    """Reactions on visible messages by those who may write in the room (own messages included, as in Zulip)."""
    if message.is_deleted or message.is_hidden:
        return False
    return chat_can_write(user, message.room)


def chat_can_flag(user: UserLike, message) -> bool:
    """Report others' messages to moderation; not in direct conversations, which moderators cannot read."""
    if message.is_deleted or message.room.kind == Room.Kind.DIRECT:
        return False
    if not community_permissions.can_post(user) or message.author_id == user.pk:
        return False
    return chat_can_view_room(user, message.room)


def chat_can_see_message_text(user: UserLike, message) -> bool:
    """Hidden messages stay readable for their author and moderation; deleted ones for nobody."""
    if message.is_deleted:
        return False
    if not message.is_hidden:
        return True
    return (community_permissions.is_authenticated(user) and message.author_id == user.pk) or chat_can_moderate_room(
        user, message.room
    )


def chat_visible_room_q(user: UserLike, *, with_moderated: bool = True) -> Q:
    """The filter behind the chat overview, search and subscriptions: rooms this user may read.

    Without `with_moderated` a moderator gets only the rooms that are theirs as a member
    (the overview), not every team and invite-only room they could open.
    """
    if not community_permissions.is_member(user):
        return Q(pk__in=[])
    q = Q(kind__in=_CHAT_OPEN_KINDS)
    team_ids = team_ids_of(user)
    if team_ids:
        q |= Q(kind=Room.Kind.TEAM, team_id__in=team_ids)
    listed = chat_listed_room_ids(user)
    if listed:
        q |= Q(kind__in=_CHAT_LISTED_KINDS, pk__in=listed)
    if with_moderated and is_forum_moderator(user):
        q |= ~Q(kind=Room.Kind.DIRECT)
    return q
