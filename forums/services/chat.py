"""Every write to chat: rooms, direct conversations, messages, reactions, pins, read markers and moderation.

Each service checks forums.permissions, writes in one transaction, keeps the stored counters
with F() and publishes on the room's stream `chat:<room_id>` after commit. A new message's event
id is its database id; message_send locks the room row, so within a room ids are handed out in
commit order and a client replaying "since" an id misses nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _

from community import permissions as community_permissions
from community.handles import mentioned_handles
from community.markup import render_markdown
from community.models import Handlungsfeld, Team, User
from realtime.events import publish, request_recheck

from .. import permissions
from ..models import (
    CHAT_DIRECT_MAX_MEMBERS,
    CHAT_DIRECT_MIN_MEMBERS,
    CHAT_MESSAGE_MAX_LENGTH,
    Flag,
    Message,
    MessageFlag,
    MessageMention,
    MessageReaction,
    Reaction,
    Room,
    RoomMember,
    RoomSilence,
    Upload,
)

KIND_CHAT_MENTION = "chat.mention"
MAX_MENTIONS = 20
EXCERPT_CHARS = 200
# Room slugs the chat's own addresses use.
RESERVED_SLUGS = frozenset({"direkt", "suche", "neu", "nachrichten"})
_WHITESPACE = re.compile(r"\s+")


# -- settings -------------------------------------------------------------------------------------


def rate_limit() -> tuple[int, int]:
    """(messages, seconds) from CHAT_RATE_LIMIT ("5/10": at most 5 messages per member in 10 seconds)."""
    raw = str(getattr(settings, "CHAT_RATE_LIMIT", "5/10"))
    try:
        count, seconds = (int(part) for part in raw.split("/", 1))
    except ValueError:
        return 5, 10
    return max(count, 1), max(seconds, 1)


def flags_to_hide() -> int:
    return int(getattr(settings, "CHAT_FLAGS_TO_HIDE", getattr(settings, "FORUMS_FLAGS_TO_HIDE", 3)))


# -- helpers --------------------------------------------------------------------------------------


def stream_of(room: Room | int) -> str:
    return f"chat:{room if isinstance(room, int) else room.pk}"


def message_excerpt(message: Message, length: int = EXCERPT_CHARS) -> str:
    """Plain text of the stored HTML, shortened (notifications, quotes, search results)."""
    text = _WHITESPACE.sub(" ", html.unescape(strip_tags(message.body_html or ""))).strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _clean_body(body_markdown: str) -> str:
    if not body_markdown or not body_markdown.strip():
        raise ValidationError({"body_markdown": ValidationError(_("Please write a message."), code="body_empty")})
    if len(body_markdown) > CHAT_MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "body_markdown": ValidationError(
                    _("A message may have at most %(max)d characters; this one has %(count)d."),
                    code="body_too_long",
                    params={"max": CHAT_MESSAGE_MAX_LENGTH, "count": len(body_markdown)},
                )
            }
        )
    return body_markdown


def room_viewers(room: Room, users: Iterable[User]) -> list[User]:
    """The active ones among `users` who may read `room`, in a fixed number of queries for all of them."""
    from .notify import _prime_permission_caches

    candidates = [user for user in users if user.is_active]
    if not candidates:
        return []
    _prime_permission_caches(candidates)
    listed: set[int] = set()
    if room.kind in (Room.Kind.PRIVATE, Room.Kind.DIRECT):
        listed = set(RoomMember.objects.filter(room=room, user__in=candidates).values_list("user_id", flat=True))
    return [user for user in candidates if permissions.chat_can_view_room(user, room, listed=user.pk in listed)]


def _mentioned_viewers(room: Room, body_markdown: str, author: User | None) -> dict[str, User]:
    handles = mentioned_handles(body_markdown)[:MAX_MENTIONS]
    if not handles:
        return {}
    users = list(User.objects.filter(handle__in=handles, is_active=True).order_by())
    by_handle = {user.handle.lower(): user for user in room_viewers(room, users)}
    return {handle: by_handle[handle] for handle in handles if handle in by_handle}


def render_message(*, body_markdown: str, mentions: dict[str, User]) -> str:
    """The stored HTML of a message: the posts' Markdown subset and sanitiser, mentions of readers linked.

    Only images uploaded here are embedded; any other image becomes a link (a remote image would tell
    its host who reads the room).
    """
    from .composing import POST_CLASSES, _PostTransform, upload_keys_in

    keys = upload_keys_in(body_markdown)
    image_keys = (
        set(Upload.objects.filter(key__in=keys, kind=Upload.Kind.IMAGE).values_list("key", flat=True))
        if keys
        else set()
    )
    transform = _PostTransform(mentions=mentions, image_keys=image_keys)
    return render_markdown(
        body_markdown, transform=transform, image_allowed=transform.image_allowed, classes=POST_CLASSES
    )


def _attach_uploads(message: Message) -> None:
    """Tie the author's still unattached uploads the message references to it: the room may then fetch them."""
    from .composing import upload_keys_in

    keys = upload_keys_in(message.body_markdown)
    if keys and message.author_id is not None:
        Upload.objects.filter(
            key__in=keys, uploader_id=message.author_id, post__isnull=True, message__isnull=True
        ).update(message=message)


def message_payload(message: Message) -> dict[str, Any]:
    """The event payload of a message: ids and a viewer-neutral HTML fragment (no per-viewer actions).

    Everyone subscribed may read the room, so the fragment holds nothing secret; a hidden or
    deleted message is never sent with its text.
    """
    from ..selectors.chat import message_row

    row = message_row(message, viewer=None)
    return {
        "room_id": message.room_id,
        "message_id": message.pk,
        "author_id": message.author_id,
        "reply_to_id": message.reply_to_id,
        "created_at": message.created_at.isoformat(),
        "html": render_to_string("forums/chat/_message.html", {"row": row, "live": True}),
    }


def _publish(message: Message, kind: str, **extra: Any) -> None:
    payload = {"room_id": message.room_id, "message_id": message.pk, **extra}
    publish(stream=stream_of(message.room_id), kind=kind, payload=payload)


# -- rooms ----------------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "raum"
    if base.isdigit() or base in RESERVED_SLUGS:
        base = f"raum-{base}"
    slug, n = base, 1
    while Room.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def room_ensure_for_handlungsfeld(*, handlungsfeld: Handlungsfeld) -> Room:
    """The Handlungsfeld's room, created when missing (seed, migration and a new Handlungsfeld call this)."""
    room = Room.objects.filter(kind=Room.Kind.HANDLUNGSFELD, handlungsfeld=handlungsfeld).first()
    if room is None:
        slug = handlungsfeld.slug if not Room.objects.filter(slug=handlungsfeld.slug).exists() else ""
        room = Room.objects.create(
            kind=Room.Kind.HANDLUNGSFELD,
            handlungsfeld=handlungsfeld,
            name=handlungsfeld.name[:80],
            description=handlungsfeld.short_description[:300],
            slug=slug or _unique_slug(handlungsfeld.name),
        )
    return room


def room_ensure_for_team(*, team: Team) -> Room:
    """The team's private room, created when missing."""
    room = Room.objects.filter(kind=Room.Kind.TEAM, team=team).first()
    if room is None:
        slug = f"team-{team.slug}"[:80]
        room = Room.objects.create(
            kind=Room.Kind.TEAM,
            team=team,
            name=team.name[:80],
            slug=slug if not Room.objects.filter(slug=slug).exists() else _unique_slug(f"team {team.name}"),
        )
    return room


@transaction.atomic
def room_create(
    *,
    actor: User,
    name: str,
    kind: str = Room.Kind.PUBLIC,
    description: str = "",
    slow_mode_seconds: int = 0,
    members: Iterable[User] = (),
) -> Room:
    """A room set up by a moderator: open to all members, or invite-only for the listed members."""
    if not permissions.chat_can_create_room(actor):
        raise PermissionDenied(_("Only moderators may set up chat rooms."))
    if kind not in (Room.Kind.PUBLIC, Room.Kind.PRIVATE):
        raise ValidationError({"kind": ValidationError(_("Choose an open or an invite-only room."), code="kind")})
    name = " ".join(name.split())
    if len(name) < 3 or len(name) > 80:
        raise ValidationError({"name": ValidationError(_("A room name has 3 to 80 characters."), code="name_length")})
    if slow_mode_seconds < 0 or slow_mode_seconds > 3600:
        raise ValidationError(
            {"slow_mode_seconds": ValidationError(_("Slow mode is 0 to 3600 seconds."), code="slow_mode")}
        )
    room = Room.objects.create(
        kind=kind,
        name=name,
        slug=_unique_slug(name),
        description=description.strip()[:300],
        slow_mode_seconds=slow_mode_seconds,
        created_by=actor,
    )
    RoomMember.objects.create(room=room, user=actor, role=RoomMember.Role.ADMIN)
    if kind == Room.Kind.PRIVATE:
        RoomMember.objects.bulk_create(
            [RoomMember(room=room, user=user) for user in {u.pk: u for u in members if u.pk != actor.pk}.values()]
        )
    return room


@transaction.atomic
def room_update(*, actor: User, room: Room, slow_mode_seconds: int | None = None, archived: bool | None = None) -> Room:
    """Moderation settings of a room: slow mode and archiving."""
    if not permissions.chat_can_moderate_room(actor, room):
        raise PermissionDenied(_("You may not change this room."))
    fields: dict[str, Any] = {}
    if slow_mode_seconds is not None:
        if slow_mode_seconds < 0 or slow_mode_seconds > 3600:
            raise ValidationError(
                {"slow_mode_seconds": ValidationError(_("Slow mode is 0 to 3600 seconds."), code="slow_mode")}
            )
        fields["slow_mode_seconds"] = slow_mode_seconds
    if archived is not None:
        fields["archived"] = archived
    if fields:
        Room.objects.filter(pk=room.pk).update(**fields)
        for key, value in fields.items():
            setattr(room, key, value)
        publish(stream=stream_of(room), kind="room.changed", payload={"room_id": room.pk, **fields})
    return room


@transaction.atomic
def room_member_add(*, actor: User, room: Room, user: User) -> RoomMember:
    """Invite a member into an invite-only room (its admins and moderators)."""
    role = RoomMember.objects.filter(room=room, user=actor).values_list("role", flat=True).first() or ""
    if not permissions.chat_can_manage_members(actor, room, room_role=role):
        raise PermissionDenied(_("You may not add members to this room."))
    if not community_permissions.is_member(user):
        raise ValidationError(_("Only members with a confirmed e-mail address can join a room."), code="not_member")
    member, _created = RoomMember.objects.get_or_create(room=room, user=user)
    return member


@transaction.atomic
def room_member_remove(*, actor: User, room: Room, user: User) -> None:
    """Take a member off an invite-only room; their open subscriptions end within seconds."""
    role = RoomMember.objects.filter(room=room, user=actor).values_list("role", flat=True).first() or ""
    if user.pk != actor.pk and not permissions.chat_can_manage_members(actor, room, room_role=role):
        raise PermissionDenied(_("You may not remove members from this room."))
    if room.kind not in (Room.Kind.PRIVATE, Room.Kind.DIRECT):
        raise ValidationError(_("Members leave only invite-only rooms and direct conversations."), code="kind")
    RoomMember.objects.filter(room=room, user=user).delete()
    request_recheck(user.pk)


def _direct_key(user_ids: Iterable[int]) -> str:
    return "-".join(str(pk) for pk in sorted(set(user_ids)))


@transaction.atomic
def direct_conversation_open(*, actor: User, members: Iterable[User]) -> Room:
    """The direct conversation of the actor with 1 to 9 others: the existing one of that group, or a new one."""
    if not permissions.chat_can_start_direct(actor):
        raise PermissionDenied(_("You may not start conversations."))
    others = {user.pk: user for user in members if user.pk != actor.pk}
    total = len(others) + 1
    if total < CHAT_DIRECT_MIN_MEMBERS or total > CHAT_DIRECT_MAX_MEMBERS:
        raise ValidationError(
            {
                "handles": ValidationError(
                    _("Choose 1 to %(max)d other members."),
                    code="member_count",
                    params={"max": CHAT_DIRECT_MAX_MEMBERS - 1},
                )
            }
        )
    inactive = [str(user) for user in others.values() if not community_permissions.is_member(user)]
    if inactive:
        raise ValidationError(
            {
                "handles": ValidationError(
                    _("These people cannot take part in conversations: %(names)s."),
                    code="not_member",
                    params={"names": ", ".join(inactive)},
                )
            }
        )
    key = _direct_key([actor.pk, *others])
    existing = Room.objects.filter(kind=Room.Kind.DIRECT, direct_key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            room = Room.objects.create(kind=Room.Kind.DIRECT, direct_key=key, created_by=actor)
    except IntegrityError:  # the same group opened it at the same moment
        return Room.objects.get(kind=Room.Kind.DIRECT, direct_key=key)
    RoomMember.objects.bulk_create([RoomMember(room=room, user_id=pk) for pk in [actor.pk, *others]])
    return room


def room_member_for(*, user: User, room: Room) -> RoomMember:
    """The member's row in a room (read marker, mute), created on the first visit.

    In invite-only rooms and direct conversations the rows are the member list itself, so a
    moderator looking in gets an unsaved row: looking must not make them a member.
    """
    if room.kind in (Room.Kind.PRIVATE, Room.Kind.DIRECT):
        member = RoomMember.objects.filter(room=room, user=user).first()
        return member if member is not None else RoomMember(room=room, user=user)
    member, _created = RoomMember.objects.get_or_create(room=room, user=user)
    return member


def room_mark_read(*, user: User, room: Room, up_to: int) -> None:
    """Move the read marker forward to message `up_to` (never back, never past the room's last message)."""
    up_to = min(int(up_to), room.last_message_id)
    if up_to <= 0:
        return
    changed = RoomMember.objects.filter(room=room, user=user, last_read_message_id__lt=up_to).update(
        last_read_message_id=up_to
    )
    if changed:
        publish(
            stream=f"user:{user.pk}",
            kind="chat.read",
            payload={"room_id": room.pk, "last_read_message_id": up_to},
        )


@transaction.atomic
def room_mute(*, user: User, room: Room, muted: bool) -> RoomMember:
    """Mute a room: no mention notifications from it, shown last and quietly on the overview."""
    if not permissions.chat_can_view_room(user, room):
        raise PermissionDenied(_("You may not open this room."))
    member = room_member_for(user=user, room=room)
    if member.muted != muted:
        RoomMember.objects.filter(pk=member.pk).update(muted=muted)
        member.muted = muted
    return member


# -- messages -------------------------------------------------------------------------------------


def _send_state(*, author: User, room: Room, now: datetime) -> dict[str, Any]:
    """The room row, locked, with the author's silence, recent message count and last message time: one query."""
    count, seconds = rate_limit()
    recent = (
        Message.objects.filter(author=author, created_at__gte=now - timedelta(seconds=seconds))
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    annotations: dict[str, Any] = {
        "silenced_until": Subquery(
            RoomSilence.objects.filter(room=OuterRef("pk"), user=author, until__gt=now).values("until")[:1]
        ),
        "recent_count": Subquery(recent),
    }
    if room.slow_mode_seconds:
        annotations["last_own_at"] = Subquery(
            Message.objects.filter(room=OuterRef("pk"), author=author).order_by("-pk").values("created_at")[:1]
        )
    if room.kind in (Room.Kind.PRIVATE, Room.Kind.DIRECT):
        annotations["listed"] = Subquery(RoomMember.objects.filter(room=OuterRef("pk"), user=author).values("pk")[:1])
    return (
        Room.objects.select_for_update()
        .filter(pk=room.pk)
        .annotate(**annotations)
        .values("archived", "slow_mode_seconds", "last_message_id", *annotations)
        .get()
    )


def _too_fast(text: str, code: str, **params: Any) -> ValidationError:
    return ValidationError({"body_markdown": ValidationError(text, code=code, params=params or None)})


@transaction.atomic
def message_send(
    *,
    author: User,
    room: Room,
    body_markdown: str,
    reply_to: Message | None = None,
    created_at: datetime | None = None,
) -> Message:
    """Post a message: permission, silence, slow mode and rate limit checked, mentions notified, event after commit.

    Refusals are ValidationErrors on `body_markdown` (the form keeps the typed text) or PermissionDenied.
    `created_at` dates an imported or demo message (no rate limit or slow mode applies then).
    """
    body_markdown = _clean_body(body_markdown)
    now = created_at or timezone.now()
    state = _send_state(author=author, room=room, now=now)
    room.archived = state["archived"]
    room.slow_mode_seconds = state["slow_mode_seconds"]
    silenced_until = state["silenced_until"]
    listed = bool(state["listed"]) if "listed" in state else None
    if not permissions.chat_can_write(author, room, silenced_in_room=silenced_until is not None, listed=listed):
        if silenced_until is not None and permissions.chat_can_view_room(author, room, listed=listed):
            raise PermissionDenied(
                _("You are silenced in this room until %(until)s.")
                % {"until": timezone.localtime(silenced_until).strftime("%d.%m.%Y %H:%M")}
            )
        if room.archived:
            raise PermissionDenied(_("This room is archived; it takes no more messages."))
        raise PermissionDenied(_("You may not write in this room."))
    limit, seconds = rate_limit()
    if created_at is None and (state["recent_count"] or 0) >= limit:
        raise _too_fast(
            _("You are sending messages very fast. Please wait a few seconds and send again."), "rate_limited"
        )
    if (
        created_at is None
        and room.slow_mode_seconds
        and state.get("last_own_at")
        and not permissions.chat_can_moderate_room(author, room)
    ):
        wait = room.slow_mode_seconds - int((now - state["last_own_at"]).total_seconds())
        if wait > 0:
            raise _too_fast(
                _("Slow mode is on in this room: you can write again in %(seconds)d seconds."),
                "slow_mode",
                seconds=wait,
            )
    if reply_to is not None:
        if reply_to.room_id != room.pk:
            raise ValidationError(
                {"reply_to": ValidationError(_("You can only reply to a message of the same room."), code="other_room")}
            )
        if reply_to.is_deleted:
            raise ValidationError(
                {"reply_to": ValidationError(_("The message you are replying to was deleted."), code="deleted")}
            )
    mentions = _mentioned_viewers(room, body_markdown, author)
    message = Message.objects.create(
        room=room,
        author=author,
        body_markdown=body_markdown,
        body_html=render_message(body_markdown=body_markdown, mentions=mentions),
        reply_to=reply_to,
        created_at=now,
    )
    Room.objects.filter(pk=room.pk).update(
        last_message_id=Greatest(F("last_message_id"), Value(message.pk)),
        last_message_at=now,
        message_count=F("message_count") + 1,
    )
    room.last_message_id = max(state["last_message_id"], message.pk)
    room.last_message_at = now
    _attach_uploads(message)
    _notify_mentions(message=message, room=room, users=[u for u in mentions.values() if u.pk != author.pk])
    publish(stream=stream_of(room), kind="message.created", payload=message_payload(message), event_id=message.pk)
    return message


def room_title_for(room: Room, viewer: User | None) -> str:
    """A room's name; for a direct conversation the other members' names."""
    if room.kind != Room.Kind.DIRECT:
        return room.name
    names = [
        str(member.user)
        for member in RoomMember.objects.filter(room=room).select_related("user").order_by("user__display_name")
        if viewer is None or member.user_id != viewer.pk
    ]
    return ", ".join(names) or _("Direct conversation")


def _notify_mentions(*, message: Message, room: Room, users: list[User]) -> None:
    """Mentioned readers get a MessageMention row (overview) and, unless they muted the room, a notification."""
    if not users:
        return
    from notifications import services as notification_services

    from ..selectors.chat import message_url

    MessageMention.objects.bulk_create(
        [MessageMention(message=message, room=room, user=user) for user in users], ignore_conflicts=True
    )
    muted = set(RoomMember.objects.filter(room=room, user__in=users, muted=True).values_list("user_id", flat=True))
    recipients = [user for user in users if user.pk not in muted]
    if not recipients:
        return
    if room.kind == Room.Kind.DIRECT:
        title = _("%(name)s mentioned you in a direct conversation") % {"name": message.author}
    else:
        title = _("%(name)s mentioned you in %(room)s") % {"name": message.author, "room": room.name}
    notification_services.notification_bulk_create(
        recipients=recipients,
        kind=KIND_CHAT_MENTION,
        data={
            "title": title,
            "url": message_url(room, message.pk),
            "excerpt": message_excerpt(message),
            "room_id": room.pk,
            "message_id": message.pk,
        },
        actor=message.author,
        target=message,
    )


def _lock_message(message: Message) -> Message:
    locked = Message.objects.select_for_update().select_related("room").get(pk=message.pk)
    return locked


@transaction.atomic
def message_edit(*, editor: User, message: Message, body_markdown: str) -> Message:
    """Change one's own message; it shows "bearbeitet". Newly mentioned readers are notified."""
    locked = _lock_message(message)
    if not permissions.chat_can_edit_message(editor, locked):
        raise PermissionDenied(_("You may not edit this message."))
    body_markdown = _clean_body(body_markdown)
    if body_markdown == locked.body_markdown:
        return locked
    before = set(mentioned_handles(locked.body_markdown))
    mentions = _mentioned_viewers(locked.room, body_markdown, editor)
    now = timezone.now()
    Message.objects.filter(pk=locked.pk).update(
        body_markdown=body_markdown,
        body_html=render_message(body_markdown=body_markdown, mentions=mentions),
        edited_at=now,
    )
    locked.refresh_from_db(fields=["body_markdown", "body_html", "edited_at"])
    _attach_uploads(locked)
    new = [user for handle, user in mentions.items() if handle not in before and user.pk != editor.pk]
    _notify_mentions(message=locked, room=locked.room, users=new)
    _publish(locked, "message.edited", html=message_payload(locked)["html"])
    return locked


@transaction.atomic
def message_delete(*, actor: User, message: Message) -> Message:
    """Soft-delete: authors their own messages, moderators any (but not in direct conversations)."""
    locked = _lock_message(message)
    if not permissions.chat_can_delete_message(actor, locked):
        raise PermissionDenied(_("You may not delete this message."))
    now = timezone.now()
    Message.objects.filter(pk=locked.pk).update(deleted_at=now, deleted_by=actor, pinned_at=None, pinned_by=None)
    Room.objects.filter(pk=locked.room_id, message_count__gt=0).update(message_count=F("message_count") - 1)
    locked.deleted_at, locked.deleted_by, locked.pinned_at = now, actor, None
    _publish(locked, "message.deleted")
    return locked


@transaction.atomic
def message_reaction_toggle(*, user: User, message: Message, kind: str) -> bool:
    """Add the reaction, or take it back when the member had given it; True when it is now set."""
    if kind not in Reaction.Kind.values:
        raise ValidationError(_("Unknown reaction."), code="kind")
    locked = _lock_message(message)
    if not permissions.chat_can_react(user, locked):
        raise PermissionDenied(_("You may not react to this message."))
    deleted, _rows = MessageReaction.objects.filter(message=locked, user=user, kind=kind).delete()
    if not deleted:
        MessageReaction.objects.create(message=locked, user=user, kind=kind)
    counts = dict(locked.reaction_counts or {})
    counts[kind] = max(counts.get(kind, 0) + (-1 if deleted else 1), 0)
    counts = {key: value for key, value in counts.items() if value}
    Message.objects.filter(pk=locked.pk).update(reaction_counts=counts)
    message.reaction_counts = counts
    _publish(locked, "message.reactions", reaction_counts=counts)
    return not deleted


@transaction.atomic
def message_pin(*, actor: User, message: Message, pinned: bool = True) -> Message:
    """Pin a message to the top of its room, or unpin it: moderators and room admins."""
    locked = _lock_message(message)
    role = RoomMember.objects.filter(room_id=locked.room_id, user=actor).values_list("role", flat=True).first() or ""
    if not permissions.chat_can_pin(actor, locked.room, room_role=role):
        raise PermissionDenied(_("You may not pin messages in this room."))
    if pinned and (locked.is_deleted or locked.is_hidden):
        raise ValidationError(_("A deleted or hidden message cannot be pinned."), code="not_visible")
    if pinned:
        Message.objects.filter(pk=locked.pk).update(pinned_at=timezone.now(), pinned_by=actor)
    else:
        Message.objects.filter(pk=locked.pk).update(pinned_at=None, pinned_by=None)
    locked.refresh_from_db(fields=["pinned_at", "pinned_by"])
    _publish(locked, "message.pinned" if pinned else "message.unpinned")
    return locked


def message_unpin(*, actor: User, message: Message) -> Message:
    return message_pin(actor=actor, message=message, pinned=False)


# -- moderation -----------------------------------------------------------------------------------


@transaction.atomic
def message_flag(*, reporter: User, message: Message, reason: str, note: str = "") -> MessageFlag:
    """Report a message; at CHAT_FLAGS_TO_HIDE open flags it is hidden until moderation looks at it."""
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": ValidationError(_("Choose a reason."), code="reason")})
    locked = _lock_message(message)
    if not permissions.chat_can_flag(reporter, locked):
        raise PermissionDenied(_("You may not report this message."))
    flag = MessageFlag.objects.filter(message=locked, reporter=reporter, resolved_at__isnull=True).first()
    if flag is not None:
        return flag
    flag = MessageFlag.objects.create(message=locked, reporter=reporter, reason=reason, note=note.strip()[:500])
    Message.objects.filter(pk=locked.pk).update(flag_count=F("flag_count") + 1)
    locked.refresh_from_db(fields=["flag_count"])
    if locked.flag_count >= flags_to_hide() and not locked.is_hidden:
        _hide(locked)
    return flag


def _hide(message: Message) -> None:
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(hidden_at=now, pinned_at=None, pinned_by=None)
    message.hidden_at = now
    _publish(message, "message.hidden")


@transaction.atomic
def message_hide(*, moderator: User, message: Message, hidden: bool = True) -> Message:
    """A moderator hides a message (or shows it again); showing it resolves its open flags."""
    locked = _lock_message(message)
    if not permissions.chat_can_moderate_room(moderator, locked.room):
        raise PermissionDenied(_("You may not moderate this room."))
    if hidden and not locked.is_hidden:
        _hide(locked)
    elif not hidden and locked.is_hidden:
        now = timezone.now()
        MessageFlag.objects.filter(message=locked, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=moderator
        )
        Message.objects.filter(pk=locked.pk).update(hidden_at=None, flag_count=0)
        locked.hidden_at = None
        _publish(locked, "message.edited", html=message_payload(locked)["html"])
    return locked


@transaction.atomic
def member_silence_in_room(
    *, moderator: User, room: Room, user: User, until: datetime, reason: str = ""
) -> RoomSilence | None:
    """Silence a member in one room until `until` (a moment in the past lifts the silence)."""
    if not permissions.chat_can_moderate_room(moderator, room):
        raise PermissionDenied(_("You may not moderate this room."))
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot silence yourself."), code="self")
    if until <= timezone.now():
        RoomSilence.objects.filter(room=room, user=user).delete()
        return None
    silence, _created = RoomSilence.objects.update_or_create(
        room=room, user=user, defaults={"until": until, "reason": reason.strip()[:500], "created_by": moderator}
    )
    return silence
