"""URLs of the member pages under /konto/."""

from django.urls import path

from . import views

app_name = "community"

urlpatterns = [
    path("profil/", views.profile_edit, name="profile_edit"),
    path("teams/", views.my_teams, name="my_teams"),
]
