"""Concurrent replies to one topic get distinct post numbers (the topic row is locked; PostgreSQL only)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from forums import services
from forums.models import Topic
from tests.factories import MemberFactory

from .conftest import CategoryFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_members_replying_at_the_same_moment_get_distinct_post_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks and serialises writers; the race needs PostgreSQL")
    category = CategoryFactory()
    authors = [MemberFactory() for _ in range(4)]
    topic = services.topic_create(
        author=authors[0], category=category, title="Wer antwortet zuerst?", body_markdown="Los geht's."
    )
    barrier = threading.Barrier(len(authors))
    numbers: list[int] = []
    errors: list[BaseException] = []

    def answer(author):
        try:
            barrier.wait()
            numbers.append(
                services.post_create(
                    author=author, topic=Topic.objects.get(pk=topic.pk), body_markdown="Ich!"
                ).post_number
            )
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(author,)) for author in authors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [2, 3, 4, 5]
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_post_number, topic.participant_count) == (5, 5, 4)
