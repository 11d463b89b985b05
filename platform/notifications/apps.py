"""Notifications: the in-app bell, the notifications page; e-mails and digests follow."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from .registry import register_kind

        # Generic kinds only; feature apps register their own (reply, mention, ...) in their ready().
        register_kind("moderation_outcome", _("Moderation"), icon="alert")
        from .realtime import register as register_streams

        register_streams()  # user:<id> on the realtime hub
        from .signals import connect_bell_invalidation

        connect_bell_invalidation()
