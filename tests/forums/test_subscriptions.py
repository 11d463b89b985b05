"""Choosing a notification level for a topic or category: services, the form on the pages, bad input, privacy."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from forums import services
from forums.models import CategoryUser, NotificationLevel, TopicUser
from tests.factories import MemberFactory
from tests.html import get_in_english, visible_text

pytestmark = pytest.mark.django_db


def test_topic_level_set_stores_the_level_as_the_members_choice(topic):
    member = MemberFactory()

    services.topic_level_set(user=member, topic=topic, level=NotificationLevel.WATCHING)

    row = TopicUser.objects.get(user=member, topic=topic)
    assert (row.level, row.level_chosen) == (NotificationLevel.WATCHING, True)


def test_topic_level_set_changes_an_existing_row(topic, member):
    services.topic_level_set(user=member, topic=topic, level="0")

    row = TopicUser.objects.get(user=member, topic=topic)
    assert (row.level, row.level_chosen, row.posted) == (NotificationLevel.MUTED, True, True)


def test_category_level_set_stores_one_row_per_member_and_category(category):
    member = MemberFactory()

    services.category_level_set(user=member, category=category, level=NotificationLevel.WATCHING)
    services.category_level_set(user=member, category=category, level=NotificationLevel.TRACKING)

    assert list(CategoryUser.objects.filter(user=member).values_list("level", flat=True)) == [2]


@pytest.mark.parametrize("level", ["7", "-1", "beobachten", "", None])
def test_an_unknown_level_is_refused(topic, level):
    with pytest.raises(ValidationError):
        services.topic_level_set(user=MemberFactory(), topic=topic, level=level)


def test_nobody_follows_a_private_team_topic_they_cannot_see(team_category, team_member, start_topic):
    topic = start_topic(category=team_category, author=team_member)
    outsider = MemberFactory()

    with pytest.raises(PermissionDenied):
        services.topic_level_set(user=outsider, topic=topic, level=NotificationLevel.WATCHING)
    with pytest.raises(PermissionDenied):
        services.category_level_set(user=outsider, category=team_category, level=NotificationLevel.WATCHING)


def test_the_topic_page_shows_the_current_level_with_explanations(member_client, member, topic):
    html = member_client.get(f"/foren/t/{topic.pk}/?page=1").content.decode()

    assert f'action="/foren/t/{topic.pk}/benachrichtigung/"' in html
    # Tracking (2) is checked: the author's level after starting the topic.
    assert re.search(r'value="2"\s+checked', html)
    assert not re.search(r'value="[013]"\s+checked', html)
    assert html.count('name="level"') == 4


def test_the_level_form_works_without_javascript(member_client, member, topic):
    response = member_client.post(f"/foren/t/{topic.pk}/benachrichtigung/", {"level": "3"})

    assert response.status_code == 302
    assert response["Location"] == f"/foren/t/{topic.pk}/"
    assert services.effective_level(user=member, topic=topic) == NotificationLevel.WATCHING


def test_a_bad_level_in_the_form_gives_a_message_not_an_error(member_client, member, topic):
    response = member_client.post(f"/foren/t/{topic.pk}/benachrichtigung/", {"level": "99"}, follow=True)

    assert response.status_code == 200
    assert services.effective_level(user=member, topic=topic) == NotificationLevel.TRACKING


def test_the_category_page_has_a_level_form_that_works(member_client, member, category):
    page = member_client.get(f"/foren/c/{category.slug}/").content.decode()
    assert f'action="/foren/c/{category.slug}/benachrichtigung/"' in page

    response = member_client.post(f"/foren/c/{category.slug}/benachrichtigung/", {"level": "0"})

    assert response["Location"] == f"/foren/c/{category.slug}/"
    assert CategoryUser.objects.get(user=member, category=category).level == NotificationLevel.MUTED


def test_anonymous_visitors_see_no_level_form_and_cannot_post_one(client, topic, category):
    assert 'name="level"' not in client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert 'name="level"' not in client.get(f"/foren/c/{category.slug}/").content.decode()
    response = client.post(f"/foren/t/{topic.pk}/benachrichtigung/", {"level": "3"})
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_the_level_of_a_private_topic_cannot_be_set_by_an_outsider(team_category, team_member, start_topic):
    topic = start_topic(category=team_category, author=team_member)
    client = Client()
    client.force_login(MemberFactory())

    assert client.post(f"/foren/t/{topic.pk}/benachrichtigung/", {"level": "3"}).status_code == 404
    assert client.post(f"/foren/c/{team_category.slug}/benachrichtigung/", {"level": "3"}).status_code == 404


def test_the_level_selector_explains_each_level(member_client, member, topic):
    text = visible_text(get_in_english(member_client, f"/foren/t/{topic.pk}/?page=1").content.decode())

    for phrase in ("Watching", "Tracking", "Normal", "Muted", "every new post", "never told"):
        assert phrase in text
