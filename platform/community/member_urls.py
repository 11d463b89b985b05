"""URLs of member profiles, included at /mitglieder/."""

from django.urls import path

from . import member_views

app_name = "members"

urlpatterns = [
    path("<str:handle>/", member_views.member_profile, name="profile"),
]
