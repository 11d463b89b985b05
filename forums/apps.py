"""Forums per Handlungsfeld, project and team, and (later) chat rooms."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from . import demo  # noqa: F401  (registers the forums seed step)
