"""Wagtail admin wiring of the course app: the report „Lernstand der Kurse“ under Reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import REPORT_PERMISSION, LearnerReportView, learner_report_csv


class LearnerReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_admin_urls")
def register_learner_report_urls():
    return [
        path("reports/course-progress/", LearnerReportView.as_view(), name="courses_learner_report"),
        path("reports/course-progress/csv/", learner_report_csv, name="courses_learner_report_csv"),
    ]


@hooks.register("register_reports_menu_item")
def register_learner_report_menu_item():
    return LearnerReportMenuItem(
        _("Learning progress of the courses"),
        reverse("courses_learner_report"),
        name="course-progress",
        icon_name="table",
        order=1300,
    )
