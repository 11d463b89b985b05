"""Progress and sequencing: linear locks, inserted and unpublished lessons, Weitermachen, auto-completion."""

import pytest

from courses import selectors, services
from courses.models import Enrollment, LessonCompletion, LessonPage, ModulePage

from .builders import add_lesson, build_course, lessons_of, publish, text

pytestmark = pytest.mark.django_db


def outline(user, course, current=None):
    return selectors.outline_for(user=user, course=course, course_url=course.url, current_lesson_id=current)


def states(user, course):
    return [lesson.state for lesson in outline(user, course).lessons]


def test_in_a_linear_course_only_the_first_lesson_is_open_at_the_start(home_page, member):
    course = build_course(home_page, linear=True)
    assert states(member, course) == ["open", "locked", "locked", "locked", "locked", "locked"]


def test_a_free_course_locks_nothing(home_page, member):
    course = build_course(home_page, linear=False)
    assert "locked" not in states(member, course)


def test_completing_a_lesson_opens_the_next_one_across_modules(home_page, member):
    course = build_course(home_page, linear=True)
    lessons = lessons_of(course)
    for lesson in lessons[:3]:
        services.lesson_complete(user=member, lesson=lesson)
    assert states(member, course) == ["done", "done", "done", "open", "locked", "locked"]


def test_an_inserted_lesson_never_locks_finished_work(home_page, member):
    course = build_course(home_page, linear=True)
    lessons = lessons_of(course)
    for lesson in lessons[:3]:
        services.lesson_complete(user=member, lesson=lesson)
    # An editor adds a lesson at the start of module 1, before the finished ones.
    module = ModulePage.objects.child_of(course).first()
    inserted = LessonPage(title="Neu eingefügt", slug="neu", body=[text()])
    module.get_first_child().add_sibling(pos="left", instance=inserted)
    publish(inserted)
    result = outline(member, course)
    by_title = {lesson.title: lesson.state for lesson in result.lessons}
    assert by_title["Neu eingefügt"] == "open"
    assert [by_title[f"Lektion 1.{n}"] for n in (1, 2, 3)] == ["done", "done", "done"]
    assert by_title["Lektion 2.1"] == "open"


def test_an_unpublished_lesson_is_skipped_and_does_not_block(home_page, member):
    course = build_course(home_page, linear=True, modules=[[[text()], [text()]]])
    module = ModulePage.objects.child_of(course).first()
    first, second = lessons_of(course)
    draft = add_lesson(module, title="Entwurf", live=False)
    draft.move(second, pos="left")
    services.lesson_complete(user=member, lesson=first)
    titles = [lesson.title for lesson in outline(member, course).lessons]
    assert "Entwurf" not in titles
    assert states(member, course) == ["done", "open"]


def test_progress_counts_live_lessons_only(home_page, member):
    course = build_course(home_page)
    lessons = lessons_of(course)
    services.lesson_complete(user=member, lesson=lessons[0])
    services.lesson_complete(user=member, lesson=lessons[1])
    assert selectors.progress_by_course(user=member, courses=[course])[course.pk] == (2, 6)
    lessons[1].unpublish()
    assert selectors.progress_by_course(user=member, courses=[course])[course.pk] == (1, 5)
    module_percents = [module.percent for module in outline(member, course).modules]
    assert module_percents == [50, 0]


def test_weitermachen_goes_to_the_next_open_unfinished_lesson_skipping_unpublished(home_page, member, client):
    course = build_course(home_page, linear=True)
    lessons = lessons_of(course)
    services.lesson_complete(user=member, lesson=lessons[0])
    lessons[1].unpublish()
    client.force_login(member)
    response = client.get(course.url + "weitermachen/")
    assert response.status_code == 302
    assert response.url == lessons[2].url


def test_weitermachen_returns_to_the_last_unfinished_lesson(home_page, member, client):
    course = build_course(home_page)
    lessons = lessons_of(course)
    services.enrollment_create(user=member, course=course)
    client.force_login(member)
    client.get(lessons[4].url)
    assert client.get(course.url + "weitermachen/").url == lessons[4].url


def test_lesson_completion_is_idempotent(home_page, member):
    course = build_course(home_page)
    lesson = lessons_of(course)[0]
    first = services.lesson_complete(user=member, lesson=lesson)
    second = services.lesson_complete(user=member, lesson=lesson)
    assert first.completed and first.enrolled
    assert not second.completed and not second.enrolled
    assert LessonCompletion.objects.filter(user=member, lesson=lesson).count() == 1
    assert Enrollment.objects.filter(user=member, course=course).count() == 1


def test_completing_every_lesson_completes_the_course_and_issues_the_certificate(home_page, member):
    course = build_course(home_page, certificate=True, modules=[[[text()], [text()]]])
    for lesson in lessons_of(course):
        result = services.lesson_complete(user=member, lesson=lesson)
    assert result.course_completed
    enrollment = Enrollment.objects.get(user=member, course=course)
    assert enrollment.completed_at is not None
    certificate = course.certificates.get(user=member)
    assert len(certificate.code) >= 16  # 15 random bytes: 120 bits
    assert certificate.holder_name == str(member)


def test_no_certificate_before_every_lesson_is_done(home_page, member):
    course = build_course(home_page, certificate=True)
    services.lesson_complete(user=member, lesson=lessons_of(course)[0])
    with pytest.raises(services.NotComplete):
        services.certificate_issue(user=member, course=course)
