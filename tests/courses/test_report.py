"""The editors' report „Lernstand der Kurse“: permission, correct aggregates, CSV export, constant query count."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import LessonPage
from tests.factories import MemberFactory
from tests.query_counts import cold_query_count

from .builders import add_lesson, build_course, lessons_of, text

pytestmark = pytest.mark.django_db

REPORT_URL = "/cms/reports/course-progress/"
CSV_URL = "/cms/reports/course-progress/csv/"


def admin_user(*, may_see_report: bool):
    """A member who may enter the Wagtail admin, with or without the report permission (no role group)."""
    user = MemberFactory()
    codenames = ["access_admin", *(["view_learner_report"] if may_see_report else [])]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def learners_working(course, progress: list[int]) -> list:
    """One enrolled learner per entry, who completed that many lessons (in order) through the services."""
    lessons = lessons_of(course)
    learners = []
    for done in progress:
        learner = MemberFactory()
        services.enrollment_create(user=learner, course=course)
        for lesson in lessons[:done]:
            services.lesson_complete(user=learner, lesson=lesson)
        learners.append(learner)
    return learners


def csv_of(response) -> list[list[str]]:
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def test_the_report_url_is_the_one_the_menu_links_to():
    assert reverse("courses_learner_report") == REPORT_URL
    assert reverse("courses_learner_report_csv") == CSV_URL


@pytest.mark.parametrize("url", [REPORT_URL, CSV_URL])
def test_anonymous_visitors_and_members_without_admin_access_are_sent_to_the_admin_login(url, member):
    for client in (Client(), client_for(member)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/cms/login/")


@pytest.mark.parametrize("url", [REPORT_URL, CSV_URL])
def test_admin_users_without_the_permission_are_turned_away_and_do_not_see_the_menu_item(url, home_page):
    client = client_for(admin_user(may_see_report=False))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == "/cms/"
    assert REPORT_URL not in client.get("/cms/").content.decode()


def test_the_permission_alone_opens_the_report_and_shows_it_under_reports(home_page):
    client = client_for(admin_user(may_see_report=True))

    assert client.get(REPORT_URL).status_code == 200
    assert client.get(CSV_URL).status_code == 200
    dashboard = client.get("/cms/").content.decode()
    assert REPORT_URL in dashboard
    assert "Lernstand der Kurse" in dashboard


def test_superusers_see_the_report(superuser, home_page):
    response = client_for(superuser).get(REPORT_URL)
    assert response.status_code == 200
    assert "Lernstand der Kurse" in response.content.decode()


def test_the_numbers_per_course_and_lesson_count_enrolled_started_completed_and_average(superuser, home_page):
    course = build_course(home_page, title="Eure Mitmach-Konferenz")  # 2 modules of 3 lessons
    empty = build_course(home_page, title="Moderation lernen", modules=[[[text()]]])
    lessons = lessons_of(course)
    # Not yet published: neither in the lesson list nor in the totals.
    add_lesson(LessonPage.objects.get(pk=lessons[-1].pk).get_parent(), title="Entwurf", live=False)
    learners = learners_working(course, [6, 2, 0])  # all done, two lessons, enrolled only
    MemberFactory()  # not enrolled: not counted anywhere

    response = client_for(superuser).get(REPORT_URL)

    assert response.status_code == 200
    courses = {line.title: line for line in response.context["courses"]}
    line = courses["Eure Mitmach-Konferenz"]
    assert (line.enrolled, line.started, line.completed) == (3, 2, 1)
    assert line.average_percent == (6 + 2 + 0) * 100 // (6 * 3)  # 44
    assert [(lesson.module, lesson.title, lesson.completions, lesson.percent) for lesson in line.lessons] == [
        ("Modul 1", "Lektion 1.1", 2, 66),
        ("Modul 1", "Lektion 1.2", 2, 66),
        ("Modul 1", "Lektion 1.3", 1, 33),
        ("Modul 2", "Lektion 2.1", 1, 33),
        ("Modul 2", "Lektion 2.2", 1, 33),
        ("Modul 2", "Lektion 2.3", 1, 33),
    ]
    other = courses["Moderation lernen"]
    assert (other.enrolled, other.started, other.completed, other.average_percent) == (0, 0, 0, 0)
    assert [lesson.completions for lesson in other.lessons] == [0]
    assert empty.pk != course.pk
    html = response.content.decode()
    assert "44 %" in html
    assert "Lektion 2.3" in html
    assert "Entwurf" not in html
    # Aggregates only: no learner is named.
    for learner in learners:
        assert learner.display_name not in html
        assert learner.email not in html


def test_the_csv_has_a_bom_german_headers_a_course_row_and_a_row_per_lesson(superuser, home_page):
    course = build_course(home_page, title="Eure Mitmach-Konferenz", modules=[[[text()], [text()]]])
    learners = learners_working(course, [2, 1])

    response = client_for(superuser).get(CSV_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="lernstand-der-kurse-')
    rows = csv_of(response)
    assert rows == [
        ["Ebene", "Kurs", "Modul", "Lektion", "Eingeschrieben", "Begonnen", "Abgeschlossen",
         "Durchschnittlicher Fortschritt (%)"],
        ["Kurs", "Eure Mitmach-Konferenz", "", "", "2", "2", "1", "75"],
        ["Lektion", "Eure Mitmach-Konferenz", "Modul 1", "Lektion 1.1", "", "", "2", ""],
        ["Lektion", "Eure Mitmach-Konferenz", "Modul 1", "Lektion 1.2", "", "", "1", ""],
    ]  # fmt: skip
    content = response.content.decode()
    for learner in learners:
        assert learner.display_name not in content


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(superuser, home_page):
    course = build_course(home_page, title='=HYPERLINK("https://example.org")', modules=[[[text()]]])
    module = LessonPage.objects.descendant_of(course).get().get_parent()
    add_lesson(module, title="+SUM(A1:A9)")
    add_lesson(module, title="@Thementische")
    add_lesson(module, title="-1 Vorbereitung")

    rows = csv_of(client_for(superuser).get(CSV_URL))

    assert rows[1][1] == '\'=HYPERLINK("https://example.org")'
    assert [row[3] for row in rows[2:]] == ["Lektion 1.1", "'+SUM(A1:A9)", "'@Thementische", "'-1 Vorbereitung"]
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


@pytest.mark.parametrize("url", [REPORT_URL, CSV_URL])
def test_queries_are_the_same_for_1_and_10_learners(url, superuser, home_page):
    course = build_course(home_page)
    learners_working(course, [3])
    client = client_for(superuser)
    one = cold_query_count(client, url)

    learners_working(course, [6, 5, 4, 3, 2, 1, 1, 0, 6])

    assert cold_query_count(client, url) == one


@pytest.mark.parametrize("url", [REPORT_URL, CSV_URL])
def test_queries_are_the_same_for_2_and_12_lessons(url, superuser, home_page):
    course = build_course(home_page, modules=[[[text()], [text()]]])
    learners_working(course, [2, 1])
    client = client_for(superuser)
    two = cold_query_count(client, url)

    module = LessonPage.objects.descendant_of(course).first().get_parent()
    for n in range(10):
        add_lesson(module, title=f"Weitere Lektion {n}")
    second = build_course(home_page, title="Zweiter Kurs", modules=[[[text()]] * 3, [[text()]] * 3])
    learners_working(second, [6, 3])

    assert LessonPage.objects.live().descendant_of(course).count() == 12
    assert cold_query_count(client, url) == two


def test_the_editors_role_may_see_the_report_and_manage_videos(db):
    from django.contrib.auth.models import Group

    from ..factories import MemberFactory

    editor = MemberFactory()
    editor.groups.add(Group.objects.get(name="Redaktion"))
    assert editor.has_perm("courses.view_learner_report")
    assert editor.has_perm("wagtailmedia.add_media")
    assert not MemberFactory().has_perm("courses.view_learner_report")
