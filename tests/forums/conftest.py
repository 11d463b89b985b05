"""Forum fixtures: categories of each visibility and a way to start topics through the services."""

from __future__ import annotations

from collections.abc import Callable

import factory
import pytest
from factory.django import DjangoModelFactory

from forums import services
from forums.models import Category, Topic
from tests.factories import MemberFactory, TeamFactory, TeamMembershipFactory

OPENING = "Wir suchen Erfahrungen aus anderen Regionen – wer hat Tipps?"


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.Sequence(lambda n: f"kategorie-{n}")
    description = "Austausch zwischen den Regionen."


@pytest.fixture
def category(db) -> Category:
    return CategoryFactory()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def team_member(team):
    return TeamMembershipFactory(team=team).user


@pytest.fixture
def team_category(team) -> Category:
    return CategoryFactory(
        name="Internes Teamforum",
        team=team,
        visibility=Category.Visibility.TEAM,
        topic_starters=Category.TopicStarters.TEAM,
    )


@pytest.fixture
def start_topic(db) -> Callable[..., Topic]:
    def start(*, category: Category, author=None, title: str = "Wie findet ihr einen Raum?", **kwargs) -> Topic:
        return services.topic_create(
            author=author or MemberFactory(),
            category=category,
            title=title,
            body_markdown=kwargs.pop("body_markdown", OPENING),
            **kwargs,
        )

    return start


@pytest.fixture
def topic(category, member, start_topic) -> Topic:
    return start_topic(category=category, author=member)
