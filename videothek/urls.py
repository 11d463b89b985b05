"""Videothek URLs outside the page tree (included at the site root, before Wagtail's catch-all)."""

from django.urls import path

from . import video_views

app_name = "videothek"

urlpatterns = [
    # --- videos ---
    path("videothek/verlauf/", video_views.history, name="history"),
    path("videothek/reihe/<slug:slug>/", video_views.series, name="series"),
    path("videothek/fortschritt/<int:video_id>/", video_views.beacon, name="beacon"),
    path("videothek/datei/<int:video_id>/", video_views.media, name="media"),
    path("videothek/untertitel/<int:caption_id>.vtt", video_views.caption, name="caption"),
    # --- end of videos ---
]
