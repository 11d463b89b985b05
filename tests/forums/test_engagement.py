"""Reactions, bookmarks, "Gelöst" and "Teilen": services, permissions, the no-JS forms and the JSON for the script."""

from __future__ import annotations

import itertools
import json
import random
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import User
from forums import selectors, services
from forums.models import Bookmark, Post, Reaction, Topic
from realtime.events import event_published
from tests.factories import MemberFactory, TeamMembershipFactory
from tests.query_counts import cold_query_count as queries_for

pytestmark = pytest.mark.django_db

HEART = Reaction.Kind.HEART
BULB = Reaction.Kind.BULB


@pytest.fixture
def reply(topic) -> Post:
    """A reply by someone other than the `member` fixture, so the member may react to it."""
    return services.post_create(
        author=MemberFactory(display_name="Hilde Antwort"), topic=topic, body_markdown="Im Rathaus!"
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)


def assert_counters_match_rows(topic: Topic) -> None:
    total = 0
    for post in Post.objects.filter(topic=topic):
        rows = dict(Reaction.objects.filter(post=post).values_list("kind").annotate(n=Count("pk")).order_by())
        assert post.reaction_counts == {kind: n for kind, n in rows.items() if n}
        assert post.reaction_count == sum(rows.values())
        total += post.reaction_count
    assert Topic.objects.get(pk=topic.pk).reaction_count == total


# --- services ----------------------------------------------------------------------------


def test_a_reaction_toggles_on_and_off_and_keeps_every_counter(member, reply, topic):
    assert services.reaction_toggle(user=member, post=reply, kind=HEART) is True
    assert fresh(reply).reaction_counts == {"heart": 1}
    assert fresh(reply).reaction_count == 1
    assert Topic.objects.get(pk=topic.pk).reaction_count == 1

    assert services.reaction_toggle(user=member, post=reply, kind=HEART) is False
    assert fresh(reply).reaction_counts == {}
    assert fresh(reply).reaction_count == 0
    assert Topic.objects.get(pk=topic.pk).reaction_count == 0
    assert not Reaction.objects.exists()


def test_one_reaction_of_each_kind_per_member_and_post(member, reply, topic):
    for kind in Reaction.Kind.values:
        services.reaction_toggle(user=member, post=reply, kind=kind)
    services.reaction_toggle(user=MemberFactory(), post=reply, kind=HEART)
    post = fresh(reply)
    assert post.reaction_count == 6
    assert post.reaction_counts["heart"] == 2
    assert set(post.reaction_counts) == set(Reaction.Kind.values)
    # Shown in the fixed order of the kinds, whatever order the database keeps the counts in.
    html = Client().get(f"/foren/t/{topic.pk}/").content.decode()
    emojis = [emoji for emoji in Reaction.Kind.labels if emoji in html]
    assert sorted(emojis, key=html.index) == list(Reaction.Kind.labels)
    assert Reaction.objects.filter(post=reply, user=member).count() == 5


def test_setting_a_state_twice_is_idempotent(member, reply, topic):
    """A form sent twice (double click) must not undo itself."""
    assert services.reaction_toggle(user=member, post=reply, kind=HEART, active=True) is True
    assert services.reaction_toggle(user=member, post=reply, kind=HEART, active=True) is True
    assert fresh(reply).reaction_count == 1
    assert services.reaction_toggle(user=member, post=reply, kind=HEART, active=False) is False
    assert services.reaction_toggle(user=member, post=reply, kind=HEART, active=False) is False
    assert fresh(reply).reaction_count == 0
    assert Topic.objects.get(pk=topic.pk).reaction_count == 0


def test_counters_stay_exact_after_a_random_sequence_of_toggles(topic):
    rng = random.Random(4)
    authors = [MemberFactory() for _ in range(3)]
    posts = [services.post_create(author=author, topic=topic, body_markdown="Antwort") for author in authors]
    reactors = [MemberFactory() for _ in range(4)]
    for _step in range(120):
        post = rng.choice(posts)
        # Stale post objects on purpose: a second browser tab holds old counts.
        services.reaction_toggle(
            user=rng.choice(reactors),
            post=post,
            kind=rng.choice(Reaction.Kind.values),
            active=rng.choice([None, None, True, False]),
        )
    assert_counters_match_rows(topic)


def test_reacting_notifies_on_add_and_publishes_the_counts(member, reply, topic, django_capture_on_commit_callbacks):
    events = []

    def receive(sender, event, **kwargs):
        events.append(event)

    event_published.connect(receive)
    try:
        with (
            mock.patch("forums.services.notify.notify_reaction") as notify,
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.reaction_toggle(user=member, post=reply, kind=BULB)
            services.reaction_toggle(user=member, post=reply, kind=BULB)
    finally:
        event_published.disconnect(receive)
    assert notify.call_count == 1
    reaction = notify.call_args.kwargs["reaction"]
    assert (reaction.kind, reaction.user, reaction.post.pk) == (BULB, member, reply.pk)
    reaction_events = [event for event in events if event["kind"] == "post.reactions"]
    assert [event["stream"] for event in reaction_events] == [f"topic:{topic.pk}"] * 2
    assert reaction_events[0]["payload"]["counts"] == {"bulb": 1}
    assert reaction_events[1]["payload"]["total"] == 0


def test_an_unknown_reaction_is_refused(member, reply):
    with pytest.raises(ValidationError) as error:
        services.reaction_toggle(user=member, post=reply, kind="thumbsdown")
    assert error.value.code == "unknown_kind"
    assert not Reaction.objects.exists()


def test_nobody_reacts_to_their_own_post(member, topic):
    opening = topic.posts.get(post_number=1)
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=member, post=opening, kind=HEART)


def test_deleted_hidden_and_archived_posts_take_no_reactions(member, topic):
    author = MemberFactory()
    deleted = services.post_create(author=author, topic=topic, body_markdown="Zurückgezogen")
    services.post_delete(actor=author, post=deleted)
    hidden = services.post_create(author=author, topic=topic, body_markdown="Versteckt")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="spam")
    for post in (fresh(deleted), fresh(hidden)):
        with pytest.raises(PermissionDenied):
            services.reaction_toggle(user=member, post=post, kind=HEART)
    fine = services.post_create(author=author, topic=topic, body_markdown="Normal")
    Topic.objects.filter(pk=topic.pk).update(archived=True)
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=member, post=fine, kind=HEART)
    assert not Reaction.objects.exists()


def test_unverified_and_silenced_members_cannot_react(user, reply):
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=user, post=reply, kind=HEART)
    silenced = MemberFactory()
    User.objects.filter(pk=silenced.pk).update(silenced_until=timezone.now() + timezone.timedelta(days=3))
    silenced = User.objects.get(pk=silenced.pk)
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=silenced, post=reply, kind=HEART)
    assert not Reaction.objects.exists()


def test_no_reacting_or_bookmarking_in_a_private_topic_of_another_team(member, team_category, team_member, start_topic):
    secret = start_topic(category=team_category, author=team_member, title="Geheime Planung im Team")
    post = secret.posts.get()
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=member, post=post, kind=HEART)
    with pytest.raises(PermissionDenied):
        services.bookmark_toggle(user=member, post=post)
    colleague = TeamMembershipFactory(team=team_category.team).user
    assert services.reaction_toggle(user=colleague, post=post, kind=HEART) is True


def test_a_bookmark_toggles_and_copies_the_topic(member, reply, topic):
    assert services.bookmark_toggle(user=member, post=reply) is True
    bookmark = Bookmark.objects.get()
    assert (bookmark.user, bookmark.post_id, bookmark.topic_id) == (member, reply.pk, topic.pk)
    assert services.bookmark_toggle(user=member, post=reply, active=True) is True
    assert Bookmark.objects.count() == 1
    assert services.bookmark_toggle(user=member, post=reply) is False
    assert not Bookmark.objects.exists()


def test_members_may_bookmark_their_own_posts_but_visitors_may_not_bookmark(member, topic):
    from django.contrib.auth.models import AnonymousUser

    own = topic.posts.get(post_number=1)
    assert services.bookmark_toggle(user=member, post=own) is True
    with pytest.raises(PermissionDenied):
        services.bookmark_toggle(user=AnonymousUser(), post=own)


def test_the_topic_author_marks_and_unmarks_the_solution_and_the_answerer_is_told(member, reply, topic):
    with mock.patch("forums.services.notify.notify_solved") as notify:
        services.topic_mark_solved(actor=member, topic=topic, post=reply)
        services.topic_mark_solved(actor=member, topic=topic, post=reply)
    assert notify.call_count == 1
    assert notify.call_args.kwargs == {"topic": topic, "post": reply, "actor": member}
    assert Topic.objects.get(pk=topic.pk).accepted_post_id == reply.pk

    services.topic_unmark_solved(actor=member, topic=topic)
    assert Topic.objects.get(pk=topic.pk).accepted_post_id is None


def test_moderators_may_unmark_others_may_not(member, moderator, reply, topic):
    services.topic_mark_solved(actor=member, topic=topic, post=reply)
    with pytest.raises(PermissionDenied):
        services.topic_unmark_solved(actor=reply.author, topic=topic)
    services.topic_unmark_solved(actor=moderator, topic=topic)
    assert Topic.objects.get(pk=topic.pk).accepted_post_id is None


# --- selector ----------------------------------------------------------------------------


def test_the_viewer_state_knows_my_reactions_bookmarks_and_rights_in_one_query(member, reply, topic):
    services.reaction_toggle(user=member, post=reply, kind=HEART)
    services.reaction_toggle(user=MemberFactory(), post=reply, kind=BULB)
    services.bookmark_toggle(user=member, post=reply)
    page = selectors.topic_post_page(Topic.objects.select_related("category__parent").get(pk=topic.pk))
    found = Topic.objects.select_related("category__parent").get(pk=topic.pk)
    member = User.objects.get(pk=member.pk)
    # The first call fills the per-user permission caches (a page's own checks do that in the view).
    selectors.post_viewer_state(member, page.object_list, found)
    with CaptureQueriesContext(connection) as captured:
        viewer = selectors.post_viewer_state(member, page.object_list, found)
    assert len(captured) == 1
    opening, answer = (viewer["posts"][row.post.pk] for row in page.object_list)
    assert [button.pressed for button in answer.reactions] == [True, False, False, False, False]
    assert {button.kind: button.count for button in answer.reactions}["bulb"] == 1
    assert answer.bookmarked and not opening.bookmarked
    assert answer.can_react and not opening.can_react
    assert answer.can_mark_solved and not opening.can_mark_solved
    assert opening.can_edit and not answer.can_edit
    assert answer.react_url == f"/foren/p/{reply.pk}/reaktion/"


def test_the_viewer_state_takes_post_ids_too(member, reply, topic):
    found = Topic.objects.select_related("category__parent").get(pk=topic.pk)
    viewer = selectors.post_viewer_state(member, [reply.pk], found)
    assert list(viewer["posts"]) == [reply.pk]


# --- the forms without JavaScript and the JSON for the script ----------------------------


def test_the_reaction_form_redirects_back_to_the_post(member_client, reply, topic):
    response = member_client.post(f"/foren/p/{reply.pk}/reaktion/", {"add": "heart"})
    assert response.status_code == 302
    assert response["Location"] == f"/foren/t/{topic.pk}/?page=1#post-2"
    assert fresh(reply).reaction_counts == {"heart": 1}
    # The same form resent adds nothing; the remove button takes it off.
    member_client.post(f"/foren/p/{reply.pk}/reaktion/", {"add": "heart"})
    assert fresh(reply).reaction_count == 1
    member_client.post(f"/foren/p/{reply.pk}/reaktion/", {"remove": "heart"})
    assert fresh(reply).reaction_count == 0


def test_the_script_gets_counts_and_my_kinds_as_json(member_client, reply):
    response = member_client.post(
        f"/foren/p/{reply.pk}/reaktion/", {"add": "tada"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data == {
        "ok": True,
        "post_id": reply.pk,
        "kind": "tada",
        "active": True,
        "counts": {"tada": 1},
        "total": 1,
        "mine": ["tada"],
    }


def test_an_unknown_kind_gives_400_with_a_german_message_for_the_script(member_client, reply):
    response = member_client.post(
        f"/foren/p/{reply.pk}/reaktion/", {"add": "<script>"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "Diese Reaktion gibt es nicht."
    assert not Reaction.objects.exists()


def test_an_unknown_kind_without_script_shows_a_message_on_the_topic_page(member_client, reply, topic):
    response = member_client.post(f"/foren/p/{reply.pk}/reaktion/", {"add": "thumbsdown"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/foren/t/{topic.pk}/?page=1#post-2"
    assert len(list(response.context["messages"])) == 1


def test_reacting_to_ones_own_post_is_forbidden_as_json(member_client, topic):
    opening = topic.posts.get(post_number=1)
    response = member_client.post(
        f"/foren/p/{opening.pk}/reaktion/", {"add": "heart"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 403
    assert json.loads(response.content)["ok"] is False


def test_non_numeric_unknown_or_invisible_posts_are_not_found(member_client, team_category, team_member, start_topic):
    secret = start_topic(category=team_category, author=team_member, title="Geheime Planung im Team").posts.get()
    for path in ("reaktion", "lesezeichen", "loesung"):
        assert member_client.post(f"/foren/p/abc/{path}/", {"add": "heart"}).status_code == 404
        assert member_client.post(f"/foren/p/999999/{path}/", {"add": "heart"}).status_code == 404
        assert member_client.post(f"/foren/p/{secret.pk}/{path}/", {"add": "heart"}).status_code == 404
    assert member_client.get(f"/foren/p/{secret.pk}/reaktionen/").status_code == 404
    assert not Reaction.objects.exists()
    assert not Bookmark.objects.exists()


def test_a_get_request_does_not_react(member_client, reply):
    assert member_client.get(f"/foren/p/{reply.pk}/reaktion/?add=heart").status_code == 405
    assert not Reaction.objects.exists()


def test_visitors_are_sent_to_the_login(client, reply):
    response = client.post(f"/foren/p/{reply.pk}/reaktion/", {"add": "heart"})
    assert response.status_code == 302
    assert "/konto/" in response["Location"]
    assert not Reaction.objects.exists()


def test_the_bookmark_form_redirects_and_answers_json(member_client, member, reply, topic):
    response = member_client.post(f"/foren/p/{reply.pk}/lesezeichen/", {"active": "1"})
    assert response["Location"] == f"/foren/t/{topic.pk}/?page=1#post-2"
    assert Bookmark.objects.filter(user=member, post=reply).exists()
    response = member_client.post(
        f"/foren/p/{reply.pk}/lesezeichen/", {"active": "0"}, headers={"accept": "application/json"}
    )
    assert json.loads(response.content) == {"ok": True, "post_id": reply.pk, "active": False}
    assert not Bookmark.objects.exists()


def test_the_solution_form_marks_and_unmarks(member_client, reply, topic):
    response = member_client.post(f"/foren/p/{reply.pk}/loesung/", {"solved": "1"})
    assert response["Location"] == f"/foren/t/{topic.pk}/?page=1#post-2"
    assert Topic.objects.get(pk=topic.pk).accepted_post_id == reply.pk
    member_client.post(f"/foren/p/{reply.pk}/loesung/", {"solved": "0"})
    assert Topic.objects.get(pk=topic.pk).accepted_post_id is None


def test_only_the_author_or_moderation_may_mark_the_solution(reply, topic):
    stranger = client_for(MemberFactory())
    response = stranger.post(f"/foren/p/{reply.pk}/loesung/", {"solved": "1"}, headers={"accept": "application/json"})
    assert response.status_code == 403
    assert Topic.objects.get(pk=topic.pk).accepted_post_id is None


def test_the_opening_post_cannot_be_the_solution(member_client, topic):
    opening = topic.posts.get(post_number=1)
    response = member_client.post(
        f"/foren/p/{opening.pk}/loesung/", {"solved": "1"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    assert Topic.objects.get(pk=topic.pk).accepted_post_id is None


def test_who_reacted_lists_names_per_kind(client, member, reply):
    services.reaction_toggle(user=member, post=reply, kind=HEART)
    services.reaction_toggle(user=MemberFactory(display_name="Jonas Beispiel"), post=reply, kind=BULB)
    html = client.get(f"/foren/p/{reply.pk}/reaktionen/").content.decode()
    assert str(member) in html
    assert "Jonas Beispiel" in html
    fragment = client.get(f"/foren/p/{reply.pk}/reaktionen/?fragment=1").content.decode()
    assert "<html" not in fragment
    assert "Jonas Beispiel" in fragment


def test_who_reacted_in_a_members_only_forum_is_for_members(client, member, category, start_topic):
    category.visibility = category.Visibility.MEMBERS
    category.save()
    topic = start_topic(category=category)
    post = services.post_create(author=MemberFactory(), topic=topic, body_markdown="Antwort")
    services.reaction_toggle(user=member, post=post, kind=HEART)
    assert client.get(f"/foren/p/{post.pk}/reaktionen/").status_code == 404
    assert client_for(member).get(f"/foren/p/{post.pk}/reaktionen/").status_code == 200


# --- the topic page --------------------------------------------------------------------------


def test_the_topic_page_shows_pressed_reactions_bookmark_solution_and_share(member_client, member, reply, topic):
    services.reaction_toggle(user=member, post=reply, kind=HEART)
    services.bookmark_toggle(user=member, post=reply)
    html = member_client.get(f"/foren/t/{topic.pk}/?page=1").content.decode()
    post_html = html[html.index('id="post-2"') :]
    assert f'action="/foren/p/{reply.pk}/reaktion/"' in post_html
    assert 'name="remove"\n' in post_html or 'name="remove"' in post_html
    assert 'aria-pressed="true"' in post_html
    assert f'formaction="/foren/p/{reply.pk}/lesezeichen/"' in post_html
    assert f'formaction="/foren/p/{reply.pk}/loesung/"' in post_html
    assert f'href="/foren/t/{topic.pk}/2/"' in post_html
    assert f'href="/foren/p/{reply.pk}/reaktionen/"' in post_html


def test_visitors_see_counts_but_no_reaction_buttons(client, member, reply, topic):
    services.reaction_toggle(user=member, post=reply, kind=HEART)
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert "reaction--static" in html
    assert "/reaktion/" not in html
    assert "/lesezeichen/" not in html


def add_engaged_replies(topic: Topic, count: int, reactors: list[User], viewer: User) -> None:
    author = MemberFactory()
    for n in range(count):
        post = services.post_create(author=author, topic=topic, body_markdown=f"Antwort Nummer {n}")
        for user, kind in itertools.product(reactors, (HEART, BULB)):
            services.reaction_toggle(user=user, post=post, kind=kind)
        services.bookmark_toggle(user=viewer, post=post)


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_topic_page_with_reactions_and_bookmarks_needs_the_same_few_queries_for_5_and_50_posts(who, member, topic):
    # A fresh client per request, so both requests count as a first view (view counts are throttled).
    def client() -> Client:
        return client_for(member) if who == "member" else Client()

    reactors = [member, MemberFactory()]
    add_engaged_replies(topic, 4, reactors, member)
    few = queries_for(client(), f"/foren/t/{topic.pk}/?page=1")
    add_engaged_replies(topic, 45, reactors, member)
    many = queries_for(client(), f"/foren/t/{topic.pk}/?page=2")
    assert few == many
    assert many <= 15
