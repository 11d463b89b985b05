"""The course seed step: „Eure Mitmach-Konferenz“ at /kurs/, every block type, and the demo learner at about 40 %."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page, PageViewRestriction

from community.models import User
from courses import demo as course_demo
from courses import selectors
from courses.blocks import LessonStreamBlock
from courses.models import (
    BlockResponse,
    Certificate,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonBookmark,
    LessonCompletion,
    LessonNote,
    LessonPage,
    ModulePage,
    QuizAttempt,
)

pytestmark = pytest.mark.django_db

MODULE_TITLES = [
    "0 Auftakt: Kennenlernen & Orientierung",
    "1 Die Region mit frischem & fokussiertem Blick entdecken",
    "2 In Kontakt treten mit Akteur:innen & Beziehungen aufbauen",
    "3 Vision & Ziele für eure Mitmach-Region",
    "4 Gut ausgerichtet einen wirkungsvollen Weg planen",
    "5 Regionale Zusammenkunft organisieren",
    "6 Sichtbar werden, öffentlicher Auftritt",
]
LEARNER = "mitglied@example.org"


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The whole demo seeded once for this module, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = io.StringIO()
            call_command("seed_demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def course(seeded_once, db) -> CoursePage:
    return CoursePage.objects.get(slug=course_demo.COURSE_SLUG)


@pytest.fixture
def learner(seeded_once, db) -> User:
    return User.objects.get(email=LEARNER)


def learner_counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "restrictions": PageViewRestriction.objects.count(),
        "enrolments": Enrollment.objects.count(),
        "completions": LessonCompletion.objects.count(),
        "answers": BlockResponse.objects.count(),
        "attempts": QuizAttempt.objects.count(),
        "certificates": Certificate.objects.count(),
        "notes": LessonNote.objects.count(),
        "bookmarks": LessonBookmark.objects.count(),
        "images": Image.objects.count(),
        "documents": Document.objects.count(),
    }


def test_the_course_index_is_at_kurs_with_the_course_linear_and_with_certificate(course, seeded_once):
    index = CourseIndexPage.objects.get()
    assert index.url == "/kurs/"
    assert index.title == "Online-Kurs"
    assert course.get_parent().specific == index
    assert course.title == "Eure Mitmach-Konferenz"
    assert course.url == "/kurs/eure-mitmach-konferenz/"
    assert course.is_linear
    assert course.certificate_enabled
    assert course.live
    assert "Eure Mitmach-Konferenz" in seeded_once


def test_the_course_has_its_description_handlungsfelder_and_tags(course):
    assert "Mitmach-Konferenz" in course.intro
    assert course.audience
    assert len(course.learning_goal_list()) >= 4
    assert course.estimated_duration
    assert set(course.handlungsfelder.values_list("slug", flat=True)) == {
        "demokratie-beteiligung",
        "kultur-zusammenleben",
    }
    assert "Mitmach-Konferenz" in set(course.tags.names())


def test_seven_modules_with_the_regionallabor_titles_and_at_least_20_live_lessons(course):
    modules = ModulePage.objects.child_of(course).live().order_by("path")
    assert list(modules.values_list("title", flat=True)) == MODULE_TITLES
    assert LessonPage.objects.descendant_of(course).live().count() >= 20
    for module in modules:
        assert LessonPage.objects.child_of(module).live().count() >= 3, module.title
    titles = set(LessonPage.objects.descendant_of(course).values_list("title", flat=True))
    for expected in ["Region mit frischem Blick entdecken", "Akteur:innen-Landkarte", "Vision skizzieren",
                     "Thementische für 30–200 Menschen", "Pressearbeit", "Aktionen aus dem Aktions-Pool"]:  # fmt: skip
        assert expected in titles


def test_every_lesson_block_type_is_used_in_the_course(course):
    used = {block.block_type for lesson in LessonPage.objects.descendant_of(course) for block in lesson.body}
    assert used == set(LessonStreamBlock.base_blocks)


def test_module_4_is_for_members_only_and_the_other_modules_are_public(course, learner):
    # Other apps' seeds restrict pages too (members-only videos): only the course's restriction counts here.
    restricted = PageViewRestriction.objects.get(
        restriction_type=PageViewRestriction.LOGIN, page__path__startswith=course.path
    )
    assert restricted.page.title == "4 Gut ausgerichtet einen wirkungsvollen Weg planen"
    public_lesson = LessonPage.objects.descendant_of(course).get(slug="willkommen")
    members_lesson = LessonPage.objects.descendant_of(restricted.page).first()

    anonymous = Client()
    assert anonymous.get(public_lesson.url).status_code == 200
    response = anonymous.get(members_lesson.url)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_demo_learner_is_at_about_40_percent_with_a_lesson_in_progress(course, learner):
    done, total = selectors.progress_by_course(user=learner, courses=[course])[course.pk]
    assert total >= 20
    assert 30 <= done * 100 // total <= 50
    enrollment = Enrollment.objects.get(user=learner, course=course)
    assert enrollment.completed_at is None
    assert enrollment.last_lesson.title == "Vision skizzieren"
    # Completions follow the course order (linear), spread over past weeks.
    outline = selectors.outline_for(user=learner, course=course, course_url=course.url)
    states = [lesson.done for lesson in outline.lessons]
    assert states == [True] * done + [False] * (total - done)
    completed_at = list(
        LessonCompletion.objects.filter(user=learner).order_by("lesson__path").values_list("completed_at", flat=True)
    )
    assert completed_at == sorted(completed_at)
    assert (completed_at[-1] - completed_at[0]).days >= 7


def test_the_demo_learner_has_answers_a_passed_and_a_failed_attempt_a_note_and_a_bookmark(course, learner):
    attempts = QuizAttempt.objects.filter(user=learner)
    assert attempts.filter(passed=True).exists()
    assert attempts.filter(passed=False).exists()
    reflections = BlockResponse.objects.filter(user=learner, kind=BlockResponse.Kind.REFLECTION)
    assert reflections.count() >= 5
    assert all(response.data["text"] for response in reflections)
    assert LessonNote.objects.filter(user=learner).exists()
    assert LessonBookmark.objects.filter(user=learner).exists()


def test_the_demo_learner_has_an_answer_from_an_earlier_version_of_a_lesson(course, learner):
    earlier = []
    for response in BlockResponse.objects.filter(user=learner).select_related("lesson"):
        if response.block_id not in {block.id for block in response.lesson.body}:
            earlier.append(response)
    assert len(earlier) == 1
    lesson = earlier[0].lesson
    assert earlier[0].data["question"] == "Was erhofft ihr euch von diesem Kurs?"
    # The lesson went through a revision that dropped the block; the learner sees the old answer on it.
    assert lesson.revisions.count() >= 2
    client = Client()
    client.force_login(learner)
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "aus einer früheren Version" in html
    assert "Was erhofft ihr euch von diesem Kurs?" in html


def test_other_demo_members_fill_the_report_and_one_has_the_certificate(course):
    row = next(row for row in selectors.learner_report() if row.course.pk == course.pk)
    assert row.enrolled >= 5
    assert row.started < row.enrolled  # someone enrolled who has not started
    assert row.completed == 1
    certificate = Certificate.objects.get(course=course)
    assert Enrollment.objects.get(user=certificate.user, course=course).completed_at is not None


def test_every_lesson_renders_for_a_learner_who_finished_the_course(course):
    finisher = Certificate.objects.get(course=course).user
    client = Client()
    client.force_login(finisher)
    for lesson in LessonPage.objects.descendant_of(course).live():
        response = client.get(lesson.url)
        assert response.status_code == 200, lesson.url
    html = client.get(LessonPage.objects.get(slug="thementische").url).content.decode()
    assert 'alt="Acht runde Tische, jeder mit einem Handlungsfeld beschriftet."' in html
    downloads = client.get(LessonPage.objects.get(slug="pressearbeit").url).content.decode()
    assert "pressemitteilung-vorlage" in downloads


def test_seeding_again_changes_nothing_and_a_reset_removes_and_recreates_the_course(course):
    before = learner_counts()

    out = io.StringIO()
    course_demo.seed_course(out)
    assert learner_counts() == before
    assert "unchanged" in out.getvalue()

    course_demo.reset_course()
    assert not CoursePage.objects.filter(slug=course_demo.COURSE_SLUG).exists()
    assert not Enrollment.objects.exists()
    assert not LessonCompletion.objects.exists()
    assert not BlockResponse.objects.exists()
    assert not CourseIndexPage.objects.exists()

    course_demo.seed_course(io.StringIO())
    assert learner_counts() == before


def test_seeding_builds_no_handbook_pdf_after_each_publish(home_page):
    """~30 publishes in the seed must not each render two PDFs; the PDF view asks for a build when needed."""
    import io

    from courses.demo import seed_course
    from courses.models import HandbookBuild

    seed_course(io.StringIO())
    assert not HandbookBuild.objects.exists()
