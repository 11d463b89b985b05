"""A new notification reaches the recipient's stream after commit, with the new unread count."""

from __future__ import annotations

import pytest
from django.db import transaction

from notifications import services
from realtime.events import event_published
from tests.factories import MemberFactory


@pytest.fixture
def published():
    events = []

    def observe(sender, event, **kwargs):
        events.append(event)

    event_published.connect(observe)
    yield events
    event_published.disconnect(observe)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_new_notification_is_published_to_the_recipients_stream_after_commit(test_kinds, published):
    member, actor = MemberFactory(), MemberFactory()

    with transaction.atomic():
        first = services.notification_create(recipient=member, kind="test_reply", data={"title": "Eins"})
        notification = services.notification_create(
            recipient=member, kind="test_reply", actor=actor, data={"title": "Zwei", "url": "/foren/"}
        )
        assert published == []  # nothing leaves before the commit

    assert [event["id"] for event in published] == [first.pk, notification.pk]
    event = published[-1]
    assert event["stream"] == f"user:{member.pk}"
    assert event["kind"] == "notification.created"
    assert event["payload"] == {"kind": "test_reply", "title": "Zwei", "url": "/foren/", "unread_count": 2}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_published_when_the_transaction_rolls_back(test_kinds, published):
    member = MemberFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        services.notification_create(recipient=member, kind="test_reply", data={"title": "Eins"})
        raise RuntimeError("rolled back")

    assert published == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_marking_read_publishes_the_new_count_to_the_members_other_tabs(test_kinds, published):
    member = MemberFactory()
    for _ in range(2):
        services.notification_create(recipient=member, kind="test_reply", data={"title": "Eins"})
    published.clear()

    services.notification_mark_read(user=member)

    assert published == [
        {
            "stream": f"user:{member.pk}",
            "id": None,
            "kind": "notification.read",
            "payload": {"ids": None, "unread_count": 0},
        }
    ]
