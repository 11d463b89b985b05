"""Websocket URL routes of the realtime hub."""

from django.urls import path

from .consumers import HubConsumer

websocket_urlpatterns = [path("ws/", HubConsumer.as_asgi())]
