"""RSS and Atom feeds: latest topics, per category, per topic; public content only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from forums import services
from forums.models import Category, Post, Topic
from tests.factories import MemberFactory

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db

SECRET = "Geheime Planung im Team"


@pytest.fixture
def public_topic(category, member, start_topic) -> Topic:
    topic = start_topic(category=category, author=member, title="Öffentliche Frage zur Raumsuche")
    services.post_create(author=MemberFactory(), topic=topic, body_markdown="**Sichtbare** Antwort")
    return topic


@pytest.mark.parametrize(("suffix", "content_type"), [("", "application/rss+xml"), ("atom/", "application/atom+xml")])
def test_the_latest_topics_feed_lists_public_topics_with_their_opening_post(suffix, content_type, client, public_topic):
    response = client.get(f"/foren/feed/{suffix}")
    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "Öffentliche Frage zur Raumsuche" in xml
    assert f"/foren/t/{public_topic.pk}/" in xml
    assert "Wir suchen Erfahrungen" in xml  # the opening post, as escaped HTML


@pytest.mark.parametrize("suffix", ["", "atom/"])
def test_the_category_and_topic_feeds_carry_their_content(suffix, client, category, public_topic):
    category_xml = client.get(f"/foren/c/{category.slug}/feed/{suffix}").content.decode()
    assert "Öffentliche Frage zur Raumsuche" in category_xml
    topic_response = client.get(f"/foren/t/{public_topic.pk}/feed/{suffix}")
    assert topic_response.status_code == 200
    xml = topic_response.content.decode()
    assert "&lt;strong&gt;Sichtbare&lt;/strong&gt; Antwort" in xml
    assert f"/foren/t/{public_topic.pk}/2/" in xml


def test_no_feed_shows_private_members_only_unlisted_hidden_or_deleted_content(
    client, category, member, public_topic, team_category, team_member, start_topic
):
    secret = start_topic(category=team_category, author=team_member, title=SECRET)
    members_only = CategoryFactory(visibility=Category.Visibility.MEMBERS)
    inner = start_topic(category=members_only, author=member, title="Nur für angemeldete Mitglieder")
    unlisted = start_topic(category=category, author=member, title="Nicht gelistet, nur per Link")
    Topic.objects.filter(pk=unlisted.pk).update(unlisted=True)
    hidden = services.post_create(author=member, topic=public_topic, body_markdown="Versteckter Beitrag")
    deleted = services.post_create(author=member, topic=public_topic, body_markdown="Gelöschter Beitrag")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason=Post.HiddenReason.SPAM)
    Post.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    feeds = [
        "/foren/feed/",
        "/foren/feed/atom/",
        f"/foren/c/{category.slug}/feed/",
        f"/foren/t/{public_topic.pk}/feed/",
        f"/foren/t/{public_topic.pk}/feed/atom/",
    ]
    for url in feeds:
        xml = client.get(url).content.decode()
        for text in (SECRET, "Nur für angemeldete", "Nicht gelistet", "Versteckter Beitrag", "Gelöschter Beitrag"):
            assert text not in xml, (url, text)
    for url in [
        f"/foren/c/{team_category.slug}/feed/",
        f"/foren/c/{members_only.slug}/feed/atom/",
        f"/foren/t/{secret.pk}/feed/",
        f"/foren/t/{inner.pk}/feed/",
        f"/foren/t/{unlisted.pk}/feed/",
        "/foren/c/gibt-es-nicht/feed/",
        "/foren/t/999999/feed/",
    ]:
        assert client.get(url).status_code == 404, url


def test_feeds_stay_public_for_logged_in_team_members(team_category, team_member, start_topic):
    from django.test import Client

    start_topic(category=team_category, author=team_member, title=SECRET)
    client = Client()
    client.force_login(team_member)
    assert SECRET not in client.get("/foren/feed/").content.decode()
    assert client.get(f"/foren/c/{team_category.slug}/feed/").status_code == 404


def test_list_and_topic_pages_link_their_feeds_in_the_head(client, category, public_topic, team_category):
    head = client.get("/foren/").content.decode().split("</head>")[0]
    assert 'type="application/rss+xml"' in head
    assert 'href="/foren/feed/"' in head
    assert 'href="/foren/feed/atom/"' in head
    category_head = client.get(f"/foren/c/{category.slug}/").content.decode().split("</head>")[0]
    assert f'href="/foren/c/{category.slug}/feed/"' in category_head
    topic_head = client.get(f"/foren/t/{public_topic.pk}/").content.decode().split("</head>")[0]
    assert f'href="/foren/t/{public_topic.pk}/feed/"' in topic_head


def test_private_pages_offer_no_feed(team_category, team_member, start_topic):
    from django.test import Client

    secret = start_topic(category=team_category, author=team_member, title=SECRET)
    client = Client()
    client.force_login(team_member)
    for url in [f"/foren/c/{team_category.slug}/", f"/foren/t/{secret.pk}/"]:
        head = client.get(url).content.decode().split("</head>")[0]
        assert "application/rss+xml" not in head, url
