"""A lesson's forum discussion (through forums.services/selectors), editing in the Wagtail admin, privacy."""

import pytest
from django.contrib import admin
from django.utils import timezone

from courses import selectors, services
from courses.models import BlockResponse, LessonDiscussion, LessonNote, ModulePage, QuizAttempt
from forums import services as forum_services
from forums.models import Category

from ..factories import HandlungsfeldFactory, MemberFactory, SuperuserFactory
from .builders import add_lesson, build_course, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def energy_forum(db):
    field = HandlungsfeldFactory(name="Energie", slug="energie")
    category = Category.objects.create(name="Energie", slug="energie", handlungsfeld=field)
    return field, category


def test_the_first_diskussion_starten_creates_one_topic_in_the_handlungsfeld_forum(client, home_page, energy_forum):
    field, category = energy_forum
    course = build_course(home_page)
    course.handlungsfelder.add(field)
    lesson = lessons_of(course)[0]
    member = MemberFactory()
    client.force_login(member)
    response = client.post(lesson.url + "diskussion/")
    link = LessonDiscussion.objects.get(lesson=lesson)
    assert response.status_code == 302 and response.url == f"/foren/t/{link.topic_id}/"
    assert client.post(lesson.url + "diskussion/").url == response.url  # the second press opens the same topic
    assert LessonDiscussion.objects.count() == 1
    assert category.topics.count() == 1
    assert lesson.title in category.topics.get().title


def test_the_lesson_shows_the_latest_three_replies(client, home_page, energy_forum):
    field, _category = energy_forum
    course = build_course(home_page)
    course.handlungsfelder.add(field)
    lesson = lessons_of(course)[0]
    author = MemberFactory()
    topic_id = services.lesson_discussion_ensure(lesson=lesson, actor=author)
    from forums.models import Topic

    topic = Topic.objects.get(pk=topic_id)
    for n in range(4):
        forum_services.post_create(
            author=MemberFactory(), topic=topic, body_markdown=f"Antwort Nummer {n} aus der Region"
        )
    page = client.get(lesson.url).content.decode()
    assert "Antwort Nummer 3" in page and "Antwort Nummer 1" in page
    assert "Antwort Nummer 0" not in page  # only the latest three
    assert "Zur Diskussion (4 Antworten)" in page


def test_a_discussion_the_reader_may_not_see_is_not_shown(client, home_page, energy_forum):
    field, category = energy_forum
    course = build_course(home_page)
    course.handlungsfelder.add(field)
    lesson = lessons_of(course)[0]
    topic_id = services.lesson_discussion_ensure(lesson=lesson, actor=MemberFactory())
    Category.objects.filter(pk=category.pk).update(visibility=Category.Visibility.MEMBERS)
    page = client.get(lesson.url).content.decode()  # anonymous
    assert f"/foren/t/{topic_id}/" not in page
    assert "Die Diskussion zu dieser Lektion ist für dich nicht sichtbar." in page


def test_editors_can_open_the_lesson_editor_with_every_block_type(client, home_page):
    course = build_course(home_page)
    module = ModulePage.objects.child_of(course).first()
    client.force_login(SuperuserFactory())
    response = client.get(f"/cms/pages/add/courses/lessonpage/{module.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for label in ("Checkliste", "Reflexionsfrage", "Quiz", "Hinweiskasten", "Aus dem Handbuch", "Video", "Downloads"):
        assert label in page, label


def test_page_types_are_enforced(home_page):
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert ModulePage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert ModulePage.allowed_subpage_models() == [LessonPage]
    assert LessonPage.allowed_subpage_models() == []


def test_a_scheduled_lesson_is_not_in_the_outline_until_it_goes_live(home_page, member):
    course = build_course(home_page, modules=[[[]]])
    module = ModulePage.objects.child_of(course).first()
    lesson = add_lesson(module, title="Kommt nächste Woche", live=False)
    revision = lesson.latest_revision
    revision.approved_go_live_at = timezone.now() + timezone.timedelta(days=7)
    revision.save()
    titles = [entry.title for entry in selectors.outline_for(user=member, course=course, course_url=course.url).lessons]
    assert "Kommt nächste Woche" not in titles


def test_learner_answers_are_not_in_any_admin(home_page):
    for model in (BlockResponse, LessonNote, QuizAttempt):
        assert not admin.site.is_registered(model)
    from wagtail.snippets.models import get_snippet_models

    assert not {BlockResponse, LessonNote, QuizAttempt} & set(get_snippet_models())
