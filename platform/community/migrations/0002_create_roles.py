"""Create the role groups (Mitglied, Moderation, Redaktion, Administration) with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Copied here (not imported from community.roles) so the migration keeps working
# when the live role definitions change later; later changes get their own migration.
ROLE_PERMISSIONS = {
    "Mitglied": [],
    "Moderation": ["community.moderate_community"],
    "Redaktion": [
        "wagtailadmin.access_admin",
        "community.add_handlungsfeld",
        "community.change_handlungsfeld",
        "community.add_region",
        "community.change_region",
        "community.add_grossregion",
        "community.change_grossregion",
        "community.add_team",
        "community.change_team",
    ],
    "Administration": [
        "wagtailadmin.access_admin",
        "community.add_handlungsfeld",
        "community.change_handlungsfeld",
        "community.delete_handlungsfeld",
        "community.add_region",
        "community.change_region",
        "community.delete_region",
        "community.add_grossregion",
        "community.change_grossregion",
        "community.delete_grossregion",
        "community.add_team",
        "community.change_team",
        "community.delete_team",
        "community.add_user",
        "community.change_user",
        "community.delete_user",
        "community.moderate_community",
        "community.administer_platform",
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
    ],
}
# Wagtail checks page and collection permissions per subtree; granted on the root.
PAGE_PERMISSIONS = {
    "Redaktion": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Administration": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"],
}
COLLECTION_PERMISSIONS = {
    "Redaktion": [
        "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
        "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
    ],
    "Administration": [
        "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.delete_image",
        "wagtailimages.choose_image", "wagtaildocs.add_document", "wagtaildocs.change_document",
        "wagtaildocs.delete_document", "wagtaildocs.choose_document",
    ],
}  # fmt: skip


def _permission(apps, dotted):
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now
    # so a fresh database gets complete roles in one `migrate`.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    for name, permissions in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*[_permission(apps, dotted) for dotted in permissions])
        if root_page is not None:
            for dotted in PAGE_PERMISSIONS.get(name, []):
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=_permission(apps, f"wagtailcore.{dotted}")
                )
        if root_collection is not None:
            for dotted in COLLECTION_PERMISSIONS.get(name, []):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_permission(apps, dotted)
                )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
