"""The data migration that creates the four role groups with their permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from community.roles import Role


def permission_names(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.mark.django_db
class TestRoleGroups:
    def test_the_four_role_groups_exist(self):
        assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}

    def test_members_get_no_permissions_of_their_own(self):
        assert permission_names(Group.objects.get(name=Role.MEMBER.value)) == set()

    def test_moderation_may_moderate_and_nothing_else(self):
        assert permission_names(Group.objects.get(name=Role.MODERATOR.value)) == {"community.moderate_community"}

    def test_the_editorial_team_may_use_the_wagtail_admin_and_edit_the_taxonomy_but_not_delete_it(self):
        names = permission_names(Group.objects.get(name=Role.EDITOR.value))

        assert "wagtailadmin.access_admin" in names
        for model in ("handlungsfeld", "region", "grossregion", "team"):
            assert f"community.add_{model}" in names
            assert f"community.change_{model}" in names
            assert f"community.delete_{model}" not in names
        assert "community.moderate_community" not in names
        assert "community.administer_platform" not in names

    def test_the_editorial_team_may_edit_and_publish_pages_from_the_root(self):
        group = Group.objects.get(name=Role.EDITOR.value)
        root = Page.get_first_root_node()

        codenames = set(
            GroupPagePermission.objects.filter(group=group, page=root).values_list("permission__codename", flat=True)
        )
        assert codenames == {"add_page", "change_page", "publish_page", "lock_page", "unlock_page"}

    def test_the_editorial_team_may_add_and_choose_images_and_documents_in_the_root_collection(self):
        group = Group.objects.get(name=Role.EDITOR.value)
        root = Collection.get_first_root_node()

        codenames = set(
            GroupCollectionPermission.objects.filter(group=group, collection=root).values_list(
                "permission__codename", flat=True
            )
        )
        assert {"add_image", "change_image", "choose_image", "add_document", "choose_document"} <= codenames
        assert "delete_image" not in codenames

    def test_administration_may_administer_moderate_and_delete(self):
        names = permission_names(Group.objects.get(name=Role.ADMINISTRATOR.value))

        assert {
            "community.administer_platform",
            "community.moderate_community",
            "wagtailadmin.access_admin",
            "community.delete_region",
            "auth.change_group",
        } <= names
        root = Page.get_first_root_node()
        assert GroupPagePermission.objects.filter(
            group__name=Role.ADMINISTRATOR.value, page=root, permission__codename="bulk_delete_page"
        ).exists()

    def test_the_custom_permissions_exist(self):
        assert (
            Permission.objects.filter(
                content_type__app_label="community", codename__in=["moderate_community", "administer_platform"]
            ).count()
            == 2
        )


# Migrating needs real transactions (SQLite refuses schema work inside the test's
# transaction); serialized_rollback restores the page tree the other tests rely on.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_roles_migration_can_be_reversed_and_applied_again():
    executor = MigrationExecutor(connection)
    executor.migrate([("community", "0001_initial")])
    assert not Group.objects.filter(name__in=[role.value for role in Role]).exists()

    executor = MigrationExecutor(connection)
    # Forward to every leaf, so later migrations that were unapplied come back too.
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(Group.objects.filter(name__in=[role.value for role in Role]).values_list("name", flat=True)) == {
        role.value for role in Role
    }
    editor_group = Group.objects.get(name=Role.EDITOR.value)
    assert "wagtailadmin.access_admin" in permission_names(editor_group)
    assert GroupPagePermission.objects.filter(group=editor_group, page=Page.get_first_root_node()).count() == 5
