"""Creating notifications (skips, kinds, grouping) and marking them read, through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from notifications import registry, selectors, services
from notifications.models import Notification
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

DATA = {"title": "Antwort auf: Veranstaltungsort gesucht", "url": "/foren/t/1/2", "excerpt": "Wir haben den…"}


def test_a_notification_is_created_for_the_recipient_with_actor_target_and_data(member, test_kinds):
    actor = MemberFactory()

    notification = services.notification_create(
        recipient=member, kind="test_reply", actor=actor, target=actor, data=DATA
    )

    notification.refresh_from_db()
    assert notification.recipient == member
    assert notification.actor == actor
    assert notification.target == actor
    assert notification.data["title"] == DATA["title"]
    assert notification.url == "/foren/t/1/2"
    assert notification.read_at is None


def test_nobody_is_notified_about_their_own_action(member, test_kinds):
    result = services.notification_create(recipient=member, kind="test_reply", actor=member, data=DATA)

    assert result is None
    assert not Notification.objects.exists()


def test_an_inactive_account_gets_no_notifications(member, test_kinds):
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert services.notification_create(recipient=member, kind="test_reply", data=DATA) is None
    assert not Notification.objects.exists()


def test_a_kind_no_app_registered_is_refused(member):
    with pytest.raises(ValueError, match="Unregistered notification kind"):
        services.notification_create(recipient=member, kind="no_such_kind", data=DATA)

    assert not Notification.objects.exists()


def test_the_kind_field_validates_against_the_registry(member, test_kinds):
    with pytest.raises(ValidationError):
        Notification(recipient=member, kind="no_such_kind").full_clean()
    Notification(recipient=member, kind="test_reply").full_clean()


def test_the_notifications_app_registers_the_generic_moderation_kind():
    assert registry.is_registered("moderation_outcome")


def test_a_long_excerpt_is_shortened(member, test_kinds):
    notification = services.notification_create(recipient=member, kind="test_reply", data={"excerpt": "x" * 1000})

    assert len(notification.excerpt) == services.EXCERPT_CHARS
    assert notification.excerpt.endswith("…")


def test_reactions_on_one_post_are_grouped_into_one_unread_notification(member, test_kinds):
    first, second, third = MemberFactory.create_batch(3)
    for actor in (first, second, third):
        services.notification_create(
            recipient=member, kind="test_reaction", actor=actor, data=DATA, group_key="reactions:post:7"
        )

    grouped = Notification.objects.get(recipient=member)
    assert grouped.count == 3
    assert grouped.actor == third
    assert grouped.data["actor_names"] == [str(third), str(second), str(first)]


def test_a_grouped_notification_gets_a_newer_id_than_the_one_it_replaces(member, test_kinds):
    actors = MemberFactory.create_batch(2)
    first = services.notification_create(
        recipient=member, kind="test_reaction", actor=actors[0], data=DATA, group_key="reactions:post:7"
    )
    second = services.notification_create(
        recipient=member, kind="test_reaction", actor=actors[1], data=DATA, group_key="reactions:post:7"
    )

    assert second.pk > first.pk
    assert list(Notification.objects.values_list("pk", flat=True)) == [second.pk]


def test_grouping_keeps_other_groups_other_recipients_and_read_notifications_apart(member, test_kinds):
    other_member = MemberFactory()
    actors = MemberFactory.create_batch(4)
    read = services.notification_create(
        recipient=member, kind="test_reaction", actor=actors[0], data=DATA, group_key="reactions:post:7"
    )
    services.notification_mark_read(user=member, notification_ids=[read.pk])

    services.notification_create(
        recipient=member, kind="test_reaction", actor=actors[1], data=DATA, group_key="reactions:post:7"
    )
    services.notification_create(
        recipient=member, kind="test_reaction", actor=actors[2], data=DATA, group_key="reactions:post:8"
    )
    services.notification_create(
        recipient=other_member, kind="test_reaction", actor=actors[3], data=DATA, group_key="reactions:post:7"
    )

    assert Notification.objects.filter(recipient=member).count() == 3
    assert all(n.count == 1 for n in Notification.objects.all())


def test_marking_one_notification_read_leaves_the_others_unread(member, test_kinds):
    first = services.notification_create(recipient=member, kind="test_reply", data=DATA)
    second = services.notification_create(recipient=member, kind="test_reply", data=DATA)

    changed = services.notification_mark_read(user=member, notification_ids=[first.pk])

    assert changed == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_all_read_marks_every_own_notification(member, test_kinds):
    for _ in range(3):
        services.notification_create(recipient=member, kind="test_reply", data=DATA)

    assert services.notification_mark_read(user=member) == 3
    assert selectors.unread_count(user=member) == 0
    assert services.notification_mark_read(user=member) == 0


def test_a_member_cannot_mark_another_members_notifications_read(member, test_kinds):
    other_member = MemberFactory()
    theirs = services.notification_create(recipient=other_member, kind="test_reply", data=DATA)

    assert services.notification_mark_read(user=member, notification_ids=[theirs.pk]) == 0
    assert services.notification_mark_read(user=member) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_unread_count_counts_only_own_unread_notifications_in_one_query(
    member, test_kinds, django_assert_num_queries
):
    other_member = MemberFactory()
    for _ in range(3):
        services.notification_create(recipient=member, kind="test_reply", data=DATA)
    services.notification_create(recipient=other_member, kind="test_reply", data=DATA)
    read = services.notification_create(recipient=member, kind="test_reply", data=DATA)
    services.notification_mark_read(user=member, notification_ids=[read.pk])

    with django_assert_num_queries(1):
        assert selectors.unread_count(user=member) == 3


def test_the_list_filters_by_unread_and_by_kind(member, test_kinds):
    reply = services.notification_create(recipient=member, kind="test_reply", data=DATA)
    reaction = services.notification_create(recipient=member, kind="test_reaction", data=DATA)
    services.notification_mark_read(user=member, notification_ids=[reply.pk])

    assert list(selectors.notification_list(user=member)) == [reaction, reply]
    assert list(selectors.notification_list(user=member, only_unread=True)) == [reaction]
    assert list(selectors.notification_list(user=member, kind="test_reply")) == [reply]


def test_oversized_data_is_refused_because_the_list_stores_only_a_small_payload(member, test_kinds):
    with pytest.raises(ValueError, match="too large"):
        services.notification_create(recipient=member, kind="test_reply", data={"title": "x" * 5000})
