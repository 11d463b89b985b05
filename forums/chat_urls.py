"""Addresses of the chat (mounted at /chat/ with the namespace "chat")."""

from django.urls import path

from .views import chat

app_name = "chat"

urlpatterns = [
    path("", chat.overview, name="overview"),
    path("direkt/", chat.direct_new, name="direct_new"),
    path("neu/", chat.room_new, name="room_new"),
    path("suche/", chat.search, name="search"),
    path("<slug:key>/", chat.room, name="room"),
    path("<slug:key>/stumm/", chat.room_mute, name="room_mute"),
    path("<slug:key>/stummschalten/", chat.room_silence, name="room_silence"),
    path("<slug:key>/anwesenheit/", chat.room_presence, name="room_presence"),
    path("<slug:key>/tippt/", chat.room_typing, name="room_typing"),
    path("<slug:key>/nachrichten/<int:message_id>/", chat.message_fragment, name="message"),
    path("<slug:key>/nachrichten/<int:message_id>/bearbeiten/", chat.message_edit, name="message_edit"),
    path("<slug:key>/nachrichten/<int:message_id>/loeschen/", chat.message_delete, name="message_delete"),
    path("<slug:key>/nachrichten/<int:message_id>/reaktion/", chat.message_react, name="message_react"),
    path("<slug:key>/nachrichten/<int:message_id>/anheften/", chat.message_pin, name="message_pin"),
    path("<slug:key>/nachrichten/<int:message_id>/melden/", chat.message_flag, name="message_flag"),
    path("<slug:key>/nachrichten/<int:message_id>/ausblenden/", chat.message_hide, name="message_hide"),
]
