"""The live topic page: the stream on the last page, and the permission-checked post fragment it fetches."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.roles import Role
from forums import services
from forums.selectors.lists import POSTS_PER_PAGE
from forums.services import moderation
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reply(topic, text: str = "Bei uns hat die Gemeinde geholfen.", author=None):
    return services.post_create(author=author or MemberFactory(), topic=topic, body_markdown=text)


def test_the_fragment_is_the_post_as_the_topic_page_shows_it(topic, member):
    post = reply(topic, "Fragt **früh** bei der Gemeinde an.")
    response = logged_in(member).get(f"/foren/t/{topic.pk}/{post.post_number}/fragment/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<article") and f'id="post-{post.post_number}"' in html
    assert "<strong>früh</strong>" in html
    assert "<html" not in html  # a fragment, not a page
    assert response["Cache-Control"] == "private, no-store"


def test_the_fragment_of_a_private_team_topic_is_refused_to_outsiders(team_category, team_member, start_topic, member):
    secret = start_topic(category=team_category, author=team_member, title="Geheime Planung im Team")
    post = reply(secret, "Nur für uns: Treffen am Deich", author=team_member)
    url = f"/foren/t/{secret.pk}/{post.post_number}/fragment/"
    outsider = logged_in(member).get(url)
    assert outsider.status_code == 404
    assert "Treffen am Deich" not in outsider.content.decode()
    assert Client().get(url).status_code == 404
    assert "Treffen am Deich" in logged_in(team_member).get(url).content.decode()


def test_an_unknown_post_number_gives_404(topic, member):
    assert logged_in(member).get(f"/foren/t/{topic.pk}/99/fragment/").status_code == 404
    assert logged_in(member).get("/foren/t/999999/1/fragment/").status_code == 404


def test_a_hidden_post_comes_as_the_placeholder_not_its_text(topic, member):
    post = reply(topic, "Werbung für Heizdecken")
    moderation.post_hide(moderator=MemberFactory(roles=[Role.MODERATOR]), post=post, reason="Spam")
    html = logged_in(member).get(f"/foren/t/{topic.pk}/{post.post_number}/fragment/").content.decode()
    assert f'id="post-{post.post_number}"' in html
    assert "Heizdecken" not in html


def test_the_fragment_costs_the_same_queries_in_a_long_and_a_short_topic(topic, member, start_topic, category):
    client = logged_in(member)
    short_post = reply(topic)
    long_topic = start_topic(category=category, title="Eine lange Diskussion über Räume")
    for _ in range(30):
        last = reply(long_topic)
    counts = []
    for url in (
        f"/foren/t/{topic.pk}/{short_post.post_number}/fragment/",
        f"/foren/t/{long_topic.pk}/{last.post_number}/fragment/",
    ):
        client.get(url)  # warm the per-member caches alike
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15


def test_only_the_last_page_of_a_topic_is_live_for_a_member(topic, member):
    for _ in range(POSTS_PER_PAGE + 2):
        reply(topic)
    client = logged_in(member)
    first = client.get(f"/foren/t/{topic.pk}/?page=1").content.decode()
    last = client.get(f"/foren/t/{topic.pk}/?page=2").content.decode()
    assert 'data-stream="topic:' not in first
    topic.refresh_from_db()
    assert f'data-stream="topic:{topic.pk}" data-last-id="{topic.last_post_number}"' in last
    assert 'class="new-posts-bar"' in last
    # Visitors get the plain page: no socket, no bar.
    anonymous = Client().get(f"/foren/t/{topic.pk}/?page=2").content.decode()
    assert 'data-stream="topic:' not in anonymous and "new-posts-bar" not in anonymous


def test_a_members_lists_follow_the_categories_they_may_read_for_new_topics(category, team_category, member):
    client = logged_in(member)
    start = client.get("/foren/").content.decode()
    assert f'data-stream="category:{category.pk}"' in start
    assert f'data-stream="category:{team_category.pk}"' not in start  # a private team forum stays unseen
    own = client.get(f"/foren/c/{category.slug}/").content.decode()
    assert own.count('data-stream="category:') == 1 and f'data-stream="category:{category.pk}"' in own
    # Lists that do not grow by new topics at the top, and visitors' pages, have no bar.
    assert "new-topics-bar" not in client.get("/foren/top/").content.decode()
    assert "new-topics-bar" not in Client().get("/foren/").content.decode()
