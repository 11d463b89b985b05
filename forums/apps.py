"""Forums per Handlungsfeld, project and team, and (later) chat rooms."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from . import demo, signals  # noqa: F401  (demo registers the forums seed step)

        signals.connect()  # keeps the cached memberships and moderated categories current
        from .realtime import register as register_streams

        register_streams()  # topic:<id> and category:<id> on the realtime hub

        from .notification_hooks import register as register_notifications

        register_notifications()  # notification kinds, digest sections, the forum part of the settings page

        from . import chat_demo  # noqa: F401  (registers the chat seed step)
        from .chat_realtime import register as register_chat

        register_chat()  # chat:<room_id> on the hub, the chat.mention kind, rooms for new Handlungsfelder and teams

        from django.contrib.auth.signals import user_logged_in

        from .services.reading import member_visit_on_login

        # Logging in starts a forum visit, so "Neu" is measured from the member's previous visit.
        user_logged_in.connect(member_visit_on_login, dispatch_uid="forums.member_visit_on_login")
