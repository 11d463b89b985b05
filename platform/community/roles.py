"""The platform's roles, kept as Django groups (created by a data migration)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # The values are the group names in the database; they are German because
    # administrators see them as they are in the Wagtail user admin.
    MEMBER = "Mitglied", _("Member")
    MODERATOR = "Moderation", _("Moderation")
    EDITOR = "Redaktion", _("Editorial team")
    ADMINISTRATOR = "Administration", _("Administration")


# The permissions of each role are set by migrations (see migrations/0002_create_roles.py);
# a change to a role is a new data migration, so existing installations get it too.
