"""Query counts: the outline for 60 lessons costs what it costs for 6, Mein Lernstand for 10 courses what 1 costs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import selectors, services

from ..query_counts import cold_query_count
from .builders import build_course, checklist, lessons_of, question, quiz, reflection, text

pytestmark = pytest.mark.django_db


def lesson_body(n: int) -> list:
    return [
        text(),
        checklist("Liste", [("A", True, f"a{n}"), ("B", False, f"b{n}")], id=f"c{n}"),
        reflection("Frage?", id=f"r{n}"),
        quiz(
            "Quiz", [question("Q?", [("Ja", True, "", f"y{n}"), ("Nein", False, "", f"n{n}")], id=f"q{n}")], id=f"z{n}"
        ),
    ]


def course_with(home_page, modules: int, lessons: int, learner):
    course = build_course(
        home_page,
        modules=[[lesson_body(m * 100 + n) for n in range(lessons)] for m in range(modules)],
        linear=True,
        certificate=True,
    )
    all_lessons = lessons_of(course)
    # Some state everywhere: completions, answers, ticks, so every lookup has rows to find.
    for index, lesson in enumerate(all_lessons[: len(all_lessons) // 2]):
        m, n = divmod(index, lessons)
        block = m * 100 + n
        services.reflection_save(user=learner, lesson=lesson, block_id=f"r{block}", text="Antwort", base_version=None)
        services.lesson_complete(user=learner, lesson=lesson)
    return course, all_lessons


def test_the_course_page_costs_the_same_for_6_and_60_lessons(client, home_page, member):
    client.force_login(member)
    small, _ = course_with(home_page, 2, 3, member)
    large, _ = course_with(home_page, 6, 10, member)
    assert cold_query_count(client, small.url) == cold_query_count(client, large.url)


def test_the_lesson_page_costs_the_same_for_6_and_60_lessons(client, home_page, member):
    client.force_login(member)
    _small, small_lessons = course_with(home_page, 2, 3, member)
    _large, large_lessons = course_with(home_page, 6, 10, member)
    small_count = cold_query_count(client, small_lessons[1].url)
    large_count = cold_query_count(client, large_lessons[1].url)
    assert small_count == large_count
    # About half is Wagtail's: routing through six tree levels and the view-restriction checks.
    assert small_count <= 33


def test_a_lesson_loads_all_its_block_states_in_one_query(home_page, member):
    _course, lessons = course_with(home_page, 1, 2, member)
    with CaptureQueriesContext(connection) as captured:
        states = selectors.block_states(user=member, lesson=lessons[0])
    assert len(captured) == 1
    assert {"r0", "c0", "z0"} >= set(states)


def test_mein_lernstand_costs_the_same_for_1_and_10_courses(client, home_page, member):
    from ..factories import MemberFactory

    other = MemberFactory()
    client.force_login(other)
    course_with(home_page, 1, 2, other)
    one = cold_query_count(client, "/mein-lernstand/")
    for _ in range(9):
        course_with(home_page, 1, 2, other)
    assert cold_query_count(client, "/mein-lernstand/") == one


def test_the_course_index_costs_the_same_for_1_and_5_courses(client, home_page, member):
    client.force_login(member)
    course_with(home_page, 1, 2, member)
    one = cold_query_count(client, "/kurs/")
    for _ in range(4):
        course_with(home_page, 1, 2, member)
    assert cold_query_count(client, "/kurs/") == one


def test_meine_antworten_costs_the_same_for_5_and_50_answers(client, home_page, member):
    client.force_login(member)
    course = build_course(home_page, modules=[[[reflection("Frage?", id=f"r{n}")] for n in range(50)]])
    lessons = lessons_of(course)
    for lesson in lessons[:5]:
        services.reflection_save(
            user=member, lesson=lesson, block_id=lesson.body[0].id, text="Antwort", base_version=None
        )
        services.note_save(user=member, lesson=lesson, text="Notiz")
    few = cold_query_count(client, "/mein-lernstand/antworten/")
    for lesson in lessons[5:]:
        services.reflection_save(
            user=member, lesson=lesson, block_id=lesson.body[0].id, text="Antwort", base_version=None
        )
        services.note_save(user=member, lesson=lesson, text="Notiz")
    assert cold_query_count(client, "/mein-lernstand/antworten/") == few


def test_unser_team_im_kurs_costs_the_same_for_2_and_20_sharing_members(client, home_page, member):
    from community.models import Team, TeamMembership

    from ..factories import MemberFactory

    course = build_course(home_page, modules=[[[reflection("Frage?", id="r")], [text()]]])
    lesson = lessons_of(course)[0]
    team = Team.objects.create(name="Regionalteam Chiemgau", slug="chiemgau", kind=Team.Kind.REGIONALTEAM)
    TeamMembership.objects.create(team=team, user=member)

    def add_sharing_members(count: int) -> None:
        for _ in range(count):
            other = MemberFactory()
            TeamMembership.objects.create(team=team, user=other)
            response, _write = services.reflection_save(
                user=other, lesson=lesson, block_id="r", text="Geteilt", base_version=None
            )
            services.response_share_set(user=other, response_id=response.pk, shared=True)
            services.enrollment_settings_update(user=other, course=course, weekly_goal=0, share_progress_with_team=True)

    client.force_login(member)
    add_sharing_members(2)
    few = cold_query_count(client, f"{course.url}team/")
    add_sharing_members(18)
    assert cold_query_count(client, f"{course.url}team/") == few
