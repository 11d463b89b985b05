"""One-click unsubscribe without logging in: the confirmation page, the RFC 8058 POST, and bad tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from notifications import emails, services
from notifications.models import NotificationPreference
from tests.html import visible_text

pytestmark = pytest.mark.django_db


def path_for(member, scope="email") -> str:
    return f"/benachrichtigungen/abmelden/{emails.unsubscribe_token(user=member, scope=scope)}/"


def test_the_link_shows_a_confirmation_page_without_login_and_changes_nothing(client, member):
    response = client.get(path_for(member))

    assert response.status_code == 200
    assert "<form" in response.content.decode()
    assert services.preference_for(user=member).email_notifications is True


def test_a_post_unsubscribes_at_once_without_login_or_csrf_token(member):
    client = Client(enforce_csrf_checks=True)

    response = client.post(path_for(member), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert services.preference_for(user=member).email_notifications is False


def test_the_digest_link_switches_off_only_the_digest(client, member):
    services.preference_update(user=member, email_notifications=True, digest="weekly")

    client.post(path_for(member, "digest"))

    preference = services.preference_for(user=member)
    assert preference.digest == NotificationPreference.Digest.OFF
    assert preference.email_notifications is True


@pytest.mark.parametrize("token", ["kaputt", "eyJ1IjoxLCJzIjoiZW1haWwifQ:abc:def", "x" * 300])
def test_a_bad_token_gives_a_german_error_page_with_status_400(client, member, token):
    for method in (client.get, client.post):
        response = method(f"/benachrichtigungen/abmelden/{token}/")

        assert response.status_code == 400
        assert "Dieser Abmeldelink ist ungültig" in visible_text(response.content.decode()) or (
            "unsubscribe link is not valid" in visible_text(response.content.decode())
        )
    assert services.preference_for(user=member).email_notifications is True


def test_a_token_for_another_salt_is_refused(client, member):
    from django.core import signing

    forged = signing.dumps({"u": member.pk, "s": "email"}, salt="something-else", compress=True)

    assert client.post(f"/benachrichtigungen/abmelden/{forged}/").status_code == 400
    assert services.preference_for(user=member).email_notifications is True


def test_a_changed_token_is_refused(member):
    token = emails.unsubscribe_token(user=member, scope="email")

    assert emails.read_unsubscribe_token(token).user == member
    assert emails.read_unsubscribe_token(token[:-2] + ("aa" if not token.endswith("aa") else "bb")) is None
