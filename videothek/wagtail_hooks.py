"""Wagtail admin wiring of the Videothek.

Events (a publish rebuilding the dates is wired in apps.py, so scheduled publishing does it too): the page
action „Aufzeichnung veröffentlicht“ links a published video as the recording and tells the registrants once.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import EventPage, Speaker, VideoSeries

# --- events ----------------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_event_admin_urls():
    from .event_admin_views import recording_published

    return [path("termine/<int:page_id>/aufzeichnung/", recording_published, name="videothek_event_recording")]


class RecordingPublishedMenuItem(ActionMenuItem):
    label = _("Recording published")
    name = "action-recording-published"
    icon_name = "media"
    order = 90

    def is_shown(self, context):
        page = context.get("page")
        return (
            context.get("view") == "edit"
            and isinstance(page, EventPage)
            and page.live
            and page.permissions_for_user(context["request"].user).can_publish()
        )

    def get_url(self, context):
        return reverse("videothek_event_recording", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_recording_published_menu_item():
    return RecordingPublishedMenuItem()


# --- videos ----------------------------------------------------------------------------------------


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    menu_label = _("Speakers")
    list_display = ["name", "role"]
    search_fields = ["name", "role"]


class VideoSeriesViewSet(SnippetViewSet):
    model = VideoSeries
    icon = "list-ol"
    menu_label = _("Series")
    list_display = ["title", "slug"]


class VideothekSnippets(SnippetViewSetGroup):
    menu_label = _("Videothek")
    menu_icon = "media"
    menu_order = 310
    items = (SpeakerViewSet, VideoSeriesViewSet)


register_snippet(VideothekSnippets)
