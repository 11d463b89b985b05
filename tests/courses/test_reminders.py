"""Weekly goals: a reminder only when the goal was missed, once a week, none after completion; unsubscribe."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses import services
from courses.learner_views import unsubscribe_token
from courses.models import Enrollment, LessonCompletion
from notifications.models import Notification

from .builders import build_course, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal_course(home_page):
    return build_course(home_page)


def enrol_with_goal(user, course, goal, days_ago=8):
    enrollment = services.enrollment_settings_update(
        user=user, course=course, weekly_goal=goal, share_progress_with_team=False
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return enrollment


def complete(user, lesson, days_ago):
    services.lesson_complete(user=user, lesson=lesson)
    LessonCompletion.objects.filter(user=user, lesson=lesson).update(
        completed_at=timezone.now() - timedelta(days=days_ago)
    )


def test_a_missed_goal_gets_one_reminder_with_the_weitermachen_link(goal_course, member):
    enrol_with_goal(member, goal_course, goal=2)
    complete(member, lessons_of(goal_course)[0], days_ago=3)
    assert services.reminders_send() == 1
    notification = Notification.objects.get(recipient=member, kind="course.reminder")
    assert notification.url == f"{goal_course.url}weitermachen/"
    assert "2 Lektionen pro Woche" in notification.excerpt and "1 abgeschlossen" in notification.excerpt
    assert services.reminders_send() == 0  # not again in the same week


def test_a_reached_goal_gets_no_reminder(goal_course, member):
    enrol_with_goal(member, goal_course, goal=2)
    complete(member, lessons_of(goal_course)[0], days_ago=2)
    complete(member, lessons_of(goal_course)[1], days_ago=1)
    assert services.reminders_send() == 0
    assert not Notification.objects.filter(kind="course.reminder").exists()


def test_no_goal_no_reminder_and_none_in_the_first_week(goal_course, member):
    from ..factories import MemberFactory

    enrol_with_goal(member, goal_course, goal=0)
    enrol_with_goal(MemberFactory(), goal_course, goal=1, days_ago=2)
    assert services.reminders_send() == 0


def test_the_next_week_gets_a_reminder_again(goal_course, member):
    enrol_with_goal(member, goal_course, goal=1)
    assert services.reminders_send() == 1
    later = timezone.now() + timedelta(days=7)
    assert services.reminders_send(now=later) == 1
    assert Notification.objects.filter(kind="course.reminder").count() == 2


def test_reminders_stop_at_completion(goal_course, member):
    enrol_with_goal(member, goal_course, goal=3)
    for lesson in lessons_of(goal_course):
        services.lesson_complete(user=member, lesson=lesson)
    assert services.reminders_send(now=timezone.now() + timedelta(days=8)) == 0


def test_one_click_unsubscribe_turns_the_goal_off(client, goal_course, member):
    enrol_with_goal(member, goal_course, goal=2)
    url = f"/kurs-erinnerungen/abbestellen/{unsubscribe_token(member)}/"
    assert client.get(url).status_code == 200
    assert Enrollment.objects.get(user=member).weekly_goal == 2  # a GET (link preview, scanner) changes nothing
    assert client.post(url).status_code == 200
    assert Enrollment.objects.get(user=member).weekly_goal == 0
    assert services.reminders_send() == 0
    assert client.get("/kurs-erinnerungen/abbestellen/forged/").status_code == 404


def test_the_command_and_the_scheduler_job(goal_course, member):
    from notifications import registry

    enrol_with_goal(member, goal_course, goal=1)
    assert "course reminders" in [job.name for job in registry.periodic_jobs()]
    call_command("send_course_reminders", stdout=__import__("io").StringIO())
    assert Notification.objects.filter(kind="course.reminder").count() == 1
