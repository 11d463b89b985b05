"""The forum pages: reading lists and topics, replying, starting topics, and what stays private."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from forums import services
from forums.models import Category, Post, Topic
from tests.factories import MemberFactory
from tests.query_counts import cold_query_count as queries_for

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db

TOPIC_TITLE = "Wie findet ihr einen Raum?"


def nonce_of(response) -> str:
    return re.search(r'name="nonce" value="([0-9a-f]+)"', response.content.decode()).group(1)


def reply(client: Client, topic: Topic, text: str, nonce: str = "a" * 32):
    return client.post(f"/foren/t/{topic.pk}/", {"body_markdown": text, "nonce": nonce})


def add_replies(topic: Topic, count: int) -> None:
    author = MemberFactory()
    for n in range(count):
        services.post_create(author=author, topic=topic, body_markdown=f"Antwort Nummer {n}")


def test_the_start_page_lists_categories_with_counters_and_the_latest_topics_in_german(client, category, topic):
    response = client.get("/foren/")
    html = response.content.decode()
    assert response.status_code == 200
    assert category.name in html
    assert category.description in html
    assert "1 Thema" in html
    assert "1 Beitrag" in html
    assert "Neueste" in html
    assert html.count(TOPIC_TITLE) == 2  # latest topic of the category and the "Neueste" list


def test_the_forum_nav_link_points_to_the_start_page(client, db):
    html = client.get("/foren/").content.decode()
    assert re.search(r'href="/foren/"\s+aria-current="page"', html)


def test_the_category_page_lists_pinned_topics_first(client, category, start_topic):
    pinned = start_topic(category=category, title="Bitte zuerst lesen: Regeln")
    start_topic(category=category, title="Die neueste Frage im Forum")
    Topic.objects.filter(pk=pinned.pk).update(pinned=True)
    html = client.get(f"/foren/c/{category.slug}/").content.decode()
    assert html.index("Bitte zuerst lesen") < html.index("Die neueste Frage")
    assert "Angeheftet" in html


def test_the_new_topic_button_shows_only_to_those_who_may_start_topics(client, member_client, category):
    assert "Neues Thema" not in client.get(f"/foren/c/{category.slug}/").content.decode()
    assert "Neues Thema" in member_client.get(f"/foren/c/{category.slug}/").content.decode()


def test_an_unknown_category_or_topic_is_not_found(client, db):
    assert client.get("/foren/c/gibt-es-nicht/").status_code == 404
    assert client.get("/foren/t/999999/").status_code == 404
    assert client.get("/foren/t/abc/").status_code == 404
    assert client.get("/foren/t/1/abc/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_a_private_team_forum_is_hidden_from_outsiders(
    who, client, member_client, team_category, team_member, start_topic
):
    secret = start_topic(category=team_category, author=team_member, title="Geheime Planung im Team")
    viewer = client if who == "anonymous" else member_client
    assert viewer.get(f"/foren/c/{team_category.slug}/").status_code == 404
    assert viewer.get(f"/foren/t/{secret.pk}/").status_code == 404
    assert viewer.get(f"/foren/t/{secret.pk}/1/").status_code == 404
    assert viewer.get(f"/foren/c/{team_category.slug}/thema-erstellen/").status_code in (302, 404)
    html = viewer.get("/foren/").content.decode()
    assert "Geheime Planung" not in html
    assert team_category.name not in html


def test_team_members_see_their_private_forum(team_category, team_member, start_topic):
    secret = start_topic(category=team_category, author=team_member, title="Geheime Planung im Team")
    client = Client()
    client.force_login(team_member)
    assert "Geheime Planung" in client.get("/foren/").content.decode()
    assert client.get(f"/foren/t/{secret.pk}/").status_code == 200


def test_the_topic_page_shows_title_tags_posts_and_the_solution_link(client, category, member, start_topic):
    topic = start_topic(category=category, author=member, tags=["raumsuche"])
    answer = services.post_create(author=MemberFactory(display_name="Hilde"), topic=topic, body_markdown="Im Rathaus!")
    services.topic_mark_solved(actor=member, topic=topic, post=answer)
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert TOPIC_TITLE in html
    assert "raumsuche" in html
    assert "Gelöst" in html
    assert f'href="/foren/t/{topic.pk}/2/"' in html
    assert "Hilde" in html
    assert "<p>Im Rathaus!</p>" in html
    assert 'id="post-2"' in html


def test_replies_link_to_the_post_they_answer(client, topic, member):
    services.post_create(author=member, topic=topic, body_markdown="Erste Antwort")
    first = Post.objects.get(topic=topic, post_number=1)
    services.post_create(author=member, topic=topic, body_markdown="Dazu noch", reply_to=first)
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert f'<a href="/foren/t/{topic.pk}/1/">' in html
    assert "Antwort auf #1" in html


def test_a_deleted_post_shows_a_notice_instead_of_its_text(client, topic, member):
    post = services.post_create(author=member, topic=topic, body_markdown="Das nehme ich zurück")
    services.post_delete(actor=member, post=post)
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert "Das nehme ich zurück" not in html
    assert "Beitrag vom Verfasser gelöscht" in html


def test_the_permalink_of_a_post_opens_the_page_that_shows_it(client, topic):
    add_replies(topic, 24)
    response = client.get(f"/foren/t/{topic.pk}/22/")
    assert response.status_code == 302
    assert response["Location"] == f"/foren/t/{topic.pk}/?page=2#post-22"
    assert 'id="post-22"' in client.get(response["Location"]).content.decode()
    assert client.get(f"/foren/t/{topic.pk}/20/")["Location"] == f"/foren/t/{topic.pk}/?page=1#post-20"


def test_a_post_number_beyond_the_end_redirects_to_the_last_post(client, topic):
    add_replies(topic, 2)
    response = client.get(f"/foren/t/{topic.pk}/99/")
    assert response.status_code == 302
    assert response["Location"] == f"/foren/t/{topic.pk}/3/"


def test_anonymous_visitors_are_asked_to_log_in_to_reply(client, topic):
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert "Zum Antworten anmelden" in html
    assert 'name="body_markdown"' not in html
    response = reply(client, topic, "Hallo")
    assert response.status_code == 302
    assert "/konto/" in response["Location"]
    assert topic.posts.count() == 1


def test_a_member_replies_and_lands_on_the_new_post(member_client, topic):
    response = member_client.get(f"/foren/t/{topic.pk}/")
    response = reply(member_client, topic, "Wir haben im Gemeindehaus getagt.", nonce_of(response))
    assert response.status_code == 302
    assert response["Location"] == f"/foren/t/{topic.pk}/2/"
    assert Post.objects.get(topic=topic, post_number=2).body_markdown == "Wir haben im Gemeindehaus getagt."


def test_a_reply_to_a_closed_topic_shows_the_german_message_and_keeps_the_text(member_client, topic):
    Topic.objects.filter(pk=topic.pk).update(closed=True)
    response = reply(member_client, topic, "Mein getippter Text bleibt")
    html = response.content.decode()
    assert response.status_code == 200
    assert "geschlossen" in html
    assert "Mein getippter Text bleibt" in html
    assert topic.posts.count() == 1


def test_an_empty_reply_shows_the_german_message(member_client, topic):
    html = reply(member_client, topic, "   ").content.decode()
    assert "Bitte schreib einen Text." in html or "Dieses Feld ist zwingend erforderlich." in html
    assert topic.posts.count() == 1


def test_an_unverified_user_cannot_reply(user, topic):
    client = Client()
    client.force_login(user)
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert 'name="body_markdown"' not in html
    assert "E-Mail-Adresse" in html
    response = reply(client, topic, "Ich bin neu hier")
    assert response.status_code == 200
    assert "Ich bin neu hier" in response.content.decode()
    assert topic.posts.count() == 1


def test_a_submitted_reply_sent_twice_creates_one_post(member_client, topic):
    nonce = nonce_of(member_client.get(f"/foren/t/{topic.pk}/"))
    first = reply(member_client, topic, "Nur einmal bitte", nonce)
    second = reply(member_client, topic, "Nur einmal bitte", nonce)
    assert topic.posts.count() == 2
    assert second.status_code == 302
    assert second["Location"] == first["Location"] == f"/foren/t/{topic.pk}/2/"


def test_a_failed_reply_does_not_use_up_its_token(member_client, topic):
    nonce = "b" * 32
    reply(member_client, topic, "   ", nonce)
    assert reply(member_client, topic, "Jetzt mit Text", nonce)["Location"] == f"/foren/t/{topic.pk}/2/"


def test_a_malicious_post_renders_inert(client, category, member, start_topic):
    topic = start_topic(
        category=category,
        author=member,
        body_markdown='<script>alert(1)</script> [klick](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    body = html[html.index('id="post-1"') :]
    assert "<script>alert" not in body
    assert 'href="javascript:' not in body
    assert not re.search(r"<[^>]*\bon\w+=", body)
    assert "&lt;script&gt;" in body or "alert(1)" not in body


def test_the_new_topic_form_needs_a_login(client, category):
    response = client.get(f"/foren/c/{category.slug}/thema-erstellen/")
    assert response.status_code == 302
    assert "/konto/" in response["Location"]


def test_a_member_starts_a_topic_with_tags(member_client, category):
    nonce = nonce_of(member_client.get(f"/foren/c/{category.slug}/thema-erstellen/"))
    response = member_client.post(
        f"/foren/c/{category.slug}/thema-erstellen/",
        {
            "title": "Wer hat eine Vorlage für die Presse?",
            "body_markdown": "Danke!",
            "tags": "Presse, Vorlagen",
            "nonce": nonce,
        },
    )
    topic = Topic.objects.get(title="Wer hat eine Vorlage für die Presse?")
    assert response["Location"] == f"/foren/t/{topic.pk}/"
    assert sorted(topic.tags.names()) == ["presse", "vorlagen"]


def test_a_too_short_title_keeps_the_typed_values(member_client, category):
    response = member_client.post(
        f"/foren/c/{category.slug}/thema-erstellen/",
        {"title": "Kurz", "body_markdown": "Mein langer Text", "tags": "presse", "nonce": "c" * 32},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "mindestens 10 Zeichen" in html
    assert 'value="Kurz"' in html
    assert "Mein langer Text" in html
    assert 'value="presse"' in html
    assert not Topic.objects.exists()


def test_a_new_topic_sent_twice_creates_one_topic(member_client, category):
    data = {"title": "Wer hat eine Vorlage für die Presse?", "body_markdown": "Danke!", "nonce": "d" * 32}
    first = member_client.post(f"/foren/c/{category.slug}/thema-erstellen/", data)
    second = member_client.post(f"/foren/c/{category.slug}/thema-erstellen/", data)
    assert Topic.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_only_moderators_may_open_the_form_of_an_announcement_category(member_client, db):
    announcements = CategoryFactory(topic_starters=Category.TopicStarters.MODERATORS)
    assert member_client.get(f"/foren/c/{announcements.slug}/thema-erstellen/").status_code == 403


# --- query counts ----------------------------------------------------------------------------


def viewer(who: str, member) -> Client:
    client = Client()
    if who == "member":
        client.force_login(member)
    return client


def fill_topics(category: Category, count: int) -> None:
    author = MemberFactory()
    for n in range(count):
        services.topic_create(
            author=author, category=category, title=f"Frage Nummer {n} an alle", body_markdown="Hallo"
        )


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_start_and_category_pages_need_the_same_few_queries_for_5_and_for_50_topics(who, member, category):
    CategoryFactory(parent=category)
    client = viewer(who, member)
    fill_topics(category, 5)
    few = [queries_for(client, "/foren/"), queries_for(client, f"/foren/c/{category.slug}/")]
    fill_topics(category, 45)
    many = [queries_for(client, "/foren/"), queries_for(client, f"/foren/c/{category.slug}/")]
    assert few == many
    assert max(many) <= 15


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_topic_page_needs_the_same_few_queries_for_5_and_for_50_posts(who, member, topic):
    client = viewer(who, member)
    add_replies(topic, 4)
    # ?page=1: without it a returning member (here the author) is sent on to their first unread post.
    few = queries_for(client, f"/foren/t/{topic.pk}/?page=1")
    add_replies(topic, 45)
    many = queries_for(client, f"/foren/t/{topic.pk}/?page=2")
    assert few == many
    assert many <= 15
