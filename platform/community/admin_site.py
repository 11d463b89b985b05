"""The Django admin site, open to superusers only; editors work in the Wagtail admin."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(admin.AdminSite):
    site_header = _("Mitmach-Regionen: technical administration")
    site_title = _("Technical administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class SuperuserAdminConfig(AdminConfig):
    default_site = "community.admin_site.SuperuserAdminSite"
