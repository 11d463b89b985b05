"""E-mails about unread notifications: the delay, skipping read ones, one mail per member and burst, the parts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forums import services as forum_services
from forums.models import NotificationLevel
from notifications import emails, services
from notifications.models import Notification
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

DATA = {"title": "Wie findet ihr einen Raum?", "url": "/foren/t/1/2/", "excerpt": "Wir nehmen den Gemeindesaal."}


def later(minutes: float):
    return timezone.now() + timedelta(minutes=minutes)


def notify(recipient, **kwargs):
    return services.notification_create(recipient=recipient, kind="test_reply", data=DATA, **kwargs)


def test_nothing_is_mailed_before_the_delay(member, test_kinds, settings):
    settings.NOTIFICATIONS_EMAIL_DELAY = 600
    notify(member)

    assert emails.send_due_notification_emails(now=later(9)) == 0
    assert mail.outbox == []


def test_an_unread_notification_is_mailed_after_the_delay_once(member, test_kinds, settings):
    settings.NOTIFICATIONS_EMAIL_DELAY = 600
    notification = notify(member)

    assert emails.send_due_notification_emails(now=later(11)) == 1
    assert emails.send_due_notification_emails(now=later(12)) == 0

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_delay_is_configurable(member, test_kinds, settings):
    settings.NOTIFICATIONS_EMAIL_DELAY = 60
    notify(member)

    assert emails.send_due_notification_emails(now=later(2)) == 1


def test_a_notification_read_meanwhile_is_not_mailed(member, test_kinds):
    notification = notify(member)
    services.notification_mark_read(user=member, notification_ids=[notification.pk])

    assert emails.send_due_notification_emails(now=later(30)) == 0
    assert mail.outbox == []


def test_a_burst_of_replies_becomes_one_mail_per_member(member, test_kinds):
    other = MemberFactory()
    for _ in range(4):
        notify(member)
    notify(other)

    assert emails.send_due_notification_emails(now=later(11)) == 2

    assert sorted(message.to[0] for message in mail.outbox) == sorted([member.email, other.email])
    mine = next(message for message in mail.outbox if message.to == [member.email])
    assert "4" in mine.subject
    assert mine.body.count("/benachrichtigungen/") >= 4
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_members_who_switched_mails_off_get_none(member, test_kinds):
    services.preference_update(user=member, email_notifications=False, digest="off")
    notify(member)

    assert emails.send_due_notification_emails(now=later(11)) == 0
    assert mail.outbox == []


def test_every_mail_has_german_text_a_plain_text_part_html_and_unsubscribe_headers(member, test_kinds, settings):
    settings.SITE_URL = "https://mitmach.example.org"
    notify(member)

    emails.send_due_notification_emails(now=later(11))

    message = mail.outbox[0]
    assert message.content_subtype == "plain"
    assert "Wie findet ihr einen Raum?" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert "Wie findet ihr einen Raum?" in message.alternatives[0][0]
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://mitmach.example.org/benachrichtigungen/abmelden/")
    assert unsubscribe.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://mitmach.example.org/benachrichtigungen/" in message.body
    # Rendered in the recipient's language: German, the site's language, unless they chose another.
    assert '<html lang="de">' in message.alternatives[0][0]


def test_a_private_team_topic_never_reaches_an_outsiders_inbox(team_category, team_member, start_topic):
    outsider = MemberFactory()
    topic = start_topic(category=team_category, author=team_member)
    from forums.models import TopicUser

    TopicUser.objects.create(user=outsider, topic=topic, level=NotificationLevel.WATCHING, level_chosen=True)
    forum_services.post_create(author=team_member, topic=topic, body_markdown=f"@{outsider.handle} Geheimplan")

    emails.send_due_notification_emails(now=later(30))

    assert all(outsider.email not in message.to for message in mail.outbox)
    assert not any("Geheimplan" in message.body for message in mail.outbox)
