"""Videos, recorded webinars and the events calendar (built in a later issue)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideothekConfig(AppConfig):
    name = "videothek"
    verbose_name = _("Videothek")

    def ready(self) -> None:
        from . import demo_events  # noqa: F401  (registers the events seed step)
        from .reminders import register as register_reminders

        register_reminders()  # the events' notification kinds and the scheduler's reminder sweep

        from wagtail.signals import page_published

        from .event_services import on_event_published
        from .models import EventPage

        # Every publish (the editor's, a scheduled one, the seed's) rebuilds the dates and raises SEQUENCE.
        page_published.connect(on_event_published, sender=EventPage, dispatch_uid="videothek_event_published")

        from . import demo_videos  # noqa: F401  (registers the videos seed step)
        from .video_tasks import connect as connect_video_tasks

        connect_video_tasks()  # a publish without a duration reads it from the file (ffprobe) in the background
