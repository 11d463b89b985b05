"""The member's notification settings page /konto/benachrichtigungen/ and the bell's dropdown."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import ForumMember, NotificationLevel
from notifications import services
from notifications.models import NotificationPreference
from tests.html import get_in_english, visible_text
from tests.query_counts import clear_cache

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/konto/benachrichtigungen/"


def valid_post(**overrides):
    data = {
        "mail-email_notifications": "on",
        "mail-digest": "off",
        "forums-level_on_create": str(NotificationLevel.TRACKING),
        "forums-level_on_reply": str(NotificationLevel.TRACKING),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_settings_page_needs_login(client):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_the_page_shows_mail_digest_and_the_forum_defaults_registered_by_the_forums(member_client):
    text = visible_text(get_in_english(member_client, SETTINGS_URL).content.decode())

    assert "E-mail me about notifications I have not read" in text
    assert "No digest" in text and "Weekly" in text
    assert "Topics I start" in text and "Topics I reply to" in text


def test_the_account_navigation_links_the_settings_page(member_client):
    assert f'href="{SETTINGS_URL}"' in member_client.get("/konto/profil/").content.decode()


def test_saving_stores_mail_digest_and_forum_defaults(member_client, member):
    response = member_client.post(
        SETTINGS_URL,
        valid_post(
            **{
                "mail-email_notifications": None,
                "mail-digest": "weekly",
                "forums-level_on_reply": str(NotificationLevel.WATCHING),
            }
        ),
    )

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=member)
    assert (preference.email_notifications, preference.digest) == (False, "weekly")
    assert ForumMember.objects.get(user=member).level_on_reply == NotificationLevel.WATCHING


def test_bad_input_keeps_the_form_and_stores_nothing(member_client, member):
    response = member_client.post(SETTINGS_URL, valid_post(**{"mail-digest": "hourly", "forums-level_on_create": "9"}))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not NotificationPreference.objects.filter(user=member, digest="hourly").exists()
    assert not ForumMember.objects.filter(user=member, level_on_create=9).exists()


def notify(member, title):
    return services.notification_create(
        recipient=member, kind="test_reply", data={"title": title, "url": "/foren/t/1/2/"}
    )


def test_the_bell_dropdown_lists_the_latest_five_and_links_to_all(member_client, member, test_kinds):
    for number in range(7):
        notify(member, f"Meldung {number}")

    html = member_client.get("/konto/profil/").content.decode()
    bell = html[html.index('class="bell-menu"') : html.index("</details>", html.index('class="bell-menu"'))]

    assert [f"Meldung {n}" in bell for n in range(7)] == [False, False, True, True, True, True, True]
    assert 'href="/benachrichtigungen/"' in bell
    assert "<details" in html[: html.index('class="bell-menu"') + 20]


def test_the_bell_and_its_dropdown_cost_one_query_for_5_or_50_notifications(member_client, member, test_kinds):
    notify(member, "Erste")
    member_client.get("/konto/profil/")
    clear_cache()  # measured cold on both sides: the bell's cache entry is looked up in each
    with CaptureQueriesContext(connection) as few:
        member_client.get("/konto/profil/")
    for number in range(49):
        notify(member, f"Meldung {number}")
    clear_cache()
    with CaptureQueriesContext(connection) as many:
        member_client.get("/konto/profil/")

    bell_queries = [q for q in many.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell_queries) == 1
    assert len(many) == len(few)
