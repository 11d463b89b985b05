"""The moderation pages: flag form, moderator menus, review queue and log; bad input never gives a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from forums import services
from forums.models import Flag, ModerationAction, Post, QueuedPost, Topic
from tests.factories import MemberFactory
from tests.query_counts import cold_query_count as queries_for

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db
REASON = "Bitte freundlich bleiben."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flagged_reply(topic: Topic, *, flags: int = 1) -> Post:
    post = services.post_create(author=MemberFactory(), topic=topic, body_markdown="Ein fragwürdiger Beitrag")
    for _ in range(flags):
        services.flag_create(reporter=MemberFactory(), post=post, reason=Flag.Reason.INAPPROPRIATE)
    return post


def test_a_member_flags_a_post_from_the_topic_page(topic, settings):
    settings.FORUMS_FLAGS_TO_HIDE = 3
    post = services.post_create(author=MemberFactory(), topic=topic, body_markdown="Kauft bei mir")
    client = client_for(MemberFactory())
    page = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert f'action="/foren/p/{post.pk}/melden/"' in page

    response = client.post(f"/foren/p/{post.pk}/melden/", {"reason": "spam"})
    assert response.status_code == 302
    assert Flag.objects.get().reporter_id is not None

    again = client.post(f"/foren/p/{post.pk}/melden/", {"reason": "other", "message": "Immer noch Werbung"})
    assert again.status_code == 200
    assert "Immer noch Werbung" in again.content.decode()  # the typed text stays
    assert Flag.objects.count() == 1


def test_flagging_with_bad_input_shows_a_message(topic):
    post = services.post_create(author=MemberFactory(), topic=topic, body_markdown="Kauft bei mir")
    client = client_for(MemberFactory())
    assert client.post(f"/foren/p/{post.pk}/melden/", {"reason": "langweilig"}).status_code == 200
    assert client.post(f"/foren/p/{post.pk}/melden/", {"reason": "other"}).status_code == 200
    assert client.post("/foren/p/999999/melden/", {"reason": "spam"}).status_code == 404
    assert client.post("/foren/p/abc/melden/", {"reason": "spam"}).status_code == 404
    assert not Flag.objects.exists()


def test_only_moderators_see_the_menus_on_the_topic_page(client, topic, moderator, member_client):
    flagged_reply(topic)
    assert "/moderieren/" not in client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert "/moderieren/" not in member_client.get(f"/foren/t/{topic.pk}/").content.decode()
    page = client_for(moderator).get(f"/foren/t/{topic.pk}/").content.decode()
    assert f'action="/foren/t/{topic.pk}/moderieren/"' in page
    assert "/foren/moderation/" in page  # the header link with the open count


def test_the_header_shows_the_open_count_to_moderators(topic, moderator):
    flagged_reply(topic, flags=2)
    html = client_for(moderator).get("/foren/").content.decode()
    assert 'moderation-link__count">1<' in html


def test_the_queue_is_for_moderators_only(client, member_client):
    assert client.get("/foren/moderation/").status_code == 302
    assert member_client.get("/foren/moderation/").status_code == 403
    assert member_client.get("/foren/moderation/protokoll/").status_code == 403


def test_a_category_moderator_sees_only_the_flags_and_log_of_their_categories(start_topic, moderator):
    mine = start_topic(category=CategoryFactory(), title="Thema in meiner Kategorie")
    other = start_topic(category=CategoryFactory(), title="Thema in einer anderen Kategorie")
    my_post, other_post = flagged_reply(mine), flagged_reply(other)
    services.topic_close(moderator=moderator, topic=mine, reason="Hier geschlossen")
    services.topic_close(moderator=moderator, topic=other, reason="Dort geschlossen")
    category_moderator = MemberFactory()
    mine.category.moderators.add(category_moderator)
    client = client_for(category_moderator)

    queue = client.get("/foren/moderation/").content.decode()
    assert f'id="flagged-{my_post.pk}"' in queue
    assert f'id="flagged-{other_post.pk}"' not in queue
    log = client.get("/foren/moderation/protokoll/").content.decode()
    assert "Hier geschlossen" in log and "Dort geschlossen" not in log
    # Reviewing a post elsewhere is as if it did not exist.
    assert client.post(f"/foren/moderation/meldungen/{other_post.pk}/", {"decision": "agree"}).status_code == 404

    global_view = client_for(moderator).get("/foren/moderation/").content.decode()
    assert f'id="flagged-{my_post.pk}"' in global_view and f'id="flagged-{other_post.pk}"' in global_view


def test_a_moderator_agrees_with_flags_from_the_queue(topic, moderator):
    post = flagged_reply(topic)
    client = client_for(moderator)

    response = client.post(f"/foren/moderation/meldungen/{post.pk}/", {"decision": "agree"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.is_hidden and post.flag_count == 0
    assert f'id="flagged-{post.pk}"' not in client.get("/foren/moderation/").content.decode()


def test_queue_actions_with_bad_input_give_a_message(topic, moderator):
    post = flagged_reply(topic)
    client = client_for(moderator)
    response = client.post(f"/foren/moderation/meldungen/{post.pk}/", {"decision": "explode"}, follow=True)
    assert response.status_code == 200
    assert "error" in response.content.decode()
    assert client.post("/foren/moderation/meldungen/abc/", {"decision": "agree"}).status_code == 404
    assert client.post("/foren/moderation/freigabe/424242/", {"decision": "approve"}).status_code == 404
    assert client.get(f"/foren/moderation/meldungen/{post.pk}/").status_code == 405


def test_a_moderator_approves_and_rejects_queued_posts_from_the_queue(topic, moderator):
    newcomer = MemberFactory()
    first = services.queued_post_create(author=newcomer, category=topic.category, topic=topic, body_markdown="Hallo!")
    second = services.queued_post_create(author=newcomer, category=topic.category, topic=topic, body_markdown="Spam")
    client = client_for(moderator)
    assert f'id="queued-{first.pk}"' in client.get("/foren/moderation/").content.decode()

    client.post(f"/foren/moderation/freigabe/{first.pk}/", {"decision": "approve"})
    client.post(f"/foren/moderation/freigabe/{second.pk}/", {"decision": "reject", "reason": ""})  # needs a reason
    client.post(f"/foren/moderation/freigabe/{second.pk}/", {"decision": "reject", "reason": "Werbung"})

    assert topic.posts.filter(author=newcomer).get().body_markdown == "Hallo!"
    assert list(QueuedPost.objects.order_by("pk").values_list("status", flat=True)) == ["approved", "rejected"]


def test_a_topic_action_without_a_reason_keeps_the_typed_values(topic, moderator):
    client = client_for(moderator)
    response = client.post(
        f"/foren/t/{topic.pk}/moderieren/", {"action": "split", "post_numbers": "2-3", "title": "Mein neuer Titel"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="2-3"' in html and 'value="Mein neuer Titel"' in html
    assert not ModerationAction.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "explode", "reason": REASON},
        {"action": "merge", "target": "kein Thema", "reason": REASON},
        {"action": "merge", "target": "999999", "reason": REASON},
        {"action": "move", "category": "abc", "reason": REASON},
        {"action": "move", "reason": REASON},
        {"action": "split", "post_numbers": "zwei", "title": "Ein neuer Titel hier", "reason": REASON},
    ],
)
def test_topic_actions_with_bad_input_give_a_message_not_an_error(topic, moderator, data):
    response = client_for(moderator).post(f"/foren/t/{topic.pk}/moderieren/", data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not ModerationAction.objects.exists()


def test_a_moderator_moves_and_closes_a_topic_through_the_menu(topic, moderator):
    target = CategoryFactory()
    client = client_for(moderator)
    response = client.post(
        f"/foren/t/{topic.pk}/moderieren/", {"action": "move", "category": str(target.pk), "reason": REASON}
    )
    assert response.status_code == 302
    client.post(f"/foren/t/{topic.pk}/moderieren/", {"action": "close", "reason": REASON})
    topic.refresh_from_db()
    assert topic.category == target and topic.closed


def test_members_cannot_use_the_menus(topic, member_client):
    post = topic.posts.get()
    assert (
        member_client.post(f"/foren/t/{topic.pk}/moderieren/", {"action": "close", "reason": REASON}).status_code == 403
    )
    assert (
        member_client.post(f"/foren/p/{post.pk}/moderieren/", {"action": "hide", "reason": REASON}).status_code == 403
    )
    assert member_client.post("/foren/t/abc/moderieren/", {}).status_code == 404


def test_a_moderator_hides_edits_and_silences_through_the_post_menu(topic, moderator):
    author = MemberFactory()
    post = services.post_create(author=author, topic=topic, body_markdown="Unfreundlicher Text")
    client = client_for(moderator)

    assert "Unfreundlicher Text" in client.get(f"/foren/p/{post.pk}/moderieren/?action=edit").content.decode()
    client.post(
        f"/foren/p/{post.pk}/moderieren/", {"action": "hide", "hidden_reason": "inappropriate", "reason": REASON}
    )
    client.post(
        f"/foren/p/{post.pk}/moderieren/", {"action": "edit", "body_markdown": "Freundlicher Text", "reason": REASON}
    )
    client.post(f"/foren/p/{post.pk}/moderieren/", {"action": "silence", "period": "week", "reason": REASON})
    bad = client.post(f"/foren/p/{post.pk}/moderieren/", {"action": "silence", "period": "custom", "reason": REASON})

    post.refresh_from_db()
    author.refresh_from_db()
    assert post.is_hidden and post.body_markdown == "Freundlicher Text"
    assert author.is_silenced
    assert bad.status_code == 200  # "until" is missing: a message, no silence change
    assert ModerationAction.objects.count() == 3


def test_the_log_filters_by_action_and_member(topic, moderator):
    services.topic_close(moderator=moderator, topic=topic, reason="Geschlossen wegen Streit")
    services.topic_reopen(moderator=moderator, topic=topic, reason="Wieder offen nach Klärung")
    client = client_for(moderator)

    closed_only = client.get("/foren/moderation/protokoll/?aktion=topic_close").content.decode()
    assert "Geschlossen wegen Streit" in closed_only and "Wieder offen" not in closed_only
    by_member = client.get(f"/foren/moderation/protokoll/?mitglied=@{topic.author.handle}").content.decode()
    assert "Geschlossen wegen Streit" in by_member
    nobody = client.get("/foren/moderation/protokoll/?mitglied=niemand").content.decode()
    assert "Geschlossen wegen Streit" not in nobody
    unknown = client.get("/foren/moderation/protokoll/?aktion=explode&page=abc")
    assert unknown.status_code == 200 and "Wieder offen nach Klärung" in unknown.content.decode()


# --- query counts ----------------------------------------------------------------------------


def fill_queue(topic: Topic, count: int) -> None:
    for n in range(count):
        flagged_reply(topic, flags=2)
        services.queued_post_create(
            author=MemberFactory(), category=topic.category, topic=topic, body_markdown=f"Wartet {n}"
        )


@pytest.mark.parametrize("who", ["moderator", "category_moderator"])
def test_the_queue_needs_the_same_few_queries_for_5_and_for_50_items(topic, moderator, who):
    if who == "category_moderator":
        user = MemberFactory()
        topic.category.moderators.add(user)
    else:
        user = moderator
    client = client_for(user)
    fill_queue(topic, 5)
    few = queries_for(client, "/foren/moderation/")
    fill_queue(topic, 45)
    many = queries_for(client, "/foren/moderation/")
    assert few == many
    assert many <= 15


def test_the_log_needs_the_same_few_queries_for_5_and_for_50_entries(topic, moderator):
    client = client_for(moderator)

    def act(count: int) -> None:
        for _ in range(count):
            services.topic_close(moderator=moderator, topic=topic, reason=REASON)
            services.topic_reopen(moderator=moderator, topic=topic, reason=REASON)

    act(3)
    few = queries_for(client, "/foren/moderation/protokoll/")
    act(25)
    many = queries_for(client, "/foren/moderation/protokoll/")
    assert few == many
    assert many <= 15
