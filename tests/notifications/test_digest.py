"""The daily and weekly digest: popular and unread topics, permission-aware, and no mail when there is nothing."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from forums import services as forum_services
from forums.models import NotificationLevel
from notifications import emails, registry, services
from notifications.models import NotificationPreference
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def later(hours: float = 1):
    return timezone.now() + timedelta(hours=hours)


def reply(topic, author=None, text="Noch eine Idee dazu."):
    return forum_services.post_create(author=author or MemberFactory(), topic=topic, body_markdown=text)


def test_new_members_get_no_digest_until_they_choose_one(member, topic):
    reply(topic)

    assert services.preference_for(user=member).digest == NotificationPreference.Digest.OFF
    assert emails.send_due_digests(now=later()) == 0
    assert mail.outbox == []


def test_a_daily_digest_lists_popular_and_unread_followed_topics(member, category, start_topic):
    services.preference_update(user=member, email_notifications=True, digest="daily")
    own = start_topic(category=category, author=member, title="Mein Thema zur Mitmach-Konferenz")
    popular = start_topic(category=category, title="Ein Thema mit vielen Antworten")
    for _ in range(3):
        reply(popular)
    reply(own)

    assert emails.send_due_digests(now=later()) == 1

    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "Ein Thema mit vielen Antworten" in message.body
    assert "Mein Thema zur Mitmach-Konferenz" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/benachrichtigungen/abmelden/" in message.extra_headers["List-Unsubscribe"]


def test_nothing_new_means_no_mail(member):
    services.preference_update(user=member, email_notifications=True, digest="daily")

    assert emails.send_due_digests(now=later()) == 0
    assert mail.outbox == []


def test_a_digest_is_sent_once_per_period(member, topic):
    services.preference_update(user=member, email_notifications=True, digest="daily")
    reply(topic)
    assert emails.send_due_digests(now=timezone.now()) == 1
    reply(topic)

    assert emails.send_due_digests(now=later(5)) == 0
    assert emails.send_due_digests(now=later(25)) == 1
    assert len(mail.outbox) == 2


def test_a_weekly_digest_waits_a_week(member, topic):
    services.preference_update(user=member, email_notifications=True, digest="weekly")
    reply(topic)
    assert emails.send_due_digests(now=timezone.now()) == 1
    reply(topic)

    assert emails.send_due_digests(now=later(24 * 3)) == 0
    assert emails.send_due_digests(now=later(24 * 7 + 1)) == 1


def test_a_muted_category_is_left_out(member, category, start_topic):
    services.preference_update(user=member, email_notifications=True, digest="daily")
    forum_services.category_level_set(user=member, category=category, level=NotificationLevel.MUTED)
    start_topic(category=category, title="Ein stummgeschaltetes Thema")

    assert emails.send_due_digests(now=later()) == 0


def test_a_private_team_topic_is_never_in_an_outsiders_digest(team_category, team_member, start_topic, category):
    outsider = MemberFactory()
    services.preference_update(user=outsider, email_notifications=True, digest="daily")
    services.preference_update(user=team_member, email_notifications=True, digest="daily")
    secret = start_topic(category=team_category, author=team_member, title="Geheime Teamplanung 2027")
    reply(secret, team_member)
    start_topic(category=category, title="Ein öffentliches Thema für alle")

    emails.send_due_digests(now=later())

    outsiders = [m for m in mail.outbox if m.to == [outsider.email]]
    insiders = [m for m in mail.outbox if m.to == [team_member.email]]
    assert len(outsiders) == 1
    assert "Geheime Teamplanung" not in outsiders[0].body
    assert "Ein öffentliches Thema für alle" in outsiders[0].body
    assert "Geheime Teamplanung" in insiders[0].body


def test_a_failing_section_does_not_stop_the_digest(member, topic):
    services.preference_update(user=member, email_notifications=True, digest="daily")

    def broken(**kwargs):
        raise RuntimeError("kaputt")

    registry.register_digest_section("test_broken", "Broken", broken)
    try:
        reply(topic)
        assert emails.send_due_digests(now=later()) == 1
    finally:
        registry.unregister_digest_section("test_broken")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_digest_goes_over_real_smtp_with_its_headers(member, topic, settings):
    aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = aiosmtpd_controller.Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.SITE_URL = "https://mitmach.example.org"
        services.preference_update(user=member, email_notifications=True, digest="weekly")
        reply(topic)

        assert emails.send_due_digests(now=later()) == 1
        deadline = time.monotonic() + 5
        while not received and time.monotonic() < deadline:
            threading.Event().wait(0.05)
    finally:
        controller.stop()

    assert len(received) == 1
    message = received[0]
    assert message["To"] == member.email
    # Long header values arrive folded over lines; unfolded they are the one-click link.
    assert " ".join(message["List-Unsubscribe"].split()).startswith(
        "<https://mitmach.example.org/benachrichtigungen/abmelden/"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.is_multipart()
    assert [part.get_content_type() for part in message.get_payload()] == ["text/plain", "text/html"]
