"""Realtime in Chromium over the real websocket: a team chat through an outage, the live bell, private rooms."""

from __future__ import annotations

import pytest

from community.models import Team
from forums.models import Message
from forums.services import chat as chat_services
from notifications import services as notification_services
from tests.factories import MemberFactory, TeamFactory, TeamMembershipFactory

# The ASGI server needs committed data; serialized_rollback restores what the migrations created.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def wait_subscribed(page, stream: str) -> None:
    page.wait_for_function("(stream) => window.__realtime.subscribed.some((f) => f.stream === stream)", arg=stream)


def send_in_browser(page, text: str) -> None:
    from playwright.sync_api import expect

    page.locator("textarea[name=body_markdown]").fill(text)
    page.locator(".chat-form button[type=submit]").click()
    # The sender's own message shows without a reload.
    expect(page.locator(".chat-message", has_text=text)).to_have_count(1)


@pytest.fixture
def weggemeinschaft():
    team = TeamFactory(name="Weggemeinschaft Nord", slug="weggemeinschaft-nord", kind=Team.Kind.WEGGEMEINSCHAFT)
    anna = MemberFactory(display_name="Anna Acker")
    bert = MemberFactory(display_name="Bert Birke")
    for member in (anna, bert):
        TeamMembershipFactory(team=team, user=member)
    room = chat_services.room_ensure_for_team(team=team)
    return room, anna, bert


def test_two_members_chat_live_and_nothing_is_lost_or_doubled_while_one_is_offline(live_page, weggemeinschaft):
    from playwright.sync_api import expect

    room, anna, bert = weggemeinschaft
    stream = f"chat:{room.pk}"
    url = f"/chat/{room.slug}/"
    page_a, _ = live_page(anna)
    page_b, context_b = live_page(bert)
    page_a.goto(url)
    page_b.goto(url)
    wait_subscribed(page_a, stream)
    wait_subscribed(page_b, stream)

    send_in_browser(page_a, "Moin zusammen, wer kommt am Samstag zum Treffen?")
    expect(page_b.locator(".chat-message", has_text="wer kommt am Samstag")).to_have_count(1)

    context_b.set_offline(True)
    page_b.wait_for_function("() => !navigator.onLine")
    missed = ["Erste Nachricht im Funkloch", "Zweite Nachricht im Funkloch", "Dritte Nachricht im Funkloch"]
    for text in missed:
        send_in_browser(page_a, text)
    assert Message.objects.filter(room=room).count() == 4  # the database is the record
    expect(page_b.locator(".chat-message", has_text="im Funkloch")).to_have_count(0)

    context_b.set_offline(False)
    for text in missed:
        expect(page_b.locator(".chat-message", has_text=text)).to_have_count(1)
    shown = page_b.locator(".chat-message__body").all_inner_texts()
    in_order = [text for line in shown for text in missed if text in line]
    assert in_order == missed  # once each, in the order they were sent
    for page in (page_a, page_b):
        assert page.watch.page_errors == []


def test_the_bell_counts_up_live_and_shows_a_toast(live_page):
    from playwright.sync_api import expect

    member = MemberFactory(display_name="Clara Clever")
    page, _ = live_page(member)
    page.goto("/foren/")
    wait_subscribed(page, f"user:{member.pk}")
    expect(page.locator("summary.bell .bell__count")).to_have_count(0)

    notification_services.notification_create(
        recipient=member, kind="forum_reply", data={"title": "Antwort auf „Apfelernte“", "url": "/foren/"}
    )

    expect(page.locator("summary.bell .bell__count")).to_have_text("1")
    expect(page.locator(".toast")).to_contain_text("Antwort auf „Apfelernte“")
    assert page.watch.page_errors == []


def test_a_member_outside_the_team_cannot_open_the_team_room_by_url_or_websocket(live_page, weggemeinschaft):
    room, anna, _bert = weggemeinschaft
    outsider = MemberFactory(display_name="Olga Außen")
    page, _ = live_page(outsider)

    response = page.goto(f"/chat/{room.slug}/")
    assert response.status == 404

    page.goto("/chat/")
    wait_subscribed(page, f"user:{outsider.pk}")
    page.evaluate("(stream) => window.MitmachRealtime.subscribe(stream, 0)", f"chat:{room.pk}")
    page.wait_for_function(
        "(stream) => window.__realtime.errors.some((f) => f.stream === stream && f.code === 'forbidden')",
        arg=f"chat:{room.pk}",
    )
    chat_services.message_send(author=anna, room=room, body_markdown="Nur für das Team: Treffpunkt am Deich")
    page.wait_for_timeout(500)
    events = page.evaluate("() => window.__realtime.events.map((f) => f.stream)")
    assert f"chat:{room.pk}" not in events
    assert "Treffpunkt am Deich" not in page.content()


def test_a_forum_reply_appears_on_the_open_topic_page_of_another_member(live_page):
    from playwright.sync_api import expect

    from forums import services as forum_services
    from tests.forums.conftest import CategoryFactory

    category = CategoryFactory(name="Energie", slug="energie-live")
    reader = MemberFactory(display_name="Dora Dach")
    writer = MemberFactory(display_name="Emil Esche")
    topic = forum_services.topic_create(
        author=reader,
        category=category,
        title="Wer hat schon eine Bürgerenergie-Genossenschaft gegründet?",
        body_markdown="Wir überlegen, eine Genossenschaft für Solardächer zu gründen.",
    )
    page, _ = live_page(reader)
    page.goto(f"/foren/t/{topic.pk}/")
    wait_subscribed(page, f"topic:{topic.pk}")

    reply_page, _ = live_page(writer)
    reply_page.goto(f"/foren/t/{topic.pk}/")
    reply_page.locator("main form textarea[name=body_markdown]").fill("Ja, im Wendland seit 2019 – meldet euch!")
    reply_page.locator("main form:has(textarea[name=body_markdown]) button.button--primary[type=submit]").click()
    expect(reply_page.locator("#post-2")).to_contain_text("im Wendland seit 2019")

    bar = page.locator(".new-posts-bar button")
    expect(bar).to_have_text("1 neuer Beitrag")
    expect(page.locator("#post-2")).to_have_count(0)  # waits behind the bar, as in Discourse
    bar.click()
    expect(page.locator("#post-2")).to_contain_text("im Wendland seit 2019")
    expect(page.locator(".new-posts-bar")).to_be_hidden()
    assert page.watch.page_errors == []


def test_the_chat_overview_counts_new_messages_live(live_page, weggemeinschaft):
    from playwright.sync_api import expect

    room, anna, bert = weggemeinschaft
    page, _ = live_page(bert)
    page.goto("/chat/")
    wait_subscribed(page, f"chat:{room.pk}")
    badge = page.locator(f'li[data-room-id="{room.pk}"] .chat-badge--unread')
    expect(badge).to_be_hidden()

    for text in ("Wer bringt den Beamer mit?", "Und wer die Verlängerungskabel?"):
        chat_services.message_send(author=anna, room=room, body_markdown=text)
    expect(badge).to_have_text("2 ungelesen")
    chat_services.message_send(author=bert, room=room, body_markdown="Ich bringe beides.")  # own: no count
    page.wait_for_timeout(300)
    expect(badge).to_have_text("2 ungelesen")
    assert page.watch.page_errors == []
