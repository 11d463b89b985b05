"""Chat services: sending, editing, deleting, reactions, pins, read markers, mute, moderation, direct conversations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from community.roles import Role
from forums.models import Message, MessageMention, Room, RoomMember
from forums.selectors import chat as selectors
from forums.services import chat as services
from notifications.models import Notification
from tests.factories import HandlungsfeldFactory, MemberFactory, TeamFactory, TeamMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def field_room():
    return Room.objects.get(kind=Room.Kind.HANDLUNGSFELD, handlungsfeld=HandlungsfeldFactory())


@pytest.fixture
def team_room():
    return Room.objects.get(kind=Room.Kind.TEAM, team=TeamFactory())


def send(room, author=None, text="Hallo zusammen!", **kwargs) -> Message:
    return services.message_send(author=author or MemberFactory(), room=room, body_markdown=text, **kwargs)


def test_every_handlungsfeld_and_team_gets_its_room():
    field = HandlungsfeldFactory()
    team = TeamFactory()
    assert Room.objects.filter(kind=Room.Kind.HANDLUNGSFELD, handlungsfeld=field, slug=field.slug).exists()
    assert Room.objects.filter(kind=Room.Kind.TEAM, team=team, slug=f"team-{team.slug}").exists()


def test_a_message_is_stored_rendered_and_counted(field_room):
    message = send(field_room, text="**fett** und _kursiv_")
    field_room.refresh_from_db()
    assert "<strong>fett</strong>" in message.body_html
    assert field_room.last_message_id == message.pk
    assert field_room.message_count == 1


def test_a_message_is_published_after_commit_with_its_id(field_room, django_capture_on_commit_callbacks):
    from realtime.events import event_published

    seen = []

    def receiver(sender, event, **kwargs):
        seen.append(event)

    event_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = send(field_room)
    finally:
        event_published.disconnect(receiver)
    created = [e for e in seen if e["kind"] == "message.created"]
    assert created[0]["stream"] == f"chat:{field_room.pk}"
    assert created[0]["id"] == message.pk
    assert "Hallo zusammen!" in created[0]["payload"]["html"]


def test_an_empty_or_too_long_message_is_refused(field_room):
    with pytest.raises(ValidationError) as empty:
        send(field_room, text="   ")
    assert empty.value.error_dict["body_markdown"][0].code == "body_empty"
    with pytest.raises(ValidationError) as long:
        send(field_room, text="x" * 4001)
    assert long.value.error_dict["body_markdown"][0].code == "body_too_long"
    assert send(field_room, text="x" * 4000).pk


def test_the_rate_limit_refuses_the_sixth_message_in_ten_seconds(field_room, settings):
    settings.CHAT_RATE_LIMIT = "5/10"
    author = MemberFactory()
    for n in range(5):
        send(field_room, author, f"Nachricht {n}")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        send(field_room, author, "zu schnell")
    error = refused.value.error_dict["body_markdown"][0]
    assert error.code == "rate_limited"
    assert "very fast" in str(error.message)
    # Messages dated in the past (older than the window) do not count.
    Message.objects.filter(author=author).update(created_at=timezone.now() - timedelta(seconds=11))
    assert send(field_room, author, "jetzt wieder").pk


def test_slow_mode_makes_members_wait_but_not_moderators(field_room):
    field_room.slow_mode_seconds = 60
    field_room.save()
    author = MemberFactory()
    send(field_room, author, "erste")
    with pytest.raises(ValidationError) as refused:
        send(field_room, author, "zweite")
    assert refused.value.error_dict["body_markdown"][0].code == "slow_mode"
    assert refused.value.error_dict["body_markdown"][0].params["seconds"] > 0
    moderator = MemberFactory(roles=[Role.MODERATOR])
    send(field_room, moderator, "eins")
    assert send(field_room, moderator, "zwei").pk


def test_silenced_members_cannot_write_anywhere_and_a_room_silence_only_there(field_room):
    member = MemberFactory(silenced_until=timezone.now() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        send(field_room, member)
    moderator = MemberFactory(roles=[Role.MODERATOR])
    other = MemberFactory()
    services.member_silence_in_room(
        moderator=moderator, room=field_room, user=other, until=timezone.now() + timedelta(hours=2)
    )
    with pytest.raises(PermissionDenied):
        send(field_room, other)
    another_room = Room.objects.get(handlungsfeld=HandlungsfeldFactory())
    assert send(another_room, other).pk
    services.member_silence_in_room(moderator=moderator, room=field_room, user=other, until=timezone.now())
    assert send(field_room, other).pk


def test_only_moderators_silence_members(field_room):
    with pytest.raises(PermissionDenied):
        services.member_silence_in_room(
            moderator=MemberFactory(), room=field_room, user=MemberFactory(), until=timezone.now() + timedelta(hours=1)
        )


def test_a_reply_must_quote_a_message_of_the_same_room(field_room):
    other_room = Room.objects.get(handlungsfeld=HandlungsfeldFactory())
    foreign = send(other_room)
    with pytest.raises(ValidationError):
        send(field_room, reply_to=foreign)
    own = send(field_room)
    assert send(field_room, reply_to=own).reply_to_id == own.pk


def test_authors_edit_their_messages_which_then_show_edited(field_room):
    author = MemberFactory()
    message = send(field_room, author, "Tippfeler")
    edited = services.message_edit(editor=author, message=message, body_markdown="Tippfehler")
    assert edited.edited_at is not None and "Tippfehler" in edited.body_html
    with pytest.raises(PermissionDenied):
        services.message_edit(editor=MemberFactory(), message=message, body_markdown="fremd")
    with pytest.raises(PermissionDenied):
        services.message_edit(editor=MemberFactory(roles=[Role.MODERATOR]), message=message, body_markdown="Moderation")


def test_deleting_is_soft_and_for_authors_and_moderators(field_room):
    author = MemberFactory()
    first = send(field_room, author)
    with pytest.raises(PermissionDenied):
        services.message_delete(actor=MemberFactory(), message=first)
    services.message_delete(actor=author, message=first)
    first.refresh_from_db()
    assert first.deleted_at is not None and Message.objects.filter(pk=first.pk).exists()
    second = send(field_room, author)
    services.message_delete(actor=MemberFactory(roles=[Role.MODERATOR]), message=second)
    field_room.refresh_from_db()
    assert field_room.message_count == 0


def test_a_reaction_toggles_and_is_counted(field_room):
    message = send(field_room)
    reader = MemberFactory()
    assert services.message_reaction_toggle(user=reader, message=message, kind="heart") is True
    assert services.message_reaction_toggle(user=MemberFactory(), message=message, kind="heart") is True
    message.refresh_from_db()
    assert message.reaction_counts == {"heart": 2}
    assert services.message_reaction_toggle(user=reader, message=message, kind="heart") is False
    message.refresh_from_db()
    assert message.reaction_counts == {"heart": 1}
    with pytest.raises(ValidationError):
        services.message_reaction_toggle(user=reader, message=message, kind="<script>")


def test_moderators_and_room_admins_pin_messages_members_do_not(field_room):
    message = send(field_room)
    with pytest.raises(PermissionDenied):
        services.message_pin(actor=MemberFactory(), message=message)
    services.message_pin(actor=MemberFactory(roles=[Role.MODERATOR]), message=message)
    message.refresh_from_db()
    assert message.pinned_at is not None
    moderator = MemberFactory(roles=[Role.MODERATOR])
    room = services.room_create(actor=moderator, name="Konferenz-Orga", kind=Room.Kind.PRIVATE, members=[])
    admin = MemberFactory()
    RoomMember.objects.create(room=room, user=admin, role=RoomMember.Role.ADMIN)
    own = send(room, admin)
    services.message_unpin(actor=admin, message=services.message_pin(actor=admin, message=own))
    own.refresh_from_db()
    assert own.pinned_at is None


def test_the_read_marker_only_moves_forward_and_drives_unread_counts(field_room):
    reader = MemberFactory()
    first, second, third = send(field_room), send(field_room), send(field_room)
    field_room.refresh_from_db()
    services.room_member_for(user=reader, room=field_room)
    rows = {row.room.pk: row for row in selectors.room_rows_for(reader)}
    assert rows[field_room.pk].unread == 3
    services.room_mark_read(user=reader, room=field_room, up_to=second.pk)
    services.room_mark_read(user=reader, room=field_room, up_to=first.pk)
    assert RoomMember.objects.get(room=field_room, user=reader).last_read_message_id == second.pk
    rows = {row.room.pk: row for row in selectors.room_rows_for(reader)}
    assert rows[field_room.pk].unread == 1
    services.room_mark_read(user=reader, room=field_room, up_to=third.pk + 1000)
    assert RoomMember.objects.get(room=field_room, user=reader).last_read_message_id == third.pk


def test_mentions_notify_readers_unless_muted_and_never_outsiders(team_room):
    insider = TeamMembershipFactory(team=team_room.team).user
    muted = TeamMembershipFactory(team=team_room.team).user
    outsider = MemberFactory()
    services.room_mute(user=muted, room=team_room, muted=True)
    author = TeamMembershipFactory(team=team_room.team).user
    message = send(team_room, author, f"@{insider.handle} @{muted.handle} @{outsider.handle} schaut mal")
    assert Notification.objects.filter(recipient=insider, kind="chat.mention").count() == 1
    assert not Notification.objects.filter(recipient=muted).exists()
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert set(MessageMention.objects.filter(message=message).values_list("user_id", flat=True)) == {
        insider.pk,
        muted.pk,
    }
    assert f">@{insider.handle}</a>" in message.body_html
    assert f">@{outsider.handle}</a>" not in message.body_html


def test_flags_hide_a_message_at_the_threshold(field_room, settings):
    settings.CHAT_FLAGS_TO_HIDE = 2
    message = send(field_room)
    services.message_flag(reporter=MemberFactory(), message=message, reason="spam")
    message.refresh_from_db()
    assert message.hidden_at is None
    services.message_flag(reporter=MemberFactory(), message=message, reason="spam")
    message.refresh_from_db()
    assert message.hidden_at is not None
    services.message_hide(moderator=MemberFactory(roles=[Role.MODERATOR]), message=message, hidden=False)
    message.refresh_from_db()
    assert message.hidden_at is None and message.flag_count == 0


def test_direct_conversations_have_2_to_10_members_and_are_reused():
    starter = MemberFactory()
    others = [MemberFactory() for _ in range(10)]
    with pytest.raises(ValidationError):
        services.direct_conversation_open(actor=starter, members=[])
    with pytest.raises(ValidationError):
        services.direct_conversation_open(actor=starter, members=others)  # 11 with the starter
    room = services.direct_conversation_open(actor=starter, members=others[:9])
    assert room.members.count() == 10
    pair = services.direct_conversation_open(actor=starter, members=[others[0]])
    assert services.direct_conversation_open(actor=others[0], members=[starter]) == pair
    assert pair != room
    with pytest.raises(ValidationError):
        services.direct_conversation_open(actor=starter, members=[UserFactory()])


def test_only_moderators_create_rooms():
    with pytest.raises(PermissionDenied):
        services.room_create(actor=MemberFactory(), name="Mein Raum")
    room = services.room_create(actor=MemberFactory(roles=[Role.MODERATOR]), name="Konferenz 2027")
    assert room.slug == "konferenz-2027" and room.kind == Room.Kind.PUBLIC


def test_sending_a_message_needs_at_most_6_queries(field_room, django_assert_max_num_queries):
    author = MemberFactory()
    send(field_room, author, "warm")
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=author.pk)
    Message.objects.filter(author=author).update(created_at=timezone.now() - timedelta(minutes=1))
    with django_assert_max_num_queries(6):
        send(field_room, fresh, "Noch eine Nachricht")


def test_the_demo_fills_rooms_with_german_conversations_once():
    import io

    from community.demo import steps

    for step in steps():
        if step.name in {"taxonomy", "teams", "accounts", "chat"}:
            step.seed(io.StringIO())
    count = Message.objects.count()
    assert count >= 30
    assert Room.objects.filter(kind=Room.Kind.TEAM, messages__isnull=False).distinct().count() >= 4
    for step in steps():
        if step.name == "chat":
            step.seed(io.StringIO())
    assert Message.objects.count() == count
