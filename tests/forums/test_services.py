"""Writing in the forums through the services: numbering, counters, validation in German, events."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from forums import selectors, services
from forums.models import Category, Post, PostRevision, Topic, TopicParticipant
from forums.services import composing
from realtime.events import event_published
from tests.factories import MemberFactory, UserFactory

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db


def reply(topic: Topic, author=None, text: str = "Gute Frage, bei uns lief es so.", **kwargs) -> Post:
    return services.post_create(author=author or MemberFactory(), topic=topic, body_markdown=text, **kwargs)


def german_message(excinfo: pytest.ExceptionInfo) -> str:
    error = excinfo.value
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def test_starting_a_topic_creates_post_number_one_with_rendered_markdown(category, member):
    topic = services.topic_create(
        author=member,
        category=category,
        title="  Wie habt ihr   einen Raum gefunden? ",
        body_markdown="Wir suchen einen **großen** Saal.",
        tags=["Raumsuche", "konferenz", "raumsuche"],
    )

    post = topic.posts.get()
    assert topic.title == "Wie habt ihr einen Raum gefunden?"
    assert post.post_number == 1 and post.author == member
    assert post.body_html == "<p>Wir suchen einen <strong>großen</strong> Saal.</p>\n"
    assert sorted(topic.tags.names()) == ["konferenz", "raumsuche"]
    assert (topic.post_count, topic.participant_count, topic.last_post_number) == (1, 1, 1)
    assert topic.last_poster == member


def test_posts_are_numbered_one_two_three_and_numbers_are_never_reused(topic, member):
    second = reply(topic)
    third = reply(topic)
    services.post_delete(actor=third.author, post=third)
    fourth = reply(topic)

    assert [second.post_number, third.post_number, fourth.post_number] == [2, 3, 4]
    topic.refresh_from_db()
    assert topic.last_post_number == 4
    assert list(topic.posts.values_list("post_number", flat=True)) == [1, 2, 3, 4]


def test_stale_topic_objects_still_get_the_next_number_and_exact_counts(topic):
    # Two requests holding their own copy of the topic: the numbers and counters come from the row.
    first_copy = Topic.objects.get(pk=topic.pk)
    second_copy = Topic.objects.get(pk=topic.pk)

    a = reply(first_copy)
    b = reply(second_copy)

    assert (a.post_number, b.post_number) == (2, 3)
    assert Topic.objects.get(pk=topic.pk).post_count == 3


def test_counters_stay_right_after_a_sequence_of_operations(category, start_topic):
    anna, ben, cem = MemberFactory(), MemberFactory(), MemberFactory()
    first = start_topic(category=category, author=anna)
    second = start_topic(category=category, author=ben, title="Zweite Frage an die Runde")
    b1 = reply(first, ben)
    b2 = reply(first, ben)
    c1 = reply(first, cem)
    reply(second, anna)
    services.post_delete(actor=cem, post=c1)  # cem's only post: no longer a participant
    services.post_delete(actor=ben, post=b1)  # ben still has b2
    services.post_edit(editor=ben, post=b2, body_markdown="Korrigierte Fassung.")

    first.refresh_from_db()
    second.refresh_from_db()
    category.refresh_from_db()
    assert (first.post_count, first.participant_count) == (2, 2)
    assert (second.post_count, second.participant_count) == (2, 2)
    assert (category.topic_count, category.post_count) == (2, 4)
    assert category.last_topic == second
    # The stored counters agree with counting the rows.
    for topic in (first, second):
        visible = topic.posts.filter(deleted_at__isnull=True)
        assert topic.post_count == visible.count()
        assert topic.participant_count == visible.values("author").distinct().count()
        assert topic.participant_count == TopicParticipant.objects.filter(topic=topic).count()
    assert category.post_count == Post.objects.filter(topic__category=category, deleted_at__isnull=True).count()


def test_a_reply_to_a_post_of_another_topic_is_rejected(category, topic, start_topic):
    other = start_topic(category=category, title="Eine ganz andere Frage")
    foreign = other.posts.get()

    with translation.override("de"), pytest.raises(ValidationError) as excinfo:
        reply(topic, reply_to=foreign)

    assert "gleichen Thema" in german_message(excinfo)
    assert topic.posts.count() == 1


def test_a_reply_to_a_post_keeps_the_link(topic):
    opening = topic.posts.get()

    answer = reply(topic, reply_to=opening)

    assert answer.reply_to == opening


def test_a_closed_topic_rejects_replies_with_a_german_message_but_moderators_may_reply(topic, moderator):
    Topic.objects.filter(pk=topic.pk).update(closed=True)

    with translation.override("de"), pytest.raises(PermissionDenied) as excinfo:
        reply(topic)

    assert german_message(excinfo) == "Dieses Thema ist geschlossen; es nimmt keine Antworten mehr an."
    assert reply(topic, moderator).post_number == 2


def test_an_archived_topic_rejects_even_moderators(topic, moderator):
    Topic.objects.filter(pk=topic.pk).update(archived=True)

    with translation.override("de"), pytest.raises(PermissionDenied) as excinfo:
        reply(topic, moderator)

    assert "archiviert" in german_message(excinfo)


def test_a_too_short_title_is_rejected_in_german(category, member):
    with translation.override("de"), pytest.raises(ValidationError) as excinfo:
        services.topic_create(author=member, category=category, title="Hilfe!", body_markdown="Text")

    assert excinfo.value.message_dict == {"title": ["Der Titel braucht mindestens 10 Zeichen."]}
    assert not Topic.objects.exists()


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("x" * 201, "Text", "title"),
        ("Ein guter Titel für alle", "   \n ", "body_markdown"),
        ("Ein guter Titel für alle", "x" * 32_001, "body_markdown"),
    ],
)
def test_too_long_titles_and_empty_or_too_long_bodies_are_rejected(category, member, title, body, field):
    with pytest.raises(ValidationError) as excinfo:
        services.topic_create(author=member, category=category, title=title, body_markdown=body)

    assert list(excinfo.value.message_dict) == [field]
    assert not Topic.objects.exists()
    category.refresh_from_db()
    assert category.topic_count == 0


def test_unverified_accounts_cannot_write_anything(category, topic, user):
    with pytest.raises(PermissionDenied):
        services.topic_create(author=user, category=category, title="Ein guter Titel für alle", body_markdown="x")
    with pytest.raises(PermissionDenied):
        reply(topic, user)


def test_markdown_is_rendered_once_when_written_and_stored_sanitised(topic, monkeypatch):
    calls = []
    real = composing.render_markdown
    monkeypatch.setattr(composing, "render_markdown", lambda text, **kwargs: calls.append(text) or real(text, **kwargs))
    body = "Hallo <script>alert(1)</script> [klick](javascript:alert(1)) <img src=x onerror=alert(1)>"

    post = reply(topic, text=body)
    selectors.topic_posts(topic)

    assert calls == [body]
    stored = Post.objects.get(pk=post.pk)
    assert stored.body_markdown == body
    assert "<script" not in stored.body_html
    assert "<a" not in stored.body_html  # the javascript: link stays inert text
    assert "<img" not in stored.body_html  # raw HTML is shown as text, never as markup
    assert "&lt;script&gt;" in stored.body_html


def test_editing_stores_the_previous_text_as_a_revision(topic, member):
    post = topic.posts.get()

    services.post_edit(editor=member, post=post, body_markdown="Zweite Fassung")
    services.post_edit(editor=member, post=post, body_markdown="Dritte *Fassung*")
    services.post_edit(editor=member, post=post, body_markdown="Dritte *Fassung*")  # unchanged: no revision

    post.refresh_from_db()
    assert post.version == 3
    assert post.edited_at is not None
    assert post.body_html == "<p>Dritte <em>Fassung</em></p>\n"
    revisions = list(PostRevision.objects.filter(post=post).values_list("number", "body_markdown", "editor"))
    assert revisions == [
        (1, topic.posts.get().revisions.get(number=1).body_markdown, member.pk),
        (2, "Zweite Fassung", member.pk),
    ]
    assert revisions[0][1].startswith("Wir suchen Erfahrungen")


def test_members_cannot_edit_or_delete_the_posts_of_others(topic):
    stranger = MemberFactory()
    post = topic.posts.get()

    with translation.override("de"), pytest.raises(PermissionDenied) as excinfo:
        services.post_edit(editor=stranger, post=post, body_markdown="Übernommen")
    assert german_message(excinfo) == "Du darfst diesen Beitrag nicht bearbeiten."
    with pytest.raises(PermissionDenied):
        services.post_delete(actor=stranger, post=reply(topic))


def test_deleting_is_soft_and_a_deleted_post_cannot_be_edited(topic):
    post = reply(topic, text="Das war voreilig.")

    services.post_delete(actor=post.author, post=post)

    stored = Post.objects.get(pk=post.pk)
    assert stored.deleted_at is not None and stored.deleted_by == post.author
    assert stored.body_markdown == "Das war voreilig."  # kept for moderation
    with translation.override("de"), pytest.raises(PermissionDenied) as excinfo:
        services.post_edit(editor=post.author, post=stored, body_markdown="Neu")
    assert german_message(excinfo) == "Ein gelöschter Beitrag kann nicht bearbeitet werden."


def test_the_topic_author_marks_a_reply_as_solution_and_deleting_it_clears_the_mark(topic, member, moderator):
    answer = reply(topic)

    services.topic_mark_solved(actor=member, topic=topic, post=answer)
    assert Topic.objects.get(pk=topic.pk).accepted_post == answer

    services.post_delete(actor=moderator, post=answer)
    assert Topic.objects.get(pk=topic.pk).accepted_post is None


def test_only_the_author_or_moderation_may_mark_a_solution_and_only_a_reply_of_the_topic(topic, category, start_topic):
    answer = reply(topic)
    other_answer = reply(start_topic(category=category, title="Eine ganz andere Frage"))

    with pytest.raises(PermissionDenied):
        services.topic_mark_solved(actor=MemberFactory(), topic=topic, post=answer)
    with pytest.raises(ValidationError):
        services.topic_mark_solved(actor=topic.author, topic=topic, post=other_answer)
    with pytest.raises(ValidationError):
        services.topic_mark_solved(actor=topic.author, topic=topic, post=topic.posts.get(post_number=1))
    assert Topic.objects.get(pk=topic.pk).accepted_post is None


def test_a_failed_write_leaves_no_trace(topic):
    before = Topic.objects.values("post_count", "last_post_number").get(pk=topic.pk)

    with pytest.raises(ValidationError):
        reply(topic, text="")

    assert Topic.objects.values("post_count", "last_post_number").get(pk=topic.pk) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_events_are_published_only_after_the_commit():
    received: list[dict] = []

    def observe(sender, event, **kwargs):
        received.append(event)

    category = CategoryFactory()
    author = MemberFactory()
    event_published.connect(observe)
    try:
        with transaction.atomic():
            topic = services.topic_create(
                author=author, category=category, title="Wer kennt gute Referenten?", body_markdown="Tipps?"
            )
            assert received == []
        services.post_create(author=author, topic=topic, body_markdown="Nachtrag")
        with pytest.raises(ValidationError):
            services.post_create(author=author, topic=topic, body_markdown=" ")
    finally:
        event_published.disconnect(observe)

    assert [(e["stream"], e["kind"], e["id"]) for e in received] == [
        (f"topic:{topic.pk}", "post.created", 1),
        (f"category:{category.pk}", "topic.created", topic.pk),
        (f"topic:{topic.pk}", "post.created", 2),
    ]
    assert received[2]["payload"]["post_number"] == 2
    assert "body_html" not in received[2]["payload"]


def test_unknown_users_get_no_category_writes(category):
    assert Category.objects.get(pk=category.pk).topic_count == 0
    with pytest.raises(PermissionDenied):
        services.topic_create(author=UserFactory(), category=category, title="Ein guter Titel", body_markdown="x")
