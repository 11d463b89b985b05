"""Who may read and write what in the forums, and that team forums never leak."""

from __future__ import annotations

import pytest

from community.roles import Role
from forums import permissions, selectors, services
from forums.models import Category
from tests.factories import MemberFactory, TeamMembershipFactory, UserFactory

from .conftest import CategoryFactory

ROLES = ["anonymous", "unverified", "member", "team_member", "category_moderator", "moderator", "administrator"]
ALL = {"public", "members", "team"}
READERS = {
    "anonymous": {"public"},
    "unverified": {"public"},
    "member": {"public", "members"},
    "team_member": ALL,
    "category_moderator": ALL,
    "moderator": ALL,
    "administrator": ALL,
}
WRITERS = {**READERS, "anonymous": set(), "unverified": set()}
MODERATORS = {role: (ALL if role in {"category_moderator", "moderator", "administrator"} else set()) for role in ROLES}
EXPECTED = {
    "view_category": READERS,
    "view_topic": READERS,
    "start_topic": WRITERS,
    "reply": WRITERS,
    "edit_others_post": MODERATORS,
    "delete_others_post": MODERATORS,
    "moderate": MODERATORS,
    "moderate_topic": MODERATORS,
    "view_moderation_queue": MODERATORS,
    "flag_others_post": WRITERS,
}


def make_user(role: str, team, category=None):
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        return AnonymousUser()
    if role == "unverified":
        return UserFactory()
    if role == "team_member":
        return TeamMembershipFactory(team=team).user
    if role == "category_moderator":
        user = MemberFactory()
        category.moderators.add(user)
        return user
    roles = {"moderator": [Role.MODERATOR], "administrator": [Role.ADMINISTRATOR]}.get(role, [])
    return MemberFactory(roles=roles)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("visibility", ["public", "members", "team"])
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix_holds_for_every_role_visibility_and_action(role, visibility, action, team, start_topic):
    starters = Category.TopicStarters.TEAM if visibility == "team" else Category.TopicStarters.MEMBERS
    category = CategoryFactory(visibility=visibility, topic_starters=starters, team=team)
    topic = start_topic(category=category, author=TeamMembershipFactory(team=team).user)
    post = topic.posts.get()
    user = make_user(role, team, category)

    answers = {
        "view_category": lambda: permissions.can_view_category(user, category),
        "view_topic": lambda: permissions.can_view_topic(user, topic),
        "start_topic": lambda: permissions.can_start_topic(user, category),
        "reply": lambda: permissions.can_reply(user, topic),
        "edit_others_post": lambda: permissions.can_edit_post(user, post),
        "delete_others_post": lambda: permissions.can_delete_post(user, post),
        "moderate": lambda: permissions.can_moderate_category(user, category),
        "moderate_topic": lambda: permissions.can_moderate_topic(user, topic),
        "view_moderation_queue": lambda: permissions.can_view_moderation_queue(user),
        "flag_others_post": lambda: permissions.can_flag(user, post),
    }

    assert answers[action]() is (visibility in EXPECTED[action][role])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "unverified", "member", "member_of_another_team"])
def test_team_topics_never_reach_anyone_outside_the_team(role, team, team_category, team_member, start_topic):
    from django.contrib.auth.models import AnonymousUser

    secret = start_topic(category=team_category, author=team_member, title="Internes Protokoll vom März")
    # A public subcategory of a team forum is still private.
    sub = CategoryFactory(parent=team_category, visibility=Category.Visibility.PUBLIC)
    secret_sub = start_topic(category=sub, author=team_member, title="Öffentlich markiert, aber im Team")
    public = start_topic(category=CategoryFactory(), title="Offene Frage an alle Regionen")
    user = {
        "anonymous": AnonymousUser(),
        "unverified": UserFactory(),
        "member": MemberFactory(),
        "member_of_another_team": TeamMembershipFactory().user,
    }[role]

    visible = set(permissions.visible_topics(user))
    listed = set(selectors.latest_topics(user))
    categories = {c for main in selectors.category_list_for(user) for c in [main, *main.subcategories]}

    assert public in visible and public in listed
    assert secret not in visible and secret_sub not in visible
    assert secret not in listed and secret_sub not in listed
    assert team_category not in categories and sub not in categories
    assert not permissions.can_view_topic(user, secret_sub)


@pytest.mark.django_db
def test_team_members_and_moderators_see_the_team_forum_in_lists(team_category, team_member, moderator, start_topic):
    secret = start_topic(category=team_category, author=team_member, title="Internes Protokoll vom März")

    for user in (team_member, moderator):
        assert secret in permissions.visible_topics(user)
        assert secret in selectors.latest_topics(user)
        assert team_category in selectors.category_list_for(user)


@pytest.mark.django_db
def test_only_moderators_start_topics_in_an_announcements_category(member, moderator):
    announcements = CategoryFactory(topic_starters=Category.TopicStarters.MODERATORS)

    assert not permissions.can_start_topic(member, announcements)
    assert permissions.can_start_topic(moderator, announcements)


@pytest.mark.django_db
def test_closed_topics_take_replies_only_from_moderators_and_archived_ones_from_nobody(topic, member, moderator):
    topic.closed = True
    assert not permissions.can_reply(member, topic)
    assert permissions.can_reply(moderator, topic)

    topic.archived = True
    assert not permissions.can_reply(moderator, topic)


@pytest.mark.django_db
def test_authors_edit_and_delete_their_own_replies_but_not_in_archived_topics(topic, member):
    reply = services.post_create(author=member, topic=topic, body_markdown="Noch ein Gedanke dazu.")
    opening = topic.posts.get(post_number=1)

    assert permissions.can_edit_post(member, reply)
    assert permissions.can_delete_post(member, reply)
    assert permissions.can_edit_post(member, opening)
    assert not permissions.can_delete_post(member, opening)  # the opening post goes with its topic

    topic.archived = True
    reply.topic = topic
    assert not permissions.can_edit_post(member, reply)
    assert not permissions.can_delete_post(member, reply)


@pytest.mark.django_db
def test_a_deleted_post_cannot_be_edited_by_anyone(topic, member, moderator):
    reply = services.post_create(author=member, topic=topic, body_markdown="Das nehme ich zurück.")
    services.post_delete(actor=member, post=reply)

    assert not permissions.can_edit_post(member, reply)
    assert not permissions.can_edit_post(moderator, reply)


@pytest.mark.django_db
def test_a_category_moderator_also_moderates_its_subcategories_but_nothing_else(team, start_topic):
    main = CategoryFactory()
    sub = CategoryFactory(parent=main)
    elsewhere = CategoryFactory()
    private = CategoryFactory(visibility=Category.Visibility.TEAM, team=team, topic_starters="team")
    moderator = MemberFactory()
    main.moderators.add(moderator)

    assert permissions.can_moderate_category(moderator, main)
    assert permissions.can_moderate_category(moderator, sub)
    assert not permissions.can_moderate_category(moderator, elsewhere)
    assert not permissions.can_view_category(moderator, private)
    assert permissions.moderated_category_ids(moderator) == {main.pk, sub.pk}
    assert permissions.can_view_moderation_queue(moderator)
    assert not permissions.can_view_moderation_queue(MemberFactory())


@pytest.mark.django_db
def test_the_moderated_categories_are_looked_up_once_per_user_object(django_assert_num_queries, category):
    moderator = MemberFactory()
    category.moderators.add(moderator)
    others = [CategoryFactory() for _ in range(3)]
    permissions.team_ids_of(moderator)
    permissions.is_forum_moderator(moderator)  # Django caches the role permissions on the user too
    with django_assert_num_queries(0):
        for other in [category, *others]:
            permissions.can_moderate_category(moderator, other)


@pytest.mark.django_db
def test_a_category_moderator_sees_a_private_forum_they_moderate(team, team_category, team_member, start_topic):
    secret = start_topic(category=team_category, author=team_member, title="Internes Protokoll vom März")
    moderator = MemberFactory()
    team_category.moderators.add(moderator)

    assert permissions.can_view_topic(moderator, secret)
    assert secret in permissions.visible_topics(moderator)


@pytest.mark.django_db
def test_a_silenced_member_reads_but_neither_writes_reacts_nor_flags(topic, member):
    from datetime import timedelta

    from django.utils import timezone

    reader = MemberFactory()
    post = topic.posts.get()
    reader.silenced_until = timezone.now() + timedelta(days=1)

    assert permissions.can_view_topic(reader, topic)
    assert not permissions.can_reply(reader, topic)
    assert not permissions.can_start_topic(reader, topic.category)
    assert not permissions.can_flag(reader, post)
    assert not permissions.can_react(reader, post)

    reader.silenced_until = timezone.now() - timedelta(seconds=1)  # the silence ran out
    assert permissions.can_reply(reader, topic)
    assert permissions.can_flag(reader, post)


@pytest.mark.django_db
def test_nobody_flags_their_own_or_a_deleted_post(topic, member):
    other = MemberFactory()
    reply = services.post_create(author=other, topic=topic, body_markdown="Ein Beitrag zum Melden.")
    assert permissions.can_flag(member, reply)
    assert not permissions.can_flag(other, reply)
    services.post_delete(actor=other, post=reply)
    assert not permissions.can_flag(member, reply)
