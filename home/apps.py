"""Home page, content pages and (later) dashboard, hubs, Aktions-Pool and region pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home and content pages")

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the page tree seed step)
