"""Videothek URLs outside the page tree (included at the site root, before Wagtail's catch-all)."""

from django.urls import path, re_path
from wagtail import views as wagtail_views

from . import event_views, video_views

app_name = "videothek"

urlpatterns = [
    # --- videos ---
    path("videothek/verlauf/", video_views.history, name="history"),
    path("videothek/reihe/<slug:slug>/", video_views.series, name="series"),
    path("videothek/fortschritt/<int:video_id>/", video_views.beacon, name="beacon"),
    path("videothek/datei/<int:video_id>/", video_views.media, name="media"),
    path("videothek/untertitel/<int:caption_id>.vtt", video_views.caption, name="caption"),
    # --- end of videos ---
    # --- events (the calendar and the events themselves are pages under /termine/) ---
    path("termine/meine/", event_views.my_events, name="my_events"),
    path("termine/kalender.ics", event_views.public_feed, name="events_feed"),
    path("termine/abo/", event_views.subscription, name="events_subscription"),
    path("termine/abo/<str:token>.ics", event_views.private_feed, name="events_private_feed"),
    # <event>/termin.ics, <event>/termin-<id>.ics, <event>/anmeldungen.csv: served by Wagtail (so the event's
    # view restrictions apply) to the event page's own routes.
    re_path(
        r"^(?P<path>termine/(?:[\w\-]+/)+(?:termin(?:-\d+)?\.ics|anmeldungen\.csv))$",
        wagtail_views.serve,
        name="event_file",
    ),
    # --- end of events ---
]
