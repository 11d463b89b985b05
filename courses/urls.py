"""Learner pages outside the page tree: Mein Lernstand, answers export, certificate check, reminder unsubscribe."""

from django.urls import path, re_path
from wagtail import views as wagtail_views

from . import learner_views

app_name = "courses"

urlpatterns = [
    path("mein-lernstand/", learner_views.my_progress, name="my_progress"),
    path("mein-lernstand/antworten/", learner_views.my_answers, name="answers"),
    path("mein-lernstand/antworten.csv", learner_views.my_answers_csv, name="answers_csv"),
    path("mein-lernstand/antworten/<int:response_id>/teilen/", learner_views.answer_share, name="answer_share"),
    path("zertifikat/<str:code>/", learner_views.certificate_verify, name="certificate"),
    path("zertifikat/<str:code>.pdf", learner_views.certificate_pdf, name="certificate_pdf"),
    path("kurs-erinnerungen/abbestellen/<str:token>/", learner_views.reminders_unsubscribe, name="unsubscribe"),
    # <course>/handbuch.pdf: served by Wagtail (so its view restrictions apply) to the course's own route.
    re_path(r"^(?P<path>(?:[\w\-]+/)+handbuch\.pdf)$", wagtail_views.serve, name="handbook_pdf"),
]
