"""New-member limits: time between posts, links, attachments and the approval queue; moderators have none."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from community.models import User
from forums import services
from forums.models import ForumMember, ModerationAction, Post, QueuedPost, Topic
from forums.services import notify
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

THREE_LINKS = "Schaut mal: https://a.example.org, https://b.example.org und https://c.example.org"
UPLOAD = "![Plakat](/foren/dateien/" + "a" * 32 + "/plakat.png)"


@pytest.fixture(autouse=True)
def limits_on(settings):
    settings.FORUMS_POST_INTERVAL = 5
    settings.FORUMS_NEW_MEMBER_POST_INTERVAL = 30
    settings.FORUMS_NEW_MEMBER_MAX_LINKS = 2
    settings.FORUMS_NEW_MEMBER_ATTACHMENT_POSTS = 3
    settings.FORUMS_NEW_MEMBER_DAYS = 1
    settings.FORUMS_NEW_MEMBER_POSTS = 3
    settings.FORUMS_APPROVE_NEW_MEMBERS = False


def last_posted(user: User, seconds_ago: int) -> None:
    """Pretend the member's last post was some seconds ago."""
    then = timezone.now() - timedelta(seconds=seconds_ago)
    Post.objects.filter(author=user).update(created_at=then)
    ForumMember.objects.filter(user=user).update(last_posted_at=then)


def established(topic: Topic) -> User:
    """A member of some weeks with a few posts."""
    user = MemberFactory()
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=30))
    user.refresh_from_db()
    for n in range(3):
        services.post_create(author=user, topic=topic, body_markdown=f"Beitrag {n}")
        last_posted(user, 60)
    return user


def code_of(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.code


def test_a_new_member_waits_30_seconds_between_posts(topic, member):
    last_posted(member, 10)
    with pytest.raises(ValidationError) as error:
        services.post_create(author=member, topic=topic, body_markdown="Noch ein Gedanke")
    assert code_of(error.value) == "too_fast"
    assert error.value.params["seconds"] == 20

    last_posted(member, 31)
    services.post_create(author=member, topic=topic, body_markdown="Noch ein Gedanke")


def test_others_wait_5_seconds(topic):
    user = established(topic)
    last_posted(user, 2)
    with pytest.raises(ValidationError) as error:
        services.post_create(author=user, topic=topic, body_markdown="Schnell nachgelegt")
    assert code_of(error.value) == "too_fast"

    last_posted(user, 6)
    services.post_create(author=user, topic=topic, body_markdown="Schnell nachgelegt")


def test_without_a_stored_last_post_time_the_latest_post_counts(topic, member):
    ForumMember.objects.filter(user=member).update(last_posted_at=None)
    with pytest.raises(ValidationError):
        services.post_create(author=member, topic=topic, body_markdown="Zu schnell")


def test_a_new_member_puts_at_most_2_links_in_a_post(topic):
    newcomer = MemberFactory()
    with pytest.raises(ValidationError) as error:
        services.post_create(author=newcomer, topic=topic, body_markdown=THREE_LINKS)
    assert error.value.error_dict["body_markdown"][0].code == "too_many_links"

    services.post_create(author=newcomer, topic=topic, body_markdown="Nur https://a.example.org und www.b.example.org")


def test_established_members_and_moderators_may_link_more(topic, moderator):
    services.post_create(author=established(topic), topic=topic, body_markdown=THREE_LINKS)
    services.post_create(author=moderator, topic=topic, body_markdown=THREE_LINKS)


def test_a_new_member_attaches_nothing_in_the_first_3_posts(topic):
    newcomer = MemberFactory()
    with pytest.raises(ValidationError) as error:
        services.post_create(author=newcomer, topic=topic, body_markdown=f"Unser Plakat {UPLOAD}")
    assert error.value.error_dict["body_markdown"][0].code == "no_attachments_yet"


def test_moderators_have_no_limits(topic, moderator):
    services.post_create(author=moderator, topic=topic, body_markdown="Eins")
    services.post_create(author=moderator, topic=topic, body_markdown="Zwei sofort danach")


def test_a_category_moderator_has_no_limits_in_their_category(topic):
    category_moderator = MemberFactory()
    topic.category.moderators.add(category_moderator)
    services.post_create(author=category_moderator, topic=topic, body_markdown=THREE_LINKS)
    services.post_create(author=category_moderator, topic=topic, body_markdown="Gleich noch einer")


def test_the_membership_age_and_post_count_decide_who_is_new(topic):
    young = MemberFactory()
    assert services.is_new_member(young)
    old_but_silent = MemberFactory()
    User.objects.filter(pk=old_but_silent.pk).update(date_joined=timezone.now() - timedelta(days=30))
    old_but_silent.refresh_from_db()
    assert services.is_new_member(old_but_silent)
    assert not services.is_new_member(established(topic))


# --- through the pages ---------------------------------------------------------------------------


def reply(client: Client, topic: Topic, text: str, nonce: str = "e" * 32):
    return client.post(f"/foren/t/{topic.pk}/", {"body_markdown": text, "nonce": nonce})


def test_the_link_limit_shows_its_message_at_the_form_and_keeps_the_text(topic):
    client = Client()
    client.force_login(MemberFactory())

    response = reply(client, topic, THREE_LINKS)

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert gettext("As a new member you can put at most %(max)d links in a post.") % {"max": 2} in html
    assert THREE_LINKS in html
    assert topic.posts.count() == 1


def test_the_wait_message_shows_at_the_form_and_keeps_the_text(member_client, member, topic):
    last_posted(member, 3)
    response = reply(member_client, topic, "Mein sorgfältig getippter Text")
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Mein sorgfältig getippter Text" in html
    expected = gettext("You are posting very quickly. Please wait %(seconds)d seconds and send it again.")
    assert re.search(re.escape(expected).replace("%\\(seconds\\)d", r"\d+"), html)


def test_the_limit_on_a_new_topic_keeps_title_and_text(category):
    client = Client()
    client.force_login(MemberFactory())
    response = client.post(
        reverse("forums:topic_new", args=[category.slug]),
        {"title": "Viele Links zum Thema", "body_markdown": THREE_LINKS, "nonce": "f" * 32},
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert 'value="Viele Links zum Thema"' in html and THREE_LINKS in html
    assert not Topic.objects.filter(title="Viele Links zum Thema").exists()


# --- approval of first posts ---------------------------------------------------------------------


def test_first_posts_of_new_members_wait_for_approval_when_configured(settings, topic):
    settings.FORUMS_APPROVE_NEW_MEMBERS = True
    newcomer = MemberFactory()
    client = Client()
    client.force_login(newcomer)

    response = reply(client, topic, "Hallo, ich bin neu hier!")

    assert response.status_code == 302 and response["Location"] == f"/foren/t/{topic.pk}/"
    assert topic.posts.count() == 1
    queued = QueuedPost.objects.get()
    assert (queued.author, queued.topic, queued.body_markdown) == (newcomer, topic, "Hallo, ich bin neu hier!")
    page = client.get(response["Location"]).content.decode()
    assert unescape(page).count(gettext("Your post is waiting for approval by the moderators.")) == 1


def test_a_resent_queued_post_is_queued_once(settings, topic):
    settings.FORUMS_APPROVE_NEW_MEMBERS = True
    client = Client()
    client.force_login(MemberFactory())
    reply(client, topic, "Doppelt abgeschickt", nonce="1" * 32)
    reply(client, topic, "Doppelt abgeschickt", nonce="1" * 32)
    assert QueuedPost.objects.count() == 1


def test_an_approved_topic_is_published_through_the_services(settings, category, moderator, monkeypatch):
    settings.FORUMS_APPROVE_NEW_MEMBERS = True
    calls: list[dict] = []
    monkeypatch.setattr(notify, "notify_moderation", lambda **kwargs: calls.append(kwargs))
    newcomer = MemberFactory()
    client = Client()
    client.force_login(newcomer)
    client.post(
        reverse("forums:topic_new", args=[category.slug]),
        {"title": "Vorstellung aus dem Allgäu", "body_markdown": "Servus!", "tags": "vorstellung", "nonce": "2" * 32},
    )
    queued = QueuedPost.objects.get()
    assert not Topic.objects.exists()

    post = services.queued_post_approve(moderator=moderator, queued=queued)

    topic = post.topic
    assert (topic.title, topic.author, post.post_number) == ("Vorstellung aus dem Allgäu", newcomer, 1)
    assert list(topic.tags.names()) == ["vorstellung"]
    category.refresh_from_db()
    assert (category.topic_count, category.post_count) == (1, 1)
    queued.refresh_from_db()
    assert queued.status == QueuedPost.Status.APPROVED and queued.post == post
    assert ModerationAction.objects.get().action == ModerationAction.Action.POST_APPROVE
    assert calls[0]["recipient"] == newcomer
    assert not services.forums_recount()


def test_a_rejected_post_is_never_published(settings, topic, moderator):
    settings.FORUMS_APPROVE_NEW_MEMBERS = True
    queued = services.queued_post_create(
        author=MemberFactory(), category=topic.category, topic=topic, body_markdown="Werbung"
    )

    with pytest.raises(ValidationError):
        services.queued_post_reject(moderator=moderator, queued=queued, reason="")
    services.queued_post_reject(moderator=moderator, queued=queued, reason="Werbung ist hier fehl am Platz")

    queued.refresh_from_db()
    assert queued.status == QueuedPost.Status.REJECTED
    assert topic.posts.count() == 1
    with pytest.raises(ValidationError):
        services.queued_post_approve(moderator=moderator, queued=queued)
