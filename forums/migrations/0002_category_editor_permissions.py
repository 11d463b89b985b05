"""Let Redaktion and Administration arrange forum categories in the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Copied, not imported, so this migration keeps its meaning when the roles change later.
CATEGORY_PERMISSIONS = {
    "Redaktion": ["add_category", "change_category"],
    "Administration": ["add_category", "change_category", "delete_category"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create forums' now.
    app_config = apps.get_app_config("forums")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in CATEGORY_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="forums", codename__in=codenames)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in CATEGORY_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="forums", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0001_forum_structure"),
        ("community", "0002_create_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
