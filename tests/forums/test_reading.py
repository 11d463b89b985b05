"""Read state as Discourse keeps it: read positions, levels from posting, visits and "Neu", mark-all-read, views."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from forums import selectors, services
from forums.models import CategoryUser, ForumMember, NotificationLevel, Topic, TopicUser
from tests.factories import MemberFactory

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db


def state_of(user, topic) -> TopicUser:
    return TopicUser.objects.get(user=user, topic=topic)


def add_replies(topic: Topic, count: int, author=None) -> None:
    author = author or MemberFactory()
    for n in range(count):
        services.post_create(author=author, topic=topic, body_markdown=f"Antwort Nummer {n}")
    topic.refresh_from_db()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def new_topic_ids(user) -> set[int]:
    user = type(user).objects.get(pk=user.pk)  # fresh, as a request would load it
    return set(selectors.topic_list_queryset(user, tab=selectors.Tab.NEW).values_list("pk", flat=True))


def unread_topic_ids(user) -> set[int]:
    return set(selectors.topic_list_queryset(user, tab=selectors.Tab.UNREAD).values_list("pk", flat=True))


def come_back_after(user, *, hours: float, visit_started_hours_ago: float) -> None:
    """Pretend the member's last forum activity was `hours` ago, in a visit that began earlier."""
    now = timezone.now()
    ForumMember.objects.filter(pk=user.pk).update(
        last_seen_at=now - timedelta(hours=hours), visit_started_at=now - timedelta(hours=visit_started_hours_ago)
    )
    cache.delete(f"forums:seen:{user.pk}")


# --- posting sets read state and levels ------------------------------------------------------------


def test_starting_and_replying_set_the_read_position_the_tracking_level_and_the_member_counters(
    category, member, start_topic
):
    topic = start_topic(category=category, author=member)
    state = state_of(member, topic)
    assert (state.last_read_post_number, state.level, state.posted) == (1, NotificationLevel.TRACKING, True)
    add_replies(topic, 2)
    services.post_create(author=member, topic=topic, body_markdown="Meine zweite Antwort")
    assert state_of(member, topic).last_read_post_number == 4
    forum_member = ForumMember.objects.get(pk=member.pk)
    assert forum_member.post_count == 2
    assert forum_member.last_posted_at is not None


def test_a_reply_uses_the_members_default_level_for_replies(category, member, start_topic):
    topic = start_topic(category=category)
    services.forum_member_for(member)
    ForumMember.objects.filter(pk=member.pk).update(level_on_reply=NotificationLevel.NORMAL)
    services.post_create(author=member, topic=topic, body_markdown="Ich antworte nur")
    assert state_of(member, topic).level == NotificationLevel.NORMAL


@pytest.mark.parametrize(
    ("level", "chosen"), [(NotificationLevel.WATCHING, False), (NotificationLevel.MUTED, True), (1, True)]
)
def test_replying_leaves_a_chosen_or_closer_level_alone(level, chosen, category, member, start_topic):
    topic = start_topic(category=category)
    TopicUser.objects.create(user=member, topic=topic, level=level, level_chosen=chosen)
    services.post_create(author=member, topic=topic, body_markdown="Trotzdem eine Antwort")
    assert state_of(member, topic).level == level


def test_a_new_forum_member_gets_new_since_two_days_before_joining(member):
    forum_member = services.forum_member_for(member)
    assert forum_member.new_since == member.date_joined - timedelta(days=2)


# --- marking posts read -----------------------------------------------------------------------------


def test_the_read_position_never_goes_backwards_and_stops_at_the_last_post(topic, member):
    reader = MemberFactory()
    add_replies(topic, 4)
    assert services.posts_mark_read(user=reader, topic=topic, up_to=3) == 3
    services.posts_mark_read(user=reader, topic=topic, up_to=1)
    assert state_of(reader, topic).last_read_post_number == 3
    services.posts_mark_read(user=reader, topic=topic, up_to=999)
    assert state_of(reader, topic).last_read_post_number == 5


def test_the_read_endpoint_raises_the_position_of_the_member(topic, member):
    add_replies(topic, 4)
    reader = MemberFactory()
    response = logged_in(reader).post(f"/foren/t/{topic.pk}/gelesen/", {"post_number": "4"})
    assert response.status_code == 204
    assert state_of(reader, topic).last_read_post_number == 4


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", "1e5", "4.5", "99999999999999999999", "٣"])
def test_garbage_to_the_read_endpoint_is_a_bad_request(value, topic, member_client):
    assert member_client.post(f"/foren/t/{topic.pk}/gelesen/", {"post_number": value}).status_code == 400


def test_the_read_endpoint_refuses_visitors_get_requests_and_unknown_or_private_topics(
    client, member_client, topic, team_category, team_member, start_topic
):
    secret = start_topic(category=team_category, author=team_member, title="Geheime Planung im Team")
    assert client.post(f"/foren/t/{topic.pk}/gelesen/", {"post_number": "1"}).status_code == 403
    assert member_client.get(f"/foren/t/{topic.pk}/gelesen/").status_code == 405
    assert member_client.post("/foren/t/999999/gelesen/", {"post_number": "1"}).status_code == 404
    assert member_client.post(f"/foren/t/{secret.pk}/gelesen/", {"post_number": "1"}).status_code == 404
    assert not TopicUser.objects.filter(topic=secret).exclude(user=team_member).exists()


def test_the_read_endpoint_needs_the_csrf_token(topic, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(f"/foren/t/{topic.pk}/gelesen/", {"post_number": "1"}).status_code == 403


def test_loading_a_topic_page_marks_the_posts_shown_on_it_read(topic, member):
    add_replies(topic, 24)
    reader = MemberFactory()
    client = logged_in(reader)
    client.get(f"/foren/t/{topic.pk}/?page=1")
    assert state_of(reader, topic).last_read_post_number == 20
    client.get(f"/foren/t/{topic.pk}/?page=2")
    assert state_of(reader, topic).last_read_post_number == 25
    client.get(f"/foren/t/{topic.pk}/?page=1")
    assert state_of(reader, topic).last_read_post_number == 25


# --- landing on the first unread post ---------------------------------------------------------------


def test_a_returning_member_lands_on_their_first_unread_post(topic, member):
    reader = MemberFactory()
    client = logged_in(reader)
    client.get(f"/foren/t/{topic.pk}/")
    add_replies(topic, 3)
    response = client.get(f"/foren/t/{topic.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/foren/t/{topic.pk}/2/"
    html = client.get(f"/foren/t/{topic.pk}/?page=1").content.decode()
    assert html.index('id="post-1"') < html.index("Ab hier ungelesen") < html.index('id="post-2"')


def test_without_anything_read_or_unread_the_topic_opens_at_its_start(topic, member):
    first_time = logged_in(MemberFactory())
    assert first_time.get(f"/foren/t/{topic.pk}/").status_code == 200
    # The author has read everything: no redirect, no marker.
    with translation.override("en"):
        response = logged_in(member).get(f"/foren/t/{topic.pk}/")
    assert response.status_code == 200
    assert "Unread from here" not in response.content.decode()


def test_landing_skips_a_gap_in_the_post_numbers(topic, member):
    reader = MemberFactory()
    client = logged_in(reader)
    client.get(f"/foren/t/{topic.pk}/")
    add_replies(topic, 3)
    topic.posts.filter(post_number=2).delete()  # e.g. moved to another topic by moderation
    assert client.get(f"/foren/t/{topic.pk}/")["Location"] == f"/foren/t/{topic.pk}/3/"


# --- visits and "Neu" --------------------------------------------------------------------------------


def test_a_new_member_sees_the_topics_of_the_two_days_before_joining_as_new(category, start_topic):
    older = start_topic(category=category, title="Schon etwas älter, drei Tage")
    recent = start_topic(category=category, title="Von gestern, noch neu")
    newcomer = MemberFactory()
    now = timezone.now()
    Topic.objects.filter(pk=older.pk).update(created_at=now - timedelta(days=3))
    Topic.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=1))
    logged_in(newcomer).get("/foren/")
    assert new_topic_ids(newcomer) == {recent.pk}


def test_opening_a_topic_makes_it_no_longer_new(category, start_topic):
    topic = start_topic(category=category)
    reader = MemberFactory()
    client = logged_in(reader)
    assert new_topic_ids(reader) == {topic.pk}
    client.get(f"/foren/t/{topic.pk}/")
    assert new_topic_ids(reader) == set()


def test_a_new_visit_moves_new_since_to_the_start_of_the_previous_visit(category, start_topic):
    reader = MemberFactory()
    client = logged_in(reader)
    before = start_topic(category=category, title="Vor dem letzten Besuch erstellt")
    during = start_topic(category=category, title="Während des letzten Besuchs erstellt")
    now = timezone.now()
    Topic.objects.filter(pk=before.pk).update(created_at=now - timedelta(hours=5))
    Topic.objects.filter(pk=during.pk).update(created_at=now - timedelta(hours=3))
    come_back_after(reader, hours=2, visit_started_hours_ago=4)
    client.get("/foren/")
    forum_member = ForumMember.objects.get(pk=reader.pk)
    assert abs(forum_member.new_since - (now - timedelta(hours=4))) < timedelta(seconds=5)
    assert forum_member.visit_started_at > now - timedelta(seconds=5)
    assert new_topic_ids(reader) == {during.pk}


def test_activity_within_the_gap_continues_the_visit(category, start_topic):
    reader = MemberFactory()
    client = logged_in(reader)
    new_since = ForumMember.objects.get(pk=reader.pk).new_since
    come_back_after(reader, hours=0.5, visit_started_hours_ago=3)
    client.get("/foren/")
    forum_member = ForumMember.objects.get(pk=reader.pk)
    assert forum_member.new_since == new_since
    assert forum_member.last_seen_at > timezone.now() - timedelta(seconds=5)


def test_the_visit_gap_is_a_setting(settings, category, start_topic):
    settings.FORUMS_VISIT_GAP = 60
    reader = MemberFactory()
    client = logged_in(reader)
    come_back_after(reader, hours=0.1, visit_started_hours_ago=1)
    client.get("/foren/")
    new_since = ForumMember.objects.get(pk=reader.pk).new_since
    assert abs(new_since - (timezone.now() - timedelta(hours=1))) < timedelta(seconds=5)


# --- "Alle als gelesen markieren" -------------------------------------------------------------------


def test_mark_all_read_ends_new_and_unread_everywhere(category, member, start_topic):
    tracked = start_topic(category=category, author=member, title="Mein eigenes Thema hier")
    add_replies(tracked, 3)
    fresh = start_topic(category=CategoryFactory(), title="Ein ganz frisches Thema")
    assert unread_topic_ids(member) == {tracked.pk}
    assert fresh.pk in new_topic_ids(member)
    response = logged_in(member).post("/foren/gelesen/", {"next": "/foren/ungelesen/"})
    assert response["Location"] == "/foren/ungelesen/"
    assert unread_topic_ids(member) == set()
    assert new_topic_ids(member) == set()
    assert state_of(member, tracked).last_read_post_number == 4


def test_mark_all_read_survives_the_next_visit(category, member, start_topic):
    start_topic(category=category)
    client = logged_in(member)
    client.post("/foren/gelesen/")
    come_back_after(member, hours=3, visit_started_hours_ago=48)
    client.get("/foren/")
    assert new_topic_ids(member) == set()


def test_mark_all_read_in_a_category_leaves_the_others_alone(category, member, start_topic):
    subcategory = CategoryFactory(parent=category)
    other = CategoryFactory()
    here = start_topic(category=category, author=member, title="Hier verfolgt von mir")
    add_replies(here, 2)
    in_sub = start_topic(category=subcategory, title="Neu in der Unterkategorie")
    elsewhere = start_topic(category=other, title="Neu in einer anderen Kategorie")
    mine_elsewhere = start_topic(category=other, author=member, title="Anderswo verfolgt von mir")
    add_replies(mine_elsewhere, 2)
    response = logged_in(member).post(f"/foren/c/{category.slug}/gelesen/")
    assert response["Location"] == f"/foren/c/{category.slug}/"
    assert unread_topic_ids(member) == {mine_elsewhere.pk}
    assert new_topic_ids(member) == {elsewhere.pk}
    assert in_sub.pk not in new_topic_ids(member)
    assert CategoryUser.objects.filter(user=member, dismissed_at__isnull=False).count() == 2


def test_mark_all_read_needs_a_login_a_post_and_the_csrf_token(client, category, member):
    assert client.post("/foren/gelesen/").status_code == 302
    assert logged_in(member).get("/foren/gelesen/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post("/foren/gelesen/").status_code == 403
    assert strict.post(f"/foren/c/{category.slug}/gelesen/").status_code == 403


def test_mark_all_read_does_not_redirect_elsewhere(member):
    response = logged_in(member).post("/foren/gelesen/", {"next": "https://example.com/"})
    assert response["Location"] == "/foren/"


def test_mark_all_read_in_a_private_category_of_others_is_not_found(member, team_category):
    assert logged_in(member).post(f"/foren/c/{team_category.slug}/gelesen/").status_code == 404


# --- the view counter --------------------------------------------------------------------------------


def views_of(topic: Topic) -> int:
    return Topic.objects.get(pk=topic.pk).view_count


def test_a_member_counts_as_one_view_per_topic_and_hour(topic, member):
    reader = MemberFactory()
    client = logged_in(reader)
    client.get(f"/foren/t/{topic.pk}/")
    client.get(f"/foren/t/{topic.pk}/")
    assert views_of(topic) == 1
    TopicUser.objects.filter(user=reader, topic=topic).update(last_visited_at=timezone.now() - timedelta(hours=2))
    client.get(f"/foren/t/{topic.pk}/")
    assert views_of(topic) == 2


def test_anonymous_views_are_deduplicated_per_address_without_a_cookie(topic):
    first = Client(REMOTE_ADDR="192.0.2.1")
    response = first.get(f"/foren/t/{topic.pk}/")
    assert set(response.cookies) <= {"csrftoken"}  # no session, no tracking cookie
    first.get(f"/foren/t/{topic.pk}/")
    for n in range(2, 11):
        Client(REMOTE_ADDR=f"192.0.2.{n}").get(f"/foren/t/{topic.pk}/")
    # Ten different addresses, ten views (buffered in the cache, written ten at a time).
    assert views_of(topic) == 10


def test_buffered_anonymous_views_are_written_with_the_next_member_view(topic):
    Client(REMOTE_ADDR="198.51.100.7").get(f"/foren/t/{topic.pk}/")
    Client(REMOTE_ADDR="198.51.100.8").get(f"/foren/t/{topic.pk}/")
    assert views_of(topic) == 0
    logged_in(MemberFactory()).get(f"/foren/t/{topic.pk}/")
    assert views_of(topic) == 3
