"""The learner pages: bad input in German, never a 500, nothing typed lost; permissions and tampered ids."""

import re

import pytest
from django.utils import translation
from wagtail.models import PageViewRestriction

from courses import services
from courses.models import BlockResponse, Certificate, LessonCompletion, QuizAttempt

from ..factories import MemberFactory
from .builders import build_course, lessons_of, text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


@pytest.fixture
def learner(client, member):
    client.force_login(member)
    return member


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_a_post_for_a_block_that_is_gone_is_a_404_with_the_reload_message(client, learner, task_lessons):
    lesson = task_lessons[0]
    response = client.post(lesson.url + "aufgabe/not-a-block/", {"text": "Hallo"})
    assert response.status_code == 404
    assert (
        "Diese Aufgabe gibt es in der aktuellen Fassung nicht mehr – bitte lade die Seite neu."
        in response.content.decode()
    )
    assert not BlockResponse.objects.exists()


def test_an_overlong_answer_keeps_the_text_in_the_field(client, learner, task_lessons, settings):
    settings.COURSES_ANSWER_MAX_LENGTH = 10_000
    typed = "Wir wollen " + "x" * 10_501
    response = client.post(task_lessons[0].url + "aufgabe/refl/", {"text": typed, "version": "0"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Deine Antwort ist zu lang (höchstens 10.000 Zeichen, du hast 10.512)." in page
    assert typed in page
    assert not BlockResponse.objects.exists()


def test_a_double_submit_records_one_completion_and_one_attempt(client, learner, task_lessons):
    lesson = task_lessons[0]
    data = {"q-qa": "opt-wrong", "q-qb": "opt-place", "token": "render-1"}
    assert client.post(lesson.url + "aufgabe/quiz/", data).status_code == 302
    assert client.post(lesson.url + "aufgabe/quiz/", data).status_code == 302
    assert QuizAttempt.objects.filter(user=learner).count() == 1
    client.post(lesson.url + "erledigt/", {"token": "x"})
    client.post(lesson.url + "erledigt/", {"token": "x"})
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1


def test_a_stale_tab_shows_both_versions_and_overwrites_nothing(client, learner, task_lessons):
    url = task_lessons[0].url + "aufgabe/refl/"
    client.post(url, {"text": "Erste Fassung", "version": "0"})
    client.post(url, {"text": "Aus dem ersten Tab", "version": "1"})
    response = client.post(url, {"text": "Aus dem zweiten Tab", "version": "1"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Aus dem ersten Tab" in page and "Aus dem zweiten Tab" in page
    assert BlockResponse.objects.get(block_id="refl").data["text"] == "Aus dem ersten Tab"


def test_the_first_answer_in_a_course_enrols_with_a_message(client, learner, task_lessons):
    response = client.post(task_lessons[0].url + "aufgabe/refl/", {"text": "Hallo", "version": "0"}, follow=True)
    assert "Du bist jetzt in diesem Kurs eingeschrieben." in messages_of(response)


def test_a_locked_lesson_redirects_to_the_lesson_due_next(client, learner, task_lessons):
    response = client.get(task_lessons[1].url, follow=True)
    assert response.redirect_chain[-1][0] == task_lessons[0].url
    expected = f"Diese Lektion wird freigeschaltet, sobald du „{task_lessons[0].title}“ abgeschlossen hast."
    assert expected in messages_of(response)
    response = client.post(task_lessons[1].url + "erledigt/", follow=True)
    assert response.redirect_chain[-1][0] == task_lessons[0].url
    assert not LessonCompletion.objects.exists()


def test_used_up_attempts_say_so_with_the_best_result(client, learner, task_lessons):
    url = task_lessons[0].url + "aufgabe/quiz/"
    client.post(url, {"q-qa": "opt-right", "q-qb": "opt-place", "token": "a"})
    client.post(url, {"q-qa": "opt-wrong", "token": "b"})
    client.post(url, {"q-qa": "opt-wrong", "token": "c"})
    response = client.post(url, {"q-qa": "opt-right", "q-qb": ["opt-place", "opt-access"], "token": "d"}, follow=True)
    text_ = " ".join(messages_of(response))
    assert "Du hast alle 3 Versuche genutzt." in text_
    assert "50" in text_
    assert QuizAttempt.objects.count() == 3


def test_an_unknown_option_is_a_form_error(client, learner, task_lessons):
    response = client.post(task_lessons[0].url + "aufgabe/quiz/", {"q-qa": "forged", "token": "a"})
    assert response.status_code == 400
    assert "Diese Antwort gibt es bei dieser Frage nicht" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_the_quiz_page_never_contains_the_correct_answers_before_submission(client, learner, task_lessons):
    page = client.get(task_lessons[0].url).content.decode()
    assert "Etwa 6 bis 10" in page
    assert "Genau, so kommt jede Stimme zu Wort." not in page  # feedback only after choosing
    assert "correct" not in page.lower().replace("correctly", "")


def test_an_anonymous_answer_goes_to_login_and_comes_back_in_the_field(client, task_lessons, member):
    lesson = task_lessons[0]
    response = client.post(lesson.url + "aufgabe/refl/", {"text": "Unser Gedanke", "version": "0"})
    assert response.status_code == 302 and "/konto/login/" in response.url
    client.force_login(member)
    page = client.get(lesson.url).content.decode()
    assert "Unser Gedanke" in page
    assert not BlockResponse.objects.exists()  # shown again, saved only when the member presses save


def test_another_courses_lesson_id_and_other_users_answers_are_404(client, learner, task_lessons, home_page):
    other = MemberFactory()
    response, _ = services.reflection_save(
        user=other, lesson=task_lessons[0], block_id="refl", text="Nicht deins", base_version=None
    )
    assert client.post(f"/mein-lernstand/antworten/{response.pk}/teilen/", {"shared": "on"}).status_code == 404
    assert client.get("/zertifikat/gibt-es-nicht/").status_code == 404
    assert "Nicht deins" not in client.get("/mein-lernstand/antworten/").content.decode()
    assert "Nicht deins" not in client.get("/mein-lernstand/antworten.csv").content.decode()


def test_members_only_lessons(client, home_page, task_course, task_lessons):
    PageViewRestriction.objects.create(page=task_lessons[2].get_parent(), restriction_type=PageViewRestriction.LOGIN)
    restricted = task_lessons[2]
    response = client.get(restricted.url)
    assert response.status_code == 302 and "/konto/login/" in response.url


def test_members_outside_a_group_restriction_get_403(client, learner, task_lessons):
    from django.contrib.auth.models import Group

    restriction = PageViewRestriction.objects.create(
        page=task_lessons[2].get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Regionallabor 2027"))
    assert client.get(task_lessons[2].url).status_code == 403


def test_the_certificate_page_shows_only_name_course_and_date(client, home_page, member):
    course = build_course(home_page, certificate=True, modules=[[[text()]]])
    services.lesson_complete(user=member, lesson=lessons_of(course)[0])
    certificate = Certificate.objects.get(user=member)
    page = client.get(f"/zertifikat/{certificate.code}/").content.decode()
    assert certificate.holder_name in page and course.title in page
    assert member.email not in page
    pdf = client.get(f"/zertifikat/{certificate.code}.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_inline_saves_answer_json(client, learner, task_lessons):
    response = client.post(
        task_lessons[0].url + "aufgabe/check/", {"item": "item-room", "checked": "true"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert BlockResponse.objects.get(block_id="check").data["checked"] == ["item-room"]
    response = client.post(task_lessons[0].url + "aufgabe/gone/", {}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 404
    assert "bitte lade die Seite neu" in response.json()["error"]


def test_the_answers_csv_is_safe_for_spreadsheets(client, learner, task_lessons):
    services.reflection_save(
        user=learner, lesson=task_lessons[0], block_id="refl", text="=HYPERLINK(1)", base_version=None
    )
    body = client.get("/mein-lernstand/antworten.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body


def test_preview_shows_tasks_inert_and_writes_nothing(home_page, task_lessons):
    lesson = task_lessons[0]
    response = lesson.make_preview_request()
    assert response.status_code == 200
    page = response.rendered_content if hasattr(response, "rendered_content") else response.content.decode()
    assert "data-inert" in page
    assert page.count("<fieldset disabled") >= 2
    assert "Als erledigt markieren" not in page
    assert not BlockResponse.objects.exists()


def test_after_a_failed_attempt_the_page_shows_the_choices_verdicts_and_feedback(client, learner, task_lessons):
    url = task_lessons[0].url
    client.post(url + "aufgabe/quiz/", {"q-qa": "opt-wrong", "q-qb": ["opt-place", "opt-access"], "token": "a"})
    page = client.get(url).content.decode()
    assert "Zu viele: dann redet nur, wer laut ist." in page  # feedback of the chosen option
    assert "Noch nicht ganz richtig." in page and "Richtig beantwortet." in page
    chosen = re.search(r'<input[^>]*id="q-qa-opt-wrong"[^>]*>', page, re.S).group(0)
    other = re.search(r'<input[^>]*id="q-qa-opt-right"[^>]*>', page, re.S).group(0)
    assert "checked" in chosen and "checked" not in other


def test_mark_as_done_goes_on_to_the_lesson_it_just_opened(client, learner, home_page):
    course = build_course(home_page, linear=True, modules=[[[text()], [text()]]])
    first, second = lessons_of(course)
    response = client.post(first.url + "erledigt/", {"next": "1"})
    assert response.status_code == 302 and response.url == second.url
    response = client.post(second.url + "erledigt/")  # without next: back to the lesson
    assert response.url == second.url
