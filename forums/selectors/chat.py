"""Reads of chat: the overview of my rooms, a room's messages by keyset, fragments and search; bounded queries."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.models import User

from .. import permissions
from ..models import Message, MessageMention, MessageReaction, Reaction, Room, RoomMember, RoomSilence

PAGE_SIZE = 50
SEARCH_LIMIT = 50
QUOTE_CHARS = 140
_WHITESPACE = re.compile(r"\s+")
_EMOJI = dict(Reaction.Kind.choices)


# -- addresses ------------------------------------------------------------------------------------


def room_key(room: Room) -> str:
    return room.slug or str(room.pk)


def room_url(room: Room) -> str:
    return reverse("chat:room", args=[room_key(room)])


def message_url(room: Room, message_id: int) -> str:
    """The permalink of a message: the room page (newest messages) anchored at it, or the page that shows it."""
    return f"{room_url(room)}?bei={message_id}#m-{message_id}"


def _display_date(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "SHORT_DATETIME_FORMAT")


def _plain(fragment: str, length: int = QUOTE_CHARS) -> str:
    text = _WHITESPACE.sub(" ", html.unescape(strip_tags(fragment or ""))).strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# -- rooms ----------------------------------------------------------------------------------------


def room_by_key(user: Any, key: str) -> Room | None:
    """The room at /chat/<slug-or-id>/ if this user may read it; None (404) otherwise, also for rooms that exist."""
    if not community_permissions.is_member(user):
        return None
    rooms = Room.objects.select_related("team", "handlungsfeld")
    room = rooms.filter(pk=int(key)).first() if key.isdigit() else rooms.filter(slug=key).exclude(slug="").first()
    if room is None or not permissions.chat_can_view_room(user, room):
        return None
    return room


def direct_titles(rooms: list[Room], viewer: Any) -> dict[int, str]:
    """Names of the other members of each direct conversation, in one query for all of them."""
    ids = [room.pk for room in rooms if room.kind == Room.Kind.DIRECT]
    if not ids:
        return {}
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    for member in (
        RoomMember.objects.filter(room_id__in=ids)
        .exclude(user=viewer)
        .select_related("user")
        .order_by("user__display_name")
    ):
        names[member.room_id].append(str(member.user))
    return {pk: ", ".join(found) or _("Only you") for pk, found in names.items()}


def room_title(room: Room, viewer: Any) -> str:
    if room.kind != Room.Kind.DIRECT:
        return room.name
    return direct_titles([room], viewer).get(room.pk, _("Direct conversation"))


@dataclass(frozen=True)
class RoomRow:
    """A room as the chat overview lists it."""

    room: Room
    title: str
    url: str
    kind_label: str
    unread: int
    mentions: int
    muted: bool
    last_message_at: str
    last_message_iso: str


def _with_reading_state(rooms: QuerySet[Room], user: User) -> QuerySet[Room]:
    last_read = Coalesce(
        Subquery(RoomMember.objects.filter(room=OuterRef("pk"), user=user).values("last_read_message_id")[:1]),
        Value(0),
        output_field=IntegerField(),
    )
    unread = (
        Message.objects.filter(
            room=OuterRef("pk"), pk__gt=OuterRef("last_read"), deleted_at__isnull=True, hidden_at__isnull=True
        )
        .exclude(author=user)
        .order_by()
        .values("room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mentions = (
        MessageMention.objects.filter(room=OuterRef("pk"), user=user, message_id__gt=OuterRef("last_read"))
        .order_by()
        .values("room")
        .annotate(n=Count("pk"))
        .values("n")
    )
    muted = Subquery(RoomMember.objects.filter(room=OuterRef("pk"), user=user).values("muted")[:1])
    return rooms.annotate(last_read=last_read).annotate(
        unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        mentions=Coalesce(Subquery(mentions, output_field=IntegerField()), Value(0)),
        is_muted=Coalesce(muted, Value(False)),
    )


def room_rows_for(user: User) -> list[RoomRow]:
    """My rooms with unread and mention counts: rooms with unread mentions first, then unread, then by activity.

    Muted rooms go last. A fixed number of queries however many rooms and messages there are.
    """
    if not community_permissions.is_member(user):
        return []
    rooms = list(
        _with_reading_state(
            Room.objects.filter(permissions.chat_visible_room_q(user, with_moderated=False)).filter(
                Q(archived=False) | Q(kind=Room.Kind.DIRECT)
            ),
            user,
        )
    )
    titles = direct_titles(rooms, user)
    kinds = dict(Room.Kind.choices)
    prefix = reverse("chat:overview")
    rows = [
        RoomRow(
            room=room,
            title=titles.get(room.pk, room.name),
            url=f"{prefix}{room_key(room)}/",
            kind_label=str(kinds.get(room.kind, "")),
            unread=room.unread,
            mentions=room.mentions,
            muted=bool(room.is_muted),
            last_message_at=_display_date(room.last_message_at),
            last_message_iso=room.last_message_at.isoformat() if room.last_message_at else "",
        )
        for room in rooms
    ]
    epoch = 0.0

    def order(row: RoomRow) -> tuple:
        stamp = row.room.last_message_at.timestamp() if row.room.last_message_at else epoch
        return (row.muted, row.mentions == 0, row.unread == 0, -stamp, row.title.lower())

    return sorted(rows, key=order)


# -- messages -------------------------------------------------------------------------------------


@dataclass
class ViewerState:
    """What the viewer may do in a room, decided once per page; rows combine it with each message."""

    user_id: int | None = None
    can_write: bool = False
    can_moderate: bool = False
    can_pin: bool = False
    can_flag: bool = False
    reacted: set[tuple[int, str]] = field(default_factory=set)


@dataclass(frozen=True)
class ReactionRow:
    kind: str
    emoji: str
    count: int
    mine: bool


@dataclass(frozen=True)
class MessageRow:
    message: Message
    anchor: str
    author_name: str
    created_at: str
    created_iso: str
    edited: bool
    deleted: bool
    hidden: bool
    show_text: bool
    body_html: str
    reply_to_id: int | None
    reply_author: str
    reply_excerpt: str
    reactions: list[ReactionRow]
    pinned: bool
    urls: dict[str, str]
    can_edit: bool = False
    can_delete: bool = False
    can_react: bool = False
    can_flag: bool = False
    can_pin: bool = False
    can_hide: bool = False


def message_row(message: Message, *, viewer: ViewerState | None, base_url: str | None = None) -> MessageRow:
    """Everything the message template shows, precomputed; viewer None gives the neutral fragment of events."""
    state = viewer or ViewerState()
    base = base_url or room_url(message.room)
    deleted = message.is_deleted
    hidden = message.is_hidden
    own = state.user_id is not None and message.author_id == state.user_id
    show_text = not deleted and (not hidden or own or state.can_moderate)
    reply = message.reply_to if message.reply_to_id else None
    if reply is None:
        reply_author, reply_excerpt = "", ""
    else:
        reply_author = str(reply.author) if reply.author_id else _("Former member")
        if reply.is_deleted:
            reply_excerpt = _("Message deleted")
        elif reply.is_hidden:
            reply_excerpt = _("Message hidden by moderation")
        else:
            reply_excerpt = _plain(reply.body_html)
    visible = not deleted and not hidden
    writable = state.can_write and visible
    msg_base = f"{base}nachrichten/{message.pk}/"
    return MessageRow(
        message=message,
        anchor=f"m-{message.pk}",
        author_name=str(message.author) if message.author_id else _("Former member"),
        created_at=_display_date(message.created_at),
        created_iso=message.created_at.isoformat(),
        edited=message.edited_at is not None,
        deleted=deleted,
        hidden=hidden,
        show_text=show_text,
        body_html=message.body_html if show_text else "",
        reply_to_id=message.reply_to_id,
        reply_author=reply_author,
        reply_excerpt=reply_excerpt,
        reactions=[
            ReactionRow(kind=kind, emoji=emoji, count=count, mine=(message.pk, kind) in state.reacted)
            # The fixed order of the kinds: PostgreSQL's jsonb does not keep the stored key order.
            for kind, emoji in _EMOJI.items()
            if (count := (message.reaction_counts or {}).get(kind, 0)) and not deleted
        ],
        pinned=message.pinned_at is not None and visible,
        urls={
            "self": f"{base}?bei={message.pk}#m-{message.pk}",
            "fragment": msg_base,
            "reply": f"{base}?antwort={message.pk}#chat-form",
            "edit": f"{msg_base}bearbeiten/",
            "delete": f"{msg_base}loeschen/",
            "react": f"{msg_base}reaktion/",
            "pin": f"{msg_base}anheften/",
            "flag": f"{msg_base}melden/",
            "hide": f"{msg_base}ausblenden/",
        },
        can_edit=own and writable,
        can_delete=not deleted and ((own and state.user_id is not None) or state.can_moderate),
        can_react=writable,
        can_flag=state.can_flag and visible and not own,
        can_pin=state.can_pin and visible,
        can_hide=state.can_moderate and not deleted,
    )


def viewer_state(user: User, room: Room, *, member: RoomMember | None, silenced: bool) -> ViewerState:
    listed = member is not None if room.kind in (Room.Kind.PRIVATE, Room.Kind.DIRECT) else None
    role = member.role if member is not None else ""
    return ViewerState(
        user_id=user.pk,
        can_write=permissions.chat_can_write(user, room, silenced_in_room=silenced, listed=listed),
        can_moderate=permissions.chat_can_moderate_room(user, room),
        can_pin=permissions.chat_can_pin(user, room, room_role=role),
        can_flag=room.kind != Room.Kind.DIRECT and community_permissions.can_post(user),
    )


def _messages(room: Room) -> QuerySet[Message]:
    return Message.objects.filter(room=room).select_related("author", "reply_to__author")


def _mark_reacted(state: ViewerState, message_ids: list[int]) -> None:
    if state.user_id is None or not message_ids:
        return
    state.reacted = set(
        MessageReaction.objects.filter(message_id__in=message_ids, user_id=state.user_id).values_list(
            "message_id", "kind"
        )
    )


@dataclass
class MessagePage:
    rows: list[MessageRow]
    older_url: str
    newer_url: str
    last_id: int
    is_latest: bool


def message_page(
    room: Room, state: ViewerState, *, before: int | None = None, around: int | None = None
) -> MessagePage:
    """Up to PAGE_SIZE messages, oldest first: the newest, those before `before` (keyset, "ältere laden"),
    or the page ending with `around`'s neighbourhood. Deleted messages keep their place as a notice."""
    base = room_url(room)
    qs = _messages(room)
    if around is not None:
        # The page that shows `around`: it and the messages before it, plus a few after for context.
        newer_ids = list(
            Message.objects.filter(room=room, pk__gt=around).order_by("pk").values_list("pk", flat=True)[:10]
        )
        before = (newer_ids[-1] + 1) if len(newer_ids) == 10 else None
    if before is not None:
        qs = qs.filter(pk__lt=before)
    found = list(qs.order_by("-pk")[: PAGE_SIZE + 1])
    has_older = len(found) > PAGE_SIZE
    found = found[:PAGE_SIZE]
    found.reverse()
    for message in found:
        message.room = room
    _mark_reacted(state, [m.pk for m in found])
    rows = [message_row(m, viewer=state, base_url=base) for m in found]
    is_latest = before is None
    return MessagePage(
        rows=rows,
        older_url=f"{base}?vor={found[0].pk}" if has_older and found else "",
        newer_url="" if is_latest else f"{base}?nach={found[-1].pk}" if found else base,
        last_id=found[-1].pk if found else 0,
        is_latest=is_latest,
    )


def message_page_after(room: Room, state: ViewerState, *, after: int) -> MessagePage:
    """ "Neuere laden": the PAGE_SIZE messages after `after`; the newest page when those reach the end."""
    base = room_url(room)
    found = list(_messages(room).filter(pk__gt=after).order_by("pk")[: PAGE_SIZE + 1])
    if len(found) <= PAGE_SIZE:
        return message_page(room, state)
    found = found[:PAGE_SIZE]
    for message in found:
        message.room = room
    _mark_reacted(state, [m.pk for m in found])
    rows = [message_row(m, viewer=state, base_url=base) for m in found]
    return MessagePage(
        rows=rows,
        older_url=f"{base}?vor={found[0].pk}",
        newer_url=f"{base}?nach={found[-1].pk}",
        last_id=found[-1].pk,
        is_latest=False,
    )


def pinned_rows(room: Room, state: ViewerState) -> list[MessageRow]:
    base = room_url(room)
    found = list(
        _messages(room)
        .filter(pinned_at__isnull=False, deleted_at__isnull=True, hidden_at__isnull=True)
        .order_by("-pinned_at")[:10]
    )
    for message in found:
        message.room = room
    return [message_row(m, viewer=state, base_url=base) for m in found]


def silence_until(user: User, room: Room) -> datetime | None:
    return (
        RoomSilence.objects.filter(room=room, user=user, until__gt=timezone.now())
        .values_list("until", flat=True)
        .first()
    )


def visible_message(user: User, room: Room, message_id: int) -> Message | None:
    """A message of `room` (which the caller checked the user may read); None for another room's id."""
    message = _messages(room).filter(pk=message_id).first()
    if message is not None:
        message.room = room
    return message


# -- search ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRow:
    room_title: str
    url: str
    author_name: str
    created_at: str
    created_iso: str
    excerpt: str


def message_search(user: User, query: str) -> list[SearchRow]:
    """Messages containing the words of `query` in the rooms this user belongs to, newest first.

    A plain case-insensitive containment per word (ILIKE on PostgreSQL), hidden and deleted
    messages left out; permission-aware through the same filter as the overview.
    """
    words = [word for word in query.split() if len(word) >= 2][:5]
    if not words or not community_permissions.is_member(user):
        return []
    rooms = Room.objects.filter(permissions.chat_visible_room_q(user, with_moderated=False))
    qs = Message.objects.filter(room__in=rooms, deleted_at__isnull=True, hidden_at__isnull=True)
    for word in words:
        qs = qs.filter(body_markdown__icontains=word)
    found = list(qs.select_related("author", "room").order_by("-pk")[:SEARCH_LIMIT])
    titles = direct_titles([m.room for m in found], user)
    prefix = reverse("chat:overview")
    return [
        SearchRow(
            room_title=titles.get(m.room_id, m.room.name),
            url=f"{prefix}{room_key(m.room)}/?bei={m.pk}#m-{m.pk}",
            author_name=str(m.author) if m.author_id else _("Former member"),
            created_at=_display_date(m.created_at),
            created_iso=m.created_at.isoformat(),
            excerpt=_plain(m.body_html, 240),
        )
        for m in found
    ]
