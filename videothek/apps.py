"""Videos, recorded webinars and the events calendar (built in a later issue)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideothekConfig(AppConfig):
    name = "videothek"
    verbose_name = _("Videothek")
