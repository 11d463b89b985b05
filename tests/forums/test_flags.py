"""Flagging posts: reasons, one open flag per member, and hiding after enough flags from different members."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forums import services
from forums.models import Flag, ModerationAction, Post
from forums.services import notify
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def notified(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(notify, "notify_moderation", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def reply(topic) -> Post:
    return services.post_create(author=MemberFactory(), topic=topic, body_markdown="Kauft alle bei mir ein!")


def test_a_member_flags_a_post_and_its_open_flag_count_rises(reply):
    flag = services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)

    reply.refresh_from_db()
    assert flag.resolved_at is None
    assert reply.flag_count == 1
    assert reply.hidden_at is None


def test_something_else_needs_a_message(reply):
    with pytest.raises(ValidationError) as error:
        services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.OTHER, message="  ")
    assert error.value.error_dict["message"][0].code == "message_required"

    flag = services.flag_create(
        reporter=MemberFactory(), post=reply, reason=Flag.Reason.OTHER, message="Persönliche Daten im Text"
    )
    assert flag.message == "Persönliche Daten im Text"


def test_an_unknown_reason_is_refused(reply):
    with pytest.raises(ValidationError) as error:
        services.flag_create(reporter=MemberFactory(), post=reply, reason="boring")
    assert error.value.error_dict["reason"][0].code == "invalid_reason"


def test_a_member_has_one_open_flag_per_post(reply):
    reporter = MemberFactory()
    services.flag_create(reporter=reporter, post=reply, reason=Flag.Reason.SPAM)

    with pytest.raises(ValidationError) as error:
        services.flag_create(reporter=reporter, post=reply, reason=Flag.Reason.INAPPROPRIATE)

    assert error.value.code == "already_flagged"
    reply.refresh_from_db()
    assert reply.flag_count == 1


def test_members_cannot_flag_their_own_posts(reply):
    with pytest.raises(PermissionDenied):
        services.flag_create(reporter=reply.author, post=reply, reason=Flag.Reason.SPAM)


def test_three_flags_from_different_members_hide_the_post_and_tell_its_author(reply, notified, settings):
    settings.FORUMS_FLAGS_TO_HIDE = 3
    for _ in range(2):
        services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)
    reply.refresh_from_db()
    assert reply.hidden_at is None
    assert notified == []

    services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.INAPPROPRIATE)

    reply.refresh_from_db()
    assert reply.hidden_at is not None
    assert reply.hidden_reason == Post.HiddenReason.FLAGGED
    assert reply.flag_count == 3
    assert [call["recipient"] for call in notified] == [reply.author]
    assert notified[0]["action"] == ModerationAction.Action.POST_HIDE
    entry = ModerationAction.objects.get()
    assert entry.actor is None and entry.data["automatic"] is True


def test_the_threshold_is_configurable(reply, settings):
    settings.FORUMS_FLAGS_TO_HIDE = 1
    services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)
    reply.refresh_from_db()
    assert reply.is_hidden


def test_repeated_flags_of_one_member_never_reach_the_threshold(reply, settings):
    settings.FORUMS_FLAGS_TO_HIDE = 2
    reporter = MemberFactory()
    services.flag_create(reporter=reporter, post=reply, reason=Flag.Reason.SPAM)
    with pytest.raises(ValidationError):
        services.flag_create(reporter=reporter, post=reply, reason=Flag.Reason.SPAM)
    reply.refresh_from_db()
    assert not reply.is_hidden


def test_agreeing_keeps_the_post_hidden_and_clears_the_flags(reply, moderator, notified, settings):
    settings.FORUMS_FLAGS_TO_HIDE = 2
    for _ in range(2):
        services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)

    resolved = services.flags_resolve(moderator=moderator, post=reply, outcome=Flag.Outcome.AGREED)

    reply.refresh_from_db()
    assert resolved == 2
    assert reply.is_hidden and reply.flag_count == 0
    assert set(Flag.objects.values_list("outcome", flat=True)) == {Flag.Outcome.AGREED}
    assert ModerationAction.objects.filter(action=ModerationAction.Action.FLAGS_AGREE, actor=moderator).exists()
    assert notified[-1]["recipient"] == reply.author


def test_agreeing_with_a_single_flag_hides_the_post(reply, moderator):
    services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.OFF_TOPIC)
    services.flags_resolve(moderator=moderator, post=reply, outcome=Flag.Outcome.AGREED)
    reply.refresh_from_db()
    assert reply.is_hidden and reply.hidden_reason == Post.HiddenReason.OFF_TOPIC


def test_disagreeing_shows_the_post_again(reply, moderator, settings):
    settings.FORUMS_FLAGS_TO_HIDE = 1
    services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)

    services.flags_resolve(moderator=moderator, post=reply, outcome=Flag.Outcome.DISAGREED, reason="Kein Spam")

    reply.refresh_from_db()
    assert not reply.is_hidden and reply.flag_count == 0
    assert ModerationAction.objects.get(action=ModerationAction.Action.FLAGS_DISAGREE).reason == "Kein Spam"


def test_ignoring_clears_the_flags_and_leaves_the_post_alone(reply, moderator, notified):
    services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)

    services.flags_resolve(moderator=moderator, post=reply, outcome=Flag.Outcome.IGNORED)

    reply.refresh_from_db()
    assert not reply.is_hidden and reply.flag_count == 0
    assert notified == []  # nothing changed for the author


def test_a_member_may_flag_again_after_review(reply, moderator):
    reporter = MemberFactory()
    services.flag_create(reporter=reporter, post=reply, reason=Flag.Reason.SPAM)
    services.flags_resolve(moderator=moderator, post=reply, outcome=Flag.Outcome.IGNORED)

    services.flag_create(reporter=reporter, post=reply, reason=Flag.Reason.SPAM)
    assert Flag.objects.filter(post=reply).count() == 2


def test_only_moderators_review_flags(reply, member):
    services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)
    with pytest.raises(PermissionDenied):
        services.flags_resolve(moderator=member, post=reply, outcome=Flag.Outcome.AGREED)


def test_flag_counts_agree_with_a_recount(reply, moderator, settings):
    settings.FORUMS_FLAGS_TO_HIDE = 2
    for _ in range(2):
        services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)
    services.flags_resolve(moderator=moderator, post=reply, outcome=Flag.Outcome.DISAGREED)
    services.flag_create(reporter=MemberFactory(), post=reply, reason=Flag.Reason.SPAM)

    assert not services.forums_recount()
