"""The cached access facts (roles' permissions, e-mail verification): read from the cache, dropped on every change."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission

from community import permissions
from community.member_cache import MemberCache
from community.models import User
from community.roles import Role
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The member as the next request loads them: a new object without per-object caches."""
    return User.objects.get(pk=user.pk)


def test_a_later_request_asks_no_query_for_roles_and_verification(django_assert_num_queries):
    member = MemberFactory()
    assert permissions.is_member(fresh(member))
    user = fresh(member)
    with django_assert_num_queries(0):
        assert permissions.is_member(user)
        assert not permissions.is_moderator(user)
        assert not permissions.is_editor(user)
        assert not permissions.is_administrator(user)


def test_granting_and_taking_a_role_shows_on_the_next_request():
    member = MemberFactory()
    assert not permissions.is_moderator(fresh(member))
    moderators = Group.objects.get(name=Role.MODERATOR.value)
    member.groups.add(moderators)
    assert permissions.is_moderator(fresh(member))
    member.groups.remove(moderators)
    assert not permissions.is_moderator(fresh(member))


def test_adding_members_from_the_group_side_shows_on_the_next_request():
    member = MemberFactory()
    assert not permissions.is_editor(fresh(member))
    editors = Group.objects.get(name=Role.EDITOR.value)
    editors.user_set.add(member)
    assert permissions.is_editor(fresh(member))
    editors.user_set.clear()
    assert not permissions.is_editor(fresh(member))


def test_a_change_of_a_groups_permissions_reaches_every_member_of_it():
    member = MemberFactory(roles=[Role.MODERATOR])
    assert permissions.is_moderator(fresh(member))
    moderate = Permission.objects.get(codename="moderate_community")
    moderators = Group.objects.get(name=Role.MODERATOR.value)
    moderators.permissions.remove(moderate)
    assert not permissions.is_moderator(fresh(member))
    moderators.permissions.add(moderate)
    assert permissions.is_moderator(fresh(member))


def test_deleting_a_group_takes_its_permissions_away():
    member = MemberFactory()
    group = Group.objects.create(name="Vorübergehend")
    group.permissions.add(Permission.objects.get(codename="administer_platform"))
    member.groups.add(group)
    assert permissions.is_administrator(fresh(member))
    group.delete()
    assert not permissions.is_administrator(fresh(member))


def test_a_permission_given_to_the_member_directly_counts():
    member = MemberFactory()
    assert not permissions.is_administrator(fresh(member))
    member.user_permissions.add(Permission.objects.get(codename="administer_platform"))
    assert permissions.is_administrator(fresh(member))


def test_inactive_accounts_and_superusers_are_read_from_the_account_itself():
    member = MemberFactory(roles=[Role.MODERATOR])
    assert permissions.is_moderator(fresh(member))
    User.objects.filter(pk=member.pk).update(is_active=False, is_superuser=False)
    assert not permissions.is_moderator(fresh(member))
    User.objects.filter(pk=member.pk).update(is_active=True, is_superuser=True)
    assert permissions.is_administrator(fresh(member))


def test_confirming_the_address_makes_a_member_at_once():
    user = UserFactory()
    assert not permissions.is_member(fresh(user))
    address = EmailAddress.objects.get(user=user)
    address.set_verified(commit=True)
    assert permissions.is_member(fresh(user))
    address.delete()
    assert not permissions.is_member(fresh(user))


def test_a_new_unconfirmed_address_is_not_verified():
    member = MemberFactory()
    assert permissions.is_member(fresh(member))
    User.objects.filter(pk=member.pk).update(email="neu@example.org")
    assert not permissions.is_member(fresh(member))


def test_a_change_during_a_load_is_not_covered_by_the_value_loaded_before_it(settings):
    loads: list[int] = []

    def load(user: User) -> int:
        loads.append(user.pk)
        if len(loads) == 1:
            values.forget(user.pk)  # the rows change while the first request reads them
        return len(loads)

    values: MemberCache[int] = MemberCache("tests:racing", load)
    member = MemberFactory()
    assert values.get(member) == 1
    assert values.get(member) == 2  # the first value was stored under the replaced token
    assert values.get(member) == 2
    assert len(loads) == 2
