"""The member's notification settings under /konto/benachrichtigungen/."""

from django.urls import path

from . import views

app_name = "notification_settings"

urlpatterns = [
    path("", views.notification_settings, name="edit"),
]
