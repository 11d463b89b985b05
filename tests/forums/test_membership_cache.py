"""The cached team memberships and moderated categories of a member: dropped when teams or categories change."""

from __future__ import annotations

import pytest

from community.models import TeamMembership, User
from forums import permissions
from forums.models import Category
from tests.factories import MemberFactory, TeamMembershipFactory

from .conftest import CategoryFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The member as the next request loads them: a new object without per-object caches."""
    return User.objects.get(pk=user.pk)


def test_a_later_request_reads_teams_and_moderated_categories_from_the_cache(django_assert_num_queries, team_category):
    member = MemberFactory()
    assert not permissions.can_view_category(fresh(member), team_category)
    user = fresh(member)
    permissions.team_ids_of(user)  # the verification and roles are cached too, see tests/community
    with django_assert_num_queries(0):
        assert not permissions.can_view_category(user, team_category)
        assert not permissions.can_moderate_category(user, team_category)


def test_joining_and_leaving_a_team_opens_and_closes_its_forum(team, team_category):
    member = MemberFactory()
    assert not permissions.can_view_category(fresh(member), team_category)
    membership = TeamMembershipFactory(team=team, user=member)
    assert permissions.can_view_category(fresh(member), team_category)
    membership.delete()
    assert not permissions.can_view_category(fresh(member), team_category)


def test_deleting_a_team_ends_the_memberships(team, team_category):
    member = TeamMembershipFactory(team=team).user
    assert permissions.team_ids_of(fresh(member)) == {team.pk}
    team.delete()
    assert not TeamMembership.objects.filter(user=member).exists()
    assert permissions.team_ids_of(fresh(member)) == frozenset()


def test_category_moderators_added_and_removed_from_either_side(category):
    member = MemberFactory()
    assert not permissions.can_moderate_category(fresh(member), category)
    category.moderators.add(member)
    assert permissions.can_moderate_category(fresh(member), category)
    category.moderators.remove(member)
    assert not permissions.can_moderate_category(fresh(member), category)
    member.moderated_forum_categories.add(category)
    assert permissions.can_moderate_category(fresh(member), category)
    category.moderators.clear()
    assert not permissions.can_moderate_category(fresh(member), category)


def test_a_new_subcategory_is_moderated_by_the_moderators_of_its_parent(category):
    member = MemberFactory()
    category.moderators.add(member)
    assert permissions.moderated_category_ids(fresh(member)) == {category.pk}
    sub = CategoryFactory(parent=category)
    assert permissions.can_moderate_category(fresh(member), sub)
    sub.parent = None
    sub.save()
    assert not permissions.can_moderate_category(fresh(member), sub)


def test_deleting_a_moderated_category_drops_it(category):
    member = MemberFactory()
    other = CategoryFactory()
    other.moderators.add(member)
    assert permissions.moderated_category_ids(fresh(member)) == {other.pk}
    Category.objects.filter(pk=other.pk).delete()
    assert permissions.moderated_category_ids(fresh(member)) == frozenset()
