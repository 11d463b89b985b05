"""The forum models: category rules, constraints, the Wagtail snippet and the editors' permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community.roles import Role
from forums.models import Category, Post, Topic

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db


def test_a_subcategory_cannot_have_subcategories_of_its_own():
    main = CategoryFactory()
    sub = CategoryFactory(parent=main)
    subsub = CategoryFactory.build(parent=sub)

    with pytest.raises(ValidationError) as excinfo:
        subsub.full_clean()

    assert "parent" in excinfo.value.message_dict


def test_a_category_with_subcategories_cannot_become_a_subcategory():
    main, other = CategoryFactory(), CategoryFactory()
    CategoryFactory(parent=main)
    main.parent = other

    with pytest.raises(ValidationError) as excinfo:
        main.full_clean()

    assert "parent" in excinfo.value.message_dict


def test_a_team_forum_needs_its_team():
    category = CategoryFactory.build(visibility=Category.Visibility.TEAM)

    with pytest.raises(ValidationError) as excinfo:
        category.full_clean()

    assert "team" in excinfo.value.message_dict


def test_a_topic_title_needs_10_to_200_characters(topic):
    topic.title = "Zu kurz"
    with pytest.raises(ValidationError):
        topic.full_clean()
    topic.title = "x" * 201
    with pytest.raises(ValidationError):
        topic.full_clean()


def test_two_posts_of_one_topic_can_never_share_a_number(topic):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(topic=topic, post_number=1, author=topic.author, body_markdown="x", body_html="x")


def test_post_number_zero_is_refused_by_the_database(topic):
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(topic=topic, post_number=0, author=topic.author, body_markdown="x", body_html="x")


def test_tags_of_topics_are_kept_in_their_own_table(topic):
    topic.tags.add("konferenz")

    assert Topic.objects.filter(tags__name="konferenz").get() == topic
    assert topic.tagged_items.count() == 1


def test_editors_may_add_and_change_categories_and_administration_may_delete_them():
    def codenames(role: Role) -> set[str]:
        group = Group.objects.get(name=role.value)
        return set(group.permissions.filter(content_type__app_label="forums").values_list("codename", flat=True))

    assert codenames(Role.EDITOR) == {"add_category", "change_category"}
    assert codenames(Role.ADMINISTRATOR) == {"add_category", "change_category", "delete_category"}
    assert codenames(Role.MODERATOR) == set()


def test_editors_find_the_forum_categories_in_the_wagtail_admin(editor_client, category):
    listing = editor_client.get("/cms/snippets/forums/category/")
    add_form = editor_client.get("/cms/snippets/forums/category/add/")

    assert listing.status_code == 200
    assert category.name in listing.content.decode()
    assert add_form.status_code == 200


def test_members_do_not_reach_the_category_admin(member_client):
    response = member_client.get("/cms/snippets/forums/category/")

    assert response.status_code in {302, 403}
