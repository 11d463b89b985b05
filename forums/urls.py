"""URLs of the forum pages, included at /foren/."""

from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/neu/", views.topic_new, name="topic_new"),
    path("t/<int:topic_id>/", views.topic, name="topic"),
    path("t/<int:topic_id>/<int:post_number>/", views.post_permalink, name="post"),
]
