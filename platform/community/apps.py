"""App configs of the community layer: members, roles and the shared taxonomy."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class CommunityConfig(AppConfig):
    # This module holds more than one AppConfig; without `default` Django would
    # silently use a bare AppConfig for "community" and never call ready().
    default = True
    name = "community"
    verbose_name = _("Community")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import demo, signals  # noqa: F401  (registers seed steps and signal handlers)

        signals.connect_access_invalidation()  # the cached roles and e-mail verification (permissions.member_access)


class WagtailUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our e-mail based user model."""

    user_viewset = "community.admin_views.UserViewSet"
