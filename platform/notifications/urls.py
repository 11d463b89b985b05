"""URLs of the member's notifications under /benachrichtigungen/."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("gelesen/", views.mark_read, name="mark_read"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
