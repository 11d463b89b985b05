"""The composer: preview, drafts, reply-to and quotes, mention suggestions, editing and deleting own posts."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from forums import services
from forums.models import Draft, Post, Topic
from tests.factories import MemberFactory, TeamMembershipFactory, UserFactory
from tests.query_counts import cold_query_count as _queries

from .composer_helpers import relax_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings, tmp_path):
    relax_limits(settings, tmp_path)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def new_topic_url(category) -> str:
    return reverse("forums:topic_new", args=[category.slug])


def nonce_of(html: str) -> str:
    return re.search(r'name="nonce" value="([0-9a-f]+)"', html).group(1)


def textarea_of(html: str) -> str:
    return re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.DOTALL).group(1)


# -- preview --------------------------------------------------------------------------------------


def test_the_preview_endpoint_renders_exactly_what_the_post_stores(topic, member):
    anna = MemberFactory()
    text = f"**Hallo** @{anna.handle}, siehe https://example.org und ![x](https://cdn.example/x.png)"
    response = client_for(member).post("/foren/vorschau/", {"body_markdown": text, "topic": topic.pk})
    post = services.post_create(author=member, topic=topic, body_markdown=text)
    assert response.status_code == 200
    assert response.json()["html"] == post.body_html
    assert "mention" in post.body_html


def test_the_preview_of_a_private_topic_is_refused_to_outsiders(team_category, team_member, start_topic):
    topic = start_topic(category=team_category, author=team_member)
    response = client_for(MemberFactory()).post("/foren/vorschau/", {"body_markdown": "x", "topic": topic.pk})
    assert response.status_code == 404


def test_the_preview_needs_a_confirmed_member(topic, client):
    assert client.post("/foren/vorschau/", {"body_markdown": "x", "topic": topic.pk}).status_code == 403
    assert client_for(UserFactory()).post("/foren/vorschau/", {"body_markdown": "x"}).status_code == 403


def test_the_preview_button_shows_the_rendering_without_javascript_and_saves_nothing(topic, member):
    client = client_for(member)
    nonce = nonce_of(client.get(f"/foren/t/{topic.pk}/").content.decode())
    response = client.post(
        f"/foren/t/{topic.pk}/", {"body_markdown": "**fett** <script>x</script>", "nonce": nonce, "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>fett</strong>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in textarea_of(html)  # the typed text is kept
    assert Post.objects.filter(topic=topic).count() == 1
    # The same form (same token) can then be sent for real.
    client.post(f"/foren/t/{topic.pk}/", {"body_markdown": "**fett**", "nonce": nonce})
    assert Post.objects.filter(topic=topic).count() == 2


def test_the_new_topic_form_previews_too(category, member):
    client = client_for(member)
    response = client.post(
        new_topic_url(category),
        {"title": "Ein Titel mit Länge", "body_markdown": "~~weg~~", "nonce": "n" * 32, "preview": "1"},
    )
    assert "<s>weg</s>" in response.content.decode()
    assert not Topic.objects.exists()


# -- drafts ---------------------------------------------------------------------------------------


def test_a_draft_is_saved_restored_on_the_next_visit_and_deleted_when_the_reply_is_sent(topic, member):
    client = client_for(member)
    response = client.post(
        "/foren/entwurf/", {"key": f"topic:{topic.pk}", "body_markdown": "Halb geschrieben …", "reply_to": "1"}
    )
    assert response.json() == {"saved": True}
    html = client.get(f"/foren/t/{topic.pk}/").content.decode()
    assert "Halb geschrieben …" in textarea_of(html)
    assert re.search(r'name="reply_to" value="1"', html)
    client.post(f"/foren/t/{topic.pk}/", {"body_markdown": "Fertig geschrieben", "nonce": nonce_of(html)})
    assert not Draft.objects.filter(user=member).exists()


def test_a_new_topic_draft_keeps_title_and_text(category, member):
    client = client_for(member)
    client.post(
        "/foren/entwurf/", {"key": f"category:{category.pk}", "title": "Mein Entwurfstitel", "body_markdown": "Text"}
    )
    html = client.get(new_topic_url(category)).content.decode()
    assert 'value="Mein Entwurfstitel"' in html
    services.topic_create(author=member, category=category, title="Mein Entwurfstitel", body_markdown="Text")
    assert not Draft.objects.filter(user=member).exists()


def test_an_empty_draft_removes_the_saved_one(topic, member):
    client = client_for(member)
    client.post("/foren/entwurf/", {"key": f"topic:{topic.pk}", "body_markdown": "x"})
    client.post("/foren/entwurf/", {"key": f"topic:{topic.pk}", "body_markdown": "  "})
    assert not Draft.objects.exists()


@pytest.mark.parametrize("key", ["topic:abc", "nonsense", "topic:999999", "category:", ""])
def test_drafts_for_unknown_places_are_refused(member, key):
    response = client_for(member).post("/foren/entwurf/", {"key": key, "body_markdown": "x"})
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_no_draft_can_be_kept_in_a_private_topic_of_another_team(team_category, team_member, start_topic):
    topic = start_topic(category=team_category, author=team_member)
    response = client_for(MemberFactory()).post("/foren/entwurf/", {"key": f"topic:{topic.pk}", "body_markdown": "x"})
    assert response.status_code == 403


# -- reply to, quote ------------------------------------------------------------------------------


def test_the_reply_link_sets_the_post_replied_to(topic, member):
    client = client_for(member)
    html = client.get(f"/foren/t/{topic.pk}/?antwort=1").content.decode()
    assert re.search(r'name="reply_to" value="1"', html)
    assert "Reply to #1" in html
    client.post(f"/foren/t/{topic.pk}/", {"body_markdown": "Genau!", "reply_to": "1", "nonce": nonce_of(html)})
    reply = Post.objects.get(topic=topic, post_number=2)
    assert reply.reply_to.post_number == 1


def test_the_quote_link_prefills_the_reply_with_a_quote_of_the_whole_post(topic, member):
    html = client_for(member).get(f"/foren/t/{topic.pk}/?zitat=1").content.decode()
    text = textarea_of(html)
    assert f"&gt; [@{topic.author.handle}, #1](/foren/t/{topic.pk}/1/):" in text
    assert "Wir suchen Erfahrungen" in text


def test_quoting_a_deleted_post_is_refused_with_a_message(topic, member):
    reply = services.post_create(author=member, topic=topic, body_markdown="Bald gelöscht")
    services.post_delete(actor=member, post=reply)
    html = client_for(MemberFactory()).get(f"/foren/t/{topic.pk}/?zitat=2").content.decode()
    assert "was hidden or deleted and cannot be quoted" in html
    assert "Bald gelöscht" not in textarea_of(html)


def test_a_reply_to_a_post_number_that_does_not_exist_keeps_the_text(topic, member):
    client = client_for(member)
    response = client.post(
        f"/foren/t/{topic.pk}/", {"body_markdown": "Mein Text bleibt", "reply_to": "77", "nonce": "b" * 32}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This post does not exist." in html
    assert "Mein Text bleibt" in textarea_of(html)
    assert Post.objects.filter(topic=topic).count() == 1


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999"])
def test_a_non_numeric_reply_to_is_a_form_error_not_a_crash(topic, member, value):
    response = client_for(member).post(
        f"/foren/t/{topic.pk}/", {"body_markdown": "Text", "reply_to": value, "nonce": "c" * 32}
    )
    assert response.status_code == 200
    assert "Text" in textarea_of(response.content.decode())


def test_posts_show_reply_and_quote_links_and_own_posts_edit_and_delete(category, member, start_topic):
    topic = start_topic(category=category)
    reply = services.post_create(author=member, topic=topic, body_markdown="Meine Antwort")
    html = client_for(member).get(f"/foren/t/{topic.pk}/").content.decode()
    assert f'href="/foren/t/{topic.pk}/?zitat=1#reply"' in html
    assert f'href="/foren/t/{topic.pk}/?antwort=2#reply"' in html
    assert f'href="/foren/p/{reply.pk}/bearbeiten/"' in html
    assert f'href="/foren/p/{reply.pk}/loeschen/"' in html
    first = Post.objects.get(topic=topic, post_number=1)
    assert f'href="/foren/p/{first.pk}/bearbeiten/"' not in html


# -- mention suggestions --------------------------------------------------------------------------


def test_mention_suggestions_match_handle_or_name_and_are_capped(topic, member):
    for n in range(10):
        MemberFactory(display_name=f"Zora Beispiel {n}")
    results = client_for(member).get("/foren/erwaehnen/", {"q": "zora", "topic": topic.pk}).json()["results"]
    assert len(results) == 8
    assert all(result["name"].startswith("Zora") for result in results)


def test_mention_suggestions_in_a_team_topic_show_only_that_team(team_category, team_member, start_topic):
    topic = start_topic(category=team_category, author=team_member)
    colleague = TeamMembershipFactory(team=team_category.team, user=MemberFactory(display_name="Quirin Team")).user
    MemberFactory(display_name="Quirin Draußen")
    results = client_for(team_member).get("/foren/erwaehnen/", {"q": "quirin", "topic": topic.pk}).json()["results"]
    assert [result["handle"] for result in results] == [colleague.handle]


def test_mention_suggestions_leak_nothing_to_outsiders_and_anonymous_visitors(
    team_category, team_member, start_topic, client
):
    topic = start_topic(category=team_category, author=team_member)
    outsider = client_for(MemberFactory())
    assert outsider.get("/foren/erwaehnen/", {"q": "k", "topic": topic.pk}).status_code == 404
    assert outsider.get("/foren/erwaehnen/", {"q": "k", "category": team_category.pk}).status_code == 404
    assert client.get("/foren/erwaehnen/", {"q": "k", "topic": topic.pk}).status_code == 403


# -- edit and delete ------------------------------------------------------------------------------


def test_a_member_edits_their_post_and_the_rendering_is_renewed(topic, member):
    reply = services.post_create(author=member, topic=topic, body_markdown="Alt")
    client = client_for(member)
    assert "Alt" in textarea_of(client.get(f"/foren/p/{reply.pk}/bearbeiten/").content.decode())
    response = client.post(f"/foren/p/{reply.pk}/bearbeiten/", {"body_markdown": "**Neu**"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body_html == "<p><strong>Neu</strong></p>\n"
    assert reply.revisions.count() == 1


@pytest.mark.parametrize("text", ["   ", "x" * 32_001])
def test_a_bad_edit_keeps_the_typed_text_and_changes_nothing(topic, member, text):
    reply = services.post_create(author=member, topic=topic, body_markdown="Alt")
    response = client_for(member).post(f"/foren/p/{reply.pk}/bearbeiten/", {"body_markdown": text})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    if text.strip():
        assert text in response.content.decode()
    reply.refresh_from_db()
    assert reply.body_markdown == "Alt"


def test_others_may_not_edit_or_delete_and_outsiders_see_nothing(
    topic, member, team_category, team_member, start_topic
):
    reply = services.post_create(author=member, topic=topic, body_markdown="Meins")
    other = client_for(MemberFactory())
    assert other.get(f"/foren/p/{reply.pk}/bearbeiten/").status_code == 403
    assert other.post(f"/foren/p/{reply.pk}/loeschen/").status_code == 403
    private = start_topic(category=team_category, author=team_member)
    private_post = Post.objects.get(topic=private, post_number=1)
    assert other.get(f"/foren/p/{private_post.pk}/bearbeiten/").status_code == 404
    assert other.get("/foren/p/999999/loeschen/").status_code == 404


def test_deleting_asks_first_then_shows_the_post_as_deleted_by_its_author(topic, member):
    reply = services.post_create(author=member, topic=topic, body_markdown="Weg damit")
    client = client_for(member)
    confirm = client.get(f"/foren/p/{reply.pk}/loeschen/")
    assert confirm.status_code == 200
    assert "Weg damit" in confirm.content.decode()
    assert not Post.objects.get(pk=reply.pk).is_deleted
    response = client.post(f"/foren/p/{reply.pk}/loeschen/", follow=True)
    assert Post.objects.get(pk=reply.pk).is_deleted
    assert "Post deleted by its author" in response.content.decode()
    # A second delete (resend) is harmless.
    assert client.post(f"/foren/p/{reply.pk}/loeschen/").status_code == 302


def test_the_edit_and_delete_pages_need_a_constant_small_number_of_queries(category, member, start_topic):
    small = start_topic(category=category, author=member)
    large = start_topic(category=category, author=member, title="Ein großes Thema mit vielen")
    writer = MemberFactory()
    for n in range(4):
        services.post_create(author=writer, topic=small, body_markdown=f"Antwort {n} @{member.handle}")
    for n in range(49):
        services.post_create(author=writer, topic=large, body_markdown=f"Antwort {n} @{member.handle}")
    mine_small = services.post_create(author=member, topic=small, body_markdown="Meins")
    mine_large = services.post_create(author=member, topic=large, body_markdown="Meins")
    client = client_for(member)
    for path in ("bearbeiten", "loeschen"):
        few = _queries(client, f"/foren/p/{mine_small.pk}/{path}/")
        many = _queries(client, f"/foren/p/{mine_large.pk}/{path}/")
        assert few == many
        assert many <= 15


def test_a_draft_and_a_quote_add_a_constant_number_of_queries_to_the_topic_page(category, member, start_topic):
    topic = start_topic(category=category)
    writer = MemberFactory()
    for n in range(49):
        services.post_create(author=writer, topic=topic, body_markdown=f"Antwort {n}")
    client = client_for(member)
    client.post("/foren/entwurf/", {"key": f"topic:{topic.pk}", "body_markdown": "Entwurf"})
    last_page = f"/foren/t/{topic.pk}/?page=3"
    client.get(last_page)  # the first visit writes read state
    plain = _queries(client, last_page)
    # The draft is one query of the plain page; a quote adds one more, whatever the length of the topic.
    assert _queries(client, f"{last_page}&zitat=3") == plain + 1
    assert _queries(client, f"{last_page}&zitat=40") == plain + 1
