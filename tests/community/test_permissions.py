"""The role questions every view, consumer and template asks (community.permissions)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser, Group

from community import permissions
from community.roles import Role
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestCanPost:
    def test_an_anonymous_visitor_cannot_post(self):
        assert permissions.can_post(AnonymousUser()) is False

    def test_a_logged_in_person_with_an_unverified_address_cannot_post(self, user):
        assert permissions.can_post(user) is False

    def test_a_member_with_a_verified_address_can_post(self, member):
        assert permissions.can_post(member) is True

    def test_a_deactivated_member_cannot_post(self, member):
        member.is_active = False
        member.save()

        assert permissions.can_post(member) is False

    def test_only_the_primary_address_counts_not_another_verified_one(self):
        person = UserFactory(email="haupt@example.org")
        EmailAddress.objects.create(user=person, email="zweit@example.org", verified=True, primary=False)

        assert permissions.can_post(person) is False

    def test_the_answer_is_cached_on_the_user_object(self, member, django_assert_num_queries):
        permissions.can_post(member)

        with django_assert_num_queries(0):
            assert permissions.can_post(member) is True


class TestRoles:
    def test_an_anonymous_visitor_has_no_roles(self):
        assert permissions.roles_of(AnonymousUser()) == []

    def test_an_unverified_person_has_no_roles(self, user):
        assert permissions.roles_of(user) == []

    def test_a_member_is_only_a_member(self, member):
        assert permissions.roles_of(member) == [Role.MEMBER.value]
        assert not permissions.is_moderator(member)
        assert not permissions.is_editor(member)
        assert not permissions.is_administrator(member)

    def test_a_moderator_moderates_but_does_not_edit(self, moderator):
        assert permissions.is_moderator(moderator)
        assert not permissions.is_editor(moderator)
        assert not permissions.is_administrator(moderator)
        assert permissions.roles_of(moderator) == [Role.MEMBER.value, Role.MODERATOR.value]

    def test_an_editor_edits_but_does_not_moderate_or_administer(self, editor):
        assert permissions.is_editor(editor)
        assert not permissions.is_moderator(editor)
        assert not permissions.is_administrator(editor)
        assert permissions.roles_of(editor) == [Role.MEMBER.value, Role.EDITOR.value]

    def test_an_administrator_holds_every_role(self, administrator):
        assert permissions.is_administrator(administrator)
        assert permissions.is_editor(administrator)
        assert permissions.is_moderator(administrator)
        assert permissions.roles_of(administrator) == [
            Role.MEMBER.value,
            Role.MODERATOR.value,
            Role.EDITOR.value,
            Role.ADMINISTRATOR.value,
        ]

    def test_a_superuser_is_an_administrator_without_the_group(self, superuser):
        assert superuser.groups.filter(name=Role.ADMINISTRATOR.value).count() == 0
        assert permissions.is_administrator(superuser)

    def test_group_membership_without_a_verified_address_still_grants_the_staff_role(self):
        # Roles are granted by administrators; verification only gates posting.
        editor = UserFactory()
        editor.groups.add(Group.objects.get(name=Role.EDITOR.value))

        assert permissions.is_editor(editor)
        assert not permissions.can_post(editor)
        assert permissions.roles_of(editor) == [Role.EDITOR.value]


class TestStyleguideAccess:
    def test_only_editors_administrators_and_staff_see_the_styleguide(self, member, editor, administrator):
        staff = MemberFactory(is_staff=True)

        assert not permissions.can_view_styleguide(AnonymousUser())
        assert not permissions.can_view_styleguide(member)
        assert permissions.can_view_styleguide(editor)
        assert permissions.can_view_styleguide(administrator)
        assert permissions.can_view_styleguide(staff)
