"""Checklists, reflections and quizzes: auto-completion, answers surviving edits, tokens, limits, locks."""

import pytest
from django.core.exceptions import ValidationError

from courses import selectors, services
from courses.models import BlockResponse, LessonCompletion, QuizAttempt

from .builders import publish, reflection, text

pytestmark = pytest.mark.django_db

RIGHT = {"qa": frozenset({"opt-right"}), "qb": frozenset({"opt-place", "opt-access"})}
WRONG = {"qa": frozenset({"opt-wrong"}), "qb": frozenset({"opt-place"})}


def test_required_items_and_a_passed_quiz_complete_the_lesson(task_lessons, member):
    lesson = task_lessons[0]
    services.checklist_save(user=member, lesson=lesson, block_id="check", checked_ids={"item-room"})
    assert not LessonCompletion.objects.filter(user=member, lesson=lesson).exists()
    _attempt, result, write = services.quiz_submit(
        user=member, lesson=lesson, block_id="quiz", answers=RIGHT, token="t1"
    )
    assert result.passed and write.completed
    assert LessonCompletion.objects.get(user=member, lesson=lesson).automatic


def test_a_failed_quiz_does_not_complete_the_lesson(task_lessons, member):
    lesson = task_lessons[0]
    services.checklist_save(user=member, lesson=lesson, block_id="check", checked_ids={"item-room"})
    _attempt, result, write = services.quiz_submit(
        user=member, lesson=lesson, block_id="quiz", answers=WRONG, token="t1"
    )
    assert not result.passed and not write.completed
    assert result.score == 0


def test_the_same_token_records_one_attempt(task_lessons, member):
    lesson = task_lessons[0]
    first, _, _ = services.quiz_submit(user=member, lesson=lesson, block_id="quiz", answers=WRONG, token="same")
    second, _, _ = services.quiz_submit(user=member, lesson=lesson, block_id="quiz", answers=WRONG, token="same")
    assert first.pk == second.pk
    assert QuizAttempt.objects.filter(user=member).count() == 1


def test_attempts_are_limited(task_lessons, member):
    lesson = task_lessons[0]
    for n in range(3):
        services.quiz_submit(user=member, lesson=lesson, block_id="quiz", answers=WRONG, token=f"t{n}")
    with pytest.raises(services.AttemptsUsedUp) as used_up:
        services.quiz_submit(user=member, lesson=lesson, block_id="quiz", answers=RIGHT, token="t4")
    assert used_up.value.max_attempts == 3
    assert QuizAttempt.objects.filter(user=member).count() == 3


def test_a_reflection_over_the_limit_is_refused_with_the_counts(task_lessons, member, settings):
    settings.COURSES_ANSWER_MAX_LENGTH = 10_000
    with pytest.raises(ValidationError) as error:
        services.reflection_save(
            user=member, lesson=task_lessons[0], block_id="refl", text="x" * 10_512, base_version=None
        )
    assert error.value.messages == ["Deine Antwort ist zu lang (höchstens 10.000 Zeichen, du hast 10.512)."]
    assert not BlockResponse.objects.exists()


def test_a_stale_form_never_overwrites_a_newer_answer(task_lessons, member):
    lesson = task_lessons[0]
    saved, _ = services.reflection_save(
        user=member, lesson=lesson, block_id="refl", text="Erste Fassung", base_version=0
    )
    services.reflection_save(user=member, lesson=lesson, block_id="refl", text="Aus Tab A", base_version=saved.version)
    with pytest.raises(services.StaleAnswer) as stale:
        services.reflection_save(
            user=member, lesson=lesson, block_id="refl", text="Aus Tab B", base_version=saved.version
        )
    assert stale.value.current.data["text"] == "Aus Tab A"
    assert stale.value.submitted_text == "Aus Tab B"
    assert BlockResponse.objects.get(user=member, block_id="refl").data["text"] == "Aus Tab A"


def test_answers_survive_edits_of_other_blocks_and_deleted_blocks_keep_theirs(task_lessons, member):
    lesson = task_lessons[0]
    services.reflection_save(user=member, lesson=lesson, block_id="refl", text="Meine Antwort", base_version=None)
    services.checklist_save(user=member, lesson=lesson, block_id="check", checked_ids={"item-coffee"})
    # The editor adds a block at the top and removes the checklist.
    stream = list(lesson.body.raw_data)
    lesson.body = [text("<p>Neu oben</p>")] + [block for block in stream if block["id"] != "check"]
    publish(lesson)
    states = selectors.block_states(user=member, lesson=lesson)
    assert states["refl"].data["text"] == "Meine Antwort"
    assert "check" in states  # kept, shown as from an earlier version
    with pytest.raises(services.BlockGone):
        services.checklist_save(user=member, lesson=lesson, block_id="check", checked_ids=set())


def test_an_unknown_checklist_item_is_a_form_error(task_lessons, member):
    with pytest.raises(ValidationError):
        services.checklist_save(user=member, lesson=task_lessons[0], block_id="check", checked_ids={"forged"})


def test_writing_in_a_locked_lesson_is_refused(task_lessons, member):
    locked = task_lessons[1]
    with pytest.raises(services.LessonLocked) as error:
        services.lesson_complete(user=member, lesson=locked)
    assert error.value.predecessor_title == task_lessons[0].title
    assert error.value.due.id == task_lessons[0].pk


def test_progress_in_a_course_auto_enrols(task_lessons, member):
    _response, write = services.reflection_save(
        user=member, lesson=task_lessons[0], block_id="refl", text="Hallo", base_version=None
    )
    assert write.enrolled
    assert member.course_enrollments.count() == 1


def test_answers_are_private_and_sharing_is_per_answer(task_course, task_lessons, member):
    from community.models import Team, TeamMembership

    from ..factories import MemberFactory

    teammate, stranger = MemberFactory(), MemberFactory()
    team = Team.objects.create(name="Regionalteam Allgäu", slug="allgaeu", kind=Team.Kind.REGIONALTEAM)
    TeamMembership.objects.create(team=team, user=member)
    TeamMembership.objects.create(team=team, user=teammate)
    lesson = task_lessons[0]
    response, _ = services.reflection_save(
        user=member, lesson=lesson, block_id="refl", text="Geheim", base_version=None
    )
    services.enrollment_settings_update(user=member, course=task_course, weekly_goal=0, share_progress_with_team=True)

    view = selectors.team_views_for(user=teammate, course=task_course)[0]
    assert [m.name for m in view.members] == [str(member)]
    assert view.shared_answers == []  # progress shared, answer not
    services.response_share_set(user=member, response_id=response.pk, shared=True)
    view = selectors.team_views_for(user=teammate, course=task_course)[0]
    assert [answer.data["text"] for answer in view.shared_answers] == ["Geheim"]
    assert selectors.team_views_for(user=stranger, course=task_course) == []
    with pytest.raises(BlockResponse.DoesNotExist):
        services.response_share_set(user=teammate, response_id=response.pk, shared=False)


def test_notes_and_bookmarks(task_lessons, member):
    lesson = task_lessons[0]
    assert services.bookmark_toggle(user=member, lesson=lesson) is True
    assert services.bookmark_toggle(user=member, lesson=lesson) is False
    note = services.note_save(user=member, lesson=lesson, text="  Raum bis Freitag klären ")
    assert note.text == "Raum bis Freitag klären"
    assert services.note_save(user=member, lesson=lesson, text="") is None
    assert selectors.notes_of(user=member) == []


def test_a_new_reflection_block_of_a_lesson_revision_is_answerable(task_lessons, member):
    lesson = task_lessons[1]
    lesson.body = [*lesson.body.raw_data, reflection("Neue Frage?", id="neu")]
    publish(lesson)
    services.lesson_complete(user=member, lesson=task_lessons[0])
    response, _ = services.reflection_save(user=member, lesson=lesson, block_id="neu", text="Ja", base_version=None)
    assert response.data["question"] == "Neue Frage?"
