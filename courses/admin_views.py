"""The editors' report „Lernstand der Kurse“ (Wagtail admin): aggregates per course and lesson, on screen and as CSV.

No learner is named anywhere in it; the numbers come from one selector whose query count does not grow with
lessons or learners.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_required
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from community.csv_cells import csv_safe

from . import selectors
from .selectors import percent

REPORT_PERMISSION = "courses.view_learner_report"


@dataclass
class LessonLine:
    module: str
    title: str
    completions: int
    percent: int  # of the course's enrolled learners


@dataclass
class CourseLine:
    title: str
    edit_url: str
    live: bool
    enrolled: int
    started: int
    completed: int
    average_percent: int
    lessons: list[LessonLine]


def report_lines() -> list[CourseLine]:
    """The report's rows with everything the template shows precomputed (no tags or queries per row)."""
    return [
        CourseLine(
            title=row.course.title,
            edit_url=reverse("wagtailadmin_pages:edit", args=[row.course.pk]),
            live=row.course.live,
            enrolled=row.enrolled,
            started=row.started,
            completed=row.completed,
            average_percent=row.average_percent,
            lessons=[
                LessonLine(module=module, title=title, completions=n, percent=percent(n, row.enrolled))
                for module, title, n in row.lessons
            ],
        )
        for row in selectors.learner_report()
    ]


def csv_rows(lines: list[CourseLine]) -> list[list[str | int]]:
    """A header, then per course one „Kurs“ row with its aggregates and one „Lektion“ row per lesson."""
    rows: list[list[str | int]] = [
        [
            _("Level"),
            _("Course"),
            _("Module"),
            _("Lesson"),
            _("Enrolled"),
            _("Started"),
            _("Completed"),
            _("Average progress (%)"),
        ]
    ]
    for line in lines:
        title = csv_safe(line.title)
        rows.append([_("Course"), title, "", "", line.enrolled, line.started, line.completed, line.average_percent])
        rows.extend(
            [_("Lesson"), title, csv_safe(lesson.module), csv_safe(lesson.title), "", "", lesson.completions, ""]
            for lesson in line.lessons
        )
    return rows


@method_decorator(permission_required(REPORT_PERMISSION), name="dispatch")
class LearnerReportView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "courses/admin/learner_report.html"
    page_title = gettext_lazy("Learning progress of the courses")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_header_buttons(self):
        return [
            HeaderButton(
                label=_("Download CSV"),
                url=reverse("courses_learner_report_csv"),
                icon_name="download",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["courses"] = report_lines()
        return context


@permission_required(REPORT_PERMISSION)
def learner_report_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"lernstand-der-kurse-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 only with the byte-order mark
    csv.writer(response).writerows(csv_rows(report_lines()))
    return response
