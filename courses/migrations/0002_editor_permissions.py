"""Let Redaktion and Administration see the learner report and manage lesson videos (wagtailmedia)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Copied, not imported, so this migration keeps its meaning when the roles change later.
REPORT_GROUPS = ("Redaktion", "Administration")
MEDIA_PERMISSIONS = {
    "Redaktion": ["add_media", "change_media"],
    "Administration": ["add_media", "change_media", "delete_media"],
}


def _create(apps, label):
    app_config = apps.get_app_config(label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
    _create(apps, "courses")
    _create(apps, "wagtailmedia")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    report = Permission.objects.get(content_type__app_label="courses", codename="view_learner_report")
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    for group in Group.objects.filter(name__in=REPORT_GROUPS):
        group.permissions.add(report)
        codenames = MEDIA_PERMISSIONS.get(group.name, [])
        media = Permission.objects.filter(content_type__app_label="wagtailmedia", codename__in=codenames)
        # wagtailmedia checks media permissions per collection, like images and documents.
        group.permissions.add(*media)
        if root_collection is not None:
            for permission in media:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    permissions = Permission.objects.filter(content_type__app_label="courses", codename="view_learner_report") | (
        Permission.objects.filter(content_type__app_label="wagtailmedia")
    )
    for group in Group.objects.filter(name__in=REPORT_GROUPS):
        group.permissions.remove(*permissions)
        GroupCollectionPermission.objects.filter(group=group, permission__in=permissions).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("community", "0002_create_roles"),
        ("wagtailmedia", "0005_alter_media_options"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
