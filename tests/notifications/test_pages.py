"""The notifications page, opening a notification, marking read, and the bell in the header."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services
from notifications.models import Notification
from tests.factories import MemberFactory
from tests.html import visible_text
from tests.query_counts import clear_cache, cold_query_count

pytestmark = pytest.mark.django_db

LIST_URL = "/benachrichtigungen/"


def main_of(html: str) -> str:
    """The page's main landmark, without the header (whose bell lists the latest notifications too)."""
    return html[html.index("<main") : html.index("</main>")]


def notify(recipient, *, kind="test_reply", title="Neue Antwort", url="/foren/t/1/2", actor=None):
    return services.notification_create(
        recipient=recipient, kind=kind, actor=actor, data={"title": title, "url": url, "excerpt": "Hallo"}
    )


def test_the_notifications_page_requires_login(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_the_page_lists_only_the_members_own_notifications(member_client, member, test_kinds):
    notify(member, title="Für mich bestimmt")
    notify(MemberFactory(), title="Für jemand anderen")

    html = member_client.get(LIST_URL).content.decode()

    assert "Für mich bestimmt" in html
    assert "Für jemand anderen" not in html


def test_the_page_is_german_with_an_empty_state(member_client, test_kinds):
    text = visible_text(member_client.get(LIST_URL).content.decode())

    assert "Benachrichtigungen" in text
    assert "Noch keine Benachrichtigungen" in text


def test_the_unread_filter_hides_read_notifications(member_client, member, test_kinds):
    read = notify(member, title="Schon gelesen")
    notify(member, title="Noch ungelesen")
    services.notification_mark_read(user=member, notification_ids=[read.pk])

    html = main_of(member_client.get(LIST_URL, {"status": "unread"}).content.decode())

    assert "Noch ungelesen" in html
    assert "Schon gelesen" not in html


def test_the_kind_filter_shows_only_that_kind(member_client, member, test_kinds):
    notify(member, kind="test_reply", title="Eine Antwort")
    notify(member, kind="test_reaction", title="Eine Reaktion", actor=MemberFactory())

    html = main_of(member_client.get(LIST_URL, {"kind": "test_reaction"}).content.decode())

    assert "Eine Reaktion" in html
    assert "Eine Antwort" not in html


def test_an_unknown_kind_filter_is_ignored(member_client, member, test_kinds):
    notify(member, title="Eine Antwort")

    response = member_client.get(LIST_URL, {"kind": "<script>"})

    assert response.status_code == 200
    assert "Eine Antwort" in response.content.decode()


def test_the_page_shows_30_notifications_per_page(member_client, member, test_kinds):
    for number in range(31):
        notify(member, title=f"Nachricht {number:02d}")

    first = member_client.get(LIST_URL).content.decode()
    second = member_client.get(LIST_URL, {"page": 2}).content.decode()

    assert "Nachricht 30" in first
    assert "Nachricht 00" not in first
    assert "Nachricht 00" in second


def test_the_page_needs_the_same_queries_for_5_and_50_notifications(member_client, member, test_kinds):
    actors = MemberFactory.create_batch(5)
    for number in range(5):
        notify(member, actor=actors[number % 5])
    member_client.get(LIST_URL)
    with_five = cold_query_count(member_client, LIST_URL)

    for number in range(45):
        notify(member, actor=actors[number % 5])

    assert cold_query_count(member_client, LIST_URL) == with_five


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(member_client, member, test_kinds):
    notification = notify(member, url="/foren/t/12/3#post-3")

    response = member_client.get(f"{LIST_URL}{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/foren/t/12/3#post-3"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", ""]
)
def test_a_notification_never_sends_the_member_to_another_site(member_client, member, test_kinds, url):
    notification = notify(member, url=url)

    response = member_client.get(f"{LIST_URL}{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_members_notification_cannot_be_opened(member_client, test_kinds):
    theirs = notify(MemberFactory())

    response = member_client.get(f"{LIST_URL}{theirs.pk}/")

    assert response["Location"] == LIST_URL
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_needs_a_post_and_marks_every_own_notification(member_client, member, test_kinds):
    for _ in range(3):
        notify(member)
    theirs = notify(MemberFactory())

    assert member_client.get(f"{LIST_URL}gelesen/").status_code == 405
    response = member_client.post(f"{LIST_URL}gelesen/")

    assert response["Location"] == LIST_URL
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_one_notification_can_be_marked_read_from_the_list(member_client, member, test_kinds):
    first, second = notify(member), notify(member)

    response = member_client.post(
        f"{LIST_URL}gelesen/", {"notification": first.pk, "next": f"{LIST_URL}?status=unread"}
    )

    assert response["Location"] == f"{LIST_URL}?status=unread"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_read_does_not_redirect_to_another_site(member_client, member, test_kinds):
    response = member_client.post(f"{LIST_URL}gelesen/", {"next": "https://evil.example/"})

    assert response["Location"] == LIST_URL


def test_the_bell_shows_the_unread_count_visibly_and_for_screen_readers(member_client, member, test_kinds):
    for _ in range(3):
        notify(member)

    html = member_client.get(LIST_URL).content.decode()

    assert 'class="bell__count" aria-hidden="true">3<' in html
    assert "3 ungelesene Benachrichtigungen" in visible_text(html)


def test_the_bell_without_unread_notifications_shows_no_count(member_client, member, test_kinds):
    notify(member)
    services.notification_mark_read(user=member)

    html = member_client.get(LIST_URL).content.decode()

    assert 'class="bell"' in html
    assert "bell__count" not in html


def test_anonymous_visitors_see_no_bell(client, home_page):
    assert 'class="bell"' not in client.get("/").content.decode()


def test_the_bell_costs_a_member_exactly_one_query_when_it_is_not_cached(
    member_client, member, home_page, test_kinds, settings
):
    member_client.get("/")
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    clear_cache()  # both sides cold: the bell (and the cached roles) are looked up in each
    with CaptureQueriesContext(connection) as with_bell:
        member_client.get("/")
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [p for p in processors if not p.startswith("notifications.")],
            },
        },
        *settings.TEMPLATES[1:],
    ]
    clear_cache()
    with CaptureQueriesContext(connection) as without_bell:
        member_client.get("/")

    bell_queries = [q["sql"] for q in with_bell.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell_queries) == 1
    assert len(with_bell) == len(without_bell) + 1
