"""Forum reads use a fixed number of queries, however many categories, topics and posts there are."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import selectors, services
from tests.factories import MemberFactory
from tests.query_counts import clear_cache

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db


def queries_for(read) -> int:
    # Measured with nothing cached: the member's roles and teams are looked up too.
    clear_cache()
    with CaptureQueriesContext(connection) as captured:
        read()
    return len(captured)


def fill(count: int, start_topic) -> None:
    for n in range(count):
        main = CategoryFactory()
        CategoryFactory(parent=main)
        start_topic(category=main, title=f"Frage Nummer {n} an alle Regionen")


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_category_list_and_latest_topics_need_the_same_queries_for_5_and_for_25(who, start_topic):
    member = MemberFactory()
    user = AnonymousUser() if who == "anonymous" else member
    fill(5, start_topic)
    few = [queries_for(lambda: selectors.category_list_for(user)), queries_for(lambda: selectors.latest_topics(user))]
    fill(20, start_topic)
    user = AnonymousUser() if who == "anonymous" else type(member).objects.get(pk=member.pk)
    many = [queries_for(lambda: selectors.category_list_for(user)), queries_for(lambda: selectors.latest_topics(user))]

    assert few == many
    # 2 reads; a member's first read also looks up their verified address and permissions (1 query each)
    # and their teams (1), then cached on the user object and in the cache.
    assert max(many) <= (2 if who == "anonymous" else 6)


def test_a_page_of_posts_is_one_query_with_authors_and_reply_links(topic):
    opening = topic.posts.get()
    for n in range(25):
        services.post_create(author=MemberFactory(), topic=topic, body_markdown=f"Antwort {n}", reply_to=opening)

    with CaptureQueriesContext(connection) as captured:
        posts = selectors.topic_posts(topic, page=2)
        shown = [(post.author.display_name, post.reply_to.post_number) for post in posts]

    assert len(captured) == 1
    assert [post.post_number for post in posts] == list(range(21, 27))
    assert shown[0][1] == 1
