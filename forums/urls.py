"""URLs of the forum pages, included at /foren/."""

from django.urls import path

from . import feeds, views
from .selectors import Tab

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("suche/", views.search, name="search"),
    # Topic lists (Reading): all forums, per category, per tag; "Neueste" is the scope's own URL.
    path("neu/", views.topic_list, {"tab": Tab.NEW}, name="new"),
    path("ungelesen/", views.topic_list, {"tab": Tab.UNREAD}, name="unread"),
    path("top/", views.topic_list, {"tab": Tab.TOP}, name="top"),
    path("meine/", views.topic_list, {"tab": Tab.MINE}, name="mine"),
    path("lesezeichen/", views.topic_list, {"tab": Tab.BOOKMARKS}, name="bookmarks"),
    path("gelesen/", views.mark_all_read, name="mark_read"),
    path("feed/", feeds.LatestTopicsFeed(), name="feed"),
    path("feed/atom/", feeds.LatestTopicsAtomFeed(), name="feed_atom"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/neu/", views.category, {"tab": Tab.NEW}, name="category_new"),
    path("c/<slug:slug>/ungelesen/", views.category, {"tab": Tab.UNREAD}, name="category_unread"),
    path("c/<slug:slug>/top/", views.category, {"tab": Tab.TOP}, name="category_top"),
    path("c/<slug:slug>/meine/", views.category, {"tab": Tab.MINE}, name="category_mine"),
    path("c/<slug:slug>/lesezeichen/", views.category, {"tab": Tab.BOOKMARKS}, name="category_bookmarks"),
    path("c/<slug:slug>/gelesen/", views.category_mark_all_read, name="category_mark_read"),
    path("c/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("c/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category_feed_atom"),
    path("tag/<str:tag>/", views.tag, name="tag"),
    path("tag/<str:tag>/neu/", views.tag, {"tab": Tab.NEW}, name="tag_new"),
    path("tag/<str:tag>/ungelesen/", views.tag, {"tab": Tab.UNREAD}, name="tag_unread"),
    path("tag/<str:tag>/top/", views.tag, {"tab": Tab.TOP}, name="tag_top"),
    path("tag/<str:tag>/meine/", views.tag, {"tab": Tab.MINE}, name="tag_mine"),
    path("tag/<str:tag>/lesezeichen/", views.tag, {"tab": Tab.BOOKMARKS}, name="tag_bookmarks"),
    path("c/<slug:slug>/thema-erstellen/", views.topic_new, name="topic_new"),
    path("c/<slug:slug>/benachrichtigung/", views.category_level, name="category_level"),
    path("t/<int:topic_id>/benachrichtigung/", views.topic_level, name="topic_level"),
    path("t/<int:topic_id>/", views.topic, name="topic"),
    path("t/<int:topic_id>/gelesen/", views.topic_read, name="topic_read"),
    path("t/<int:topic_id>/feed/", feeds.TopicFeed(), name="topic_feed"),
    path("t/<int:topic_id>/feed/atom/", feeds.TopicAtomFeed(), name="topic_feed_atom"),
    path("t/<int:topic_id>/<int:post_number>/", views.post_permalink, name="post"),
    path("t/<int:topic_id>/<int:post_number>/fragment/", views.post_fragment, name="post_fragment"),
    path("p/<int:post_id>/bearbeiten/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/loeschen/", views.post_delete, name="post_delete"),
    path("vorschau/", views.composer_preview, name="composer_preview"),
    path("entwurf/", views.composer_draft, name="composer_draft"),
    path("erwaehnen/", views.mention_search, name="mention_search"),
    path("hochladen/", views.upload_create, name="upload_create"),
    path("dateien/<str:key>/<str:name>", views.upload_file, name="upload_file"),
    path("p/<int:post_id>/reaktion/", views.post_react, name="post_react"),
    path("p/<int:post_id>/reaktionen/", views.post_reactions, name="post_reactions"),
    path("p/<int:post_id>/lesezeichen/", views.post_bookmark, name="post_bookmark"),
    path("p/<int:post_id>/loesung/", views.post_solve, name="post_solve"),
    path("p/<int:post_id>/melden/", views.post_flag, name="post_flag"),
    path("p/<int:post_id>/moderieren/", views.post_moderate, name="moderation_post"),
    path("t/<int:topic_id>/moderieren/", views.topic_moderate, name="moderation_topic"),
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/meldungen/<int:post_id>/", views.moderation_queue_flags, name="moderation_flags"),
    path("moderation/freigabe/<int:queued_id>/", views.moderation_queue_queued, name="moderation_queued"),
    path("moderation/protokoll/", views.moderation_log, name="moderation_log"),
]
