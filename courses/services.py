"""Every write of the course app: enrolment, completions, answers, quiz attempts, certificates, notes and goals.

Services are idempotent where a learner may repeat an action (double submits, two tabs): they find the row a
first call made instead of adding another. Writes to a lesson of a linear course check that it is open.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import User

from . import scoring, selectors
from .blocks import INTERACTIVE_TYPES
from .models import (
    BlockResponse,
    Certificate,
    CoursePage,
    Enrollment,
    LessonBookmark,
    LessonCompletion,
    LessonDiscussion,
    LessonNote,
    LessonPage,
    QuizAttempt,
)

# Attempts and completions made by the same rendered form carry this token; reuse never adds a row.
TOKEN_BYTES = 16
# ≥ 96 bits of randomness (the issue's floor); 15 bytes = 120 bits in 20 URL-safe characters.
CERTIFICATE_CODE_BYTES = 15
# A lesson view moves „last activity“ at most this often (one UPDATE, not one per page view).
ACTIVITY_TOUCH_SECONDS = 300


class BlockGone(Exception):
    """The block id is not in the live lesson (edited away, or a tampered form)."""

    message = "Diese Aufgabe gibt es in der aktuellen Fassung nicht mehr – bitte lade die Seite neu."


class LessonLocked(Exception):
    """A linear course: the lesson opens once the one before it is completed."""

    def __init__(self, due: selectors.OutlineLesson | None, predecessor_title: str):
        super().__init__(predecessor_title)
        self.due = due
        self.predecessor_title = predecessor_title


class AttemptsUsedUp(Exception):
    def __init__(self, max_attempts: int, best: QuizAttempt | None):
        super().__init__(max_attempts)
        self.max_attempts = max_attempts
        self.best = best


class StaleAnswer(Exception):
    """The answer changed in another tab since this form was rendered; nothing was overwritten."""

    def __init__(self, current: BlockResponse, submitted_text: str):
        super().__init__(current.pk)
        self.current = current
        self.submitted_text = submitted_text


class NotComplete(Exception):
    """A certificate was asked for before every lesson was completed."""


@dataclass
class WriteResult:
    """What a write did, for the view's messages: whether it enrolled the learner or completed the lesson."""

    enrolled: bool = False
    completed: bool = False
    course_completed: bool = False


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _too_long(message: str, *, limit: int, count: int) -> ValidationError:
    """The German too-long error with both numbers in German grouping („10.000“)."""
    return ValidationError(
        message % {"limit": f"{limit:,}".replace(",", "."), "count": f"{count:,}".replace(",", ".")}, code="too_long"
    )


def answer_max_length() -> int:
    return settings.COURSES_ANSWER_MAX_LENGTH


# --- enrolment ---------------------------------------------------------------------------------


def enrollment_create(*, user: User, course: CoursePage) -> tuple[Enrollment, bool]:
    """Enrol `user` in `course`; a second call returns the existing enrolment (created False)."""
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Enrollment.objects.create(user=user, course=course), True
    except IntegrityError:  # a parallel request enrolled first
        return Enrollment.objects.get(user=user, course=course), False


def enrollment_touch(*, enrollment: Enrollment, lesson: LessonPage) -> None:
    """Remember the lesson a learner is on (for „Weitermachen“); throttled to keep page views cheap."""
    now = timezone.now()
    if enrollment.last_lesson_id == lesson.pk and now - enrollment.last_activity_at < timedelta(
        seconds=ACTIVITY_TOUCH_SECONDS
    ):
        return
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson_id = lesson.pk
    enrollment.last_activity_at = now


def enrollment_settings_update(
    *, user: User, course: CoursePage, weekly_goal: int, share_progress_with_team: bool
) -> Enrollment:
    if not 0 <= weekly_goal <= 3:
        raise ValidationError(_("Choose a weekly goal of one to three lessons, or none."))
    enrollment, _created = enrollment_create(user=user, course=course)
    enrollment.weekly_goal = weekly_goal
    enrollment.share_progress_with_team = share_progress_with_team
    enrollment.save(update_fields=["weekly_goal", "share_progress_with_team"])
    return enrollment


def reminders_unsubscribe(*, user: User, course: CoursePage | None = None) -> int:
    """Turn the weekly goal off (one course, or all): no more reminders."""
    enrollments = Enrollment.objects.filter(user=user, weekly_goal__gt=0)
    if course is not None:
        enrollments = enrollments.filter(course=course)
    return enrollments.update(weekly_goal=0)


# --- lessons and their blocks ------------------------------------------------------------------


@dataclass
class LessonContext:
    """A lesson with its course and the learner's outline, loaded once per write."""

    lesson: LessonPage
    course: CoursePage
    outline: selectors.Outline


def lesson_context(*, user: User, lesson: LessonPage, request=None) -> LessonContext:
    course = selectors.course_of_lesson(lesson)
    if course is None:
        raise BlockGone
    outline = selectors.outline_for(
        user=user, course=course, course_url=selectors.course_url(course, request), current_lesson_id=lesson.pk
    )
    return LessonContext(lesson=lesson, course=course, outline=outline)


def check_open(context: LessonContext) -> None:
    """Raise LessonLocked when the lesson is locked for this learner (linear courses)."""
    entry = context.outline.lesson(context.lesson.pk)
    if entry is None:  # not live or not in a live module: nobody may work in it
        raise BlockGone
    if not entry.locked:
        return
    previous, _next = context.outline.neighbours(context.lesson.pk)
    raise LessonLocked(context.outline.due_lesson(), previous.title if previous else "")


def find_block(lesson: LessonPage, block_id: str, block_type: str | None = None):
    """The live lesson's block with this id (of this type), or BlockGone."""
    for block in lesson.body:
        if block.id == block_id and (block_type is None or block.block_type == block_type):
            return block
    raise BlockGone


def _enrol_for_write(user: User, context: LessonContext) -> WriteResult:
    enrollment, created = enrollment_create(user=user, course=context.course)
    context.outline.enrollment = enrollment
    enrollment_touch(enrollment=enrollment, lesson=context.lesson)
    return WriteResult(enrolled=created)


def _requirements(lesson: LessonPage) -> tuple[dict[str, set[str]], list[str]]:
    """Required checklist item ids per checklist block, and the ids of quiz blocks (all must be passed)."""
    required: dict[str, set[str]] = {}
    quizzes: list[str] = []
    for block in lesson.body:
        if block.block_type == "checklist":
            ids = {str(item.id) for item in block.value["items"].bound_blocks if item.value["required"]}
            if ids:
                required[block.id] = ids
        elif block.block_type == "quiz":
            quizzes.append(block.id)
    return required, quizzes


def completion_ready(lesson: LessonPage, states: dict[str, BlockResponse]) -> bool:
    """Auto-completion: the lesson has requirements, every required item is ticked and every quiz passed."""
    required, quizzes = _requirements(lesson)
    if not required and not quizzes:
        return False
    for block_id, ids in required.items():
        state = states.get(block_id)
        if state is None or not ids <= set(state.data.get("checked", [])):
            return False
    return all(states.get(block_id) is not None and states[block_id].data.get("passed") for block_id in quizzes)


def _complete(user: User, context: LessonContext, *, automatic: bool, result: WriteResult) -> None:
    _row, created = LessonCompletion.objects.get_or_create(
        user=user, lesson=context.lesson, defaults={"automatic": automatic}
    )
    if not created:
        return
    result.completed = True
    entry = context.outline.lesson(context.lesson.pk)
    if entry is not None:
        entry.done = True
    outline = context.outline
    if outline.total and outline.done >= outline.total:
        Enrollment.objects.filter(user=user, course=context.course, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )
        result.course_completed = True
        if context.course.certificate_enabled:
            certificate_issue(user=user, course=context.course)


def _maybe_auto_complete(user: User, context: LessonContext, result: WriteResult) -> None:
    if completion_ready(context.lesson, selectors.block_states(user=user, lesson=context.lesson)):
        _complete(user, context, automatic=True, result=result)


@transaction.atomic
def lesson_complete(*, user: User, lesson: LessonPage, context: LessonContext | None = None) -> WriteResult:
    """„Als erledigt markieren“: idempotent (a double submit records one completion)."""
    context = context or lesson_context(user=user, lesson=lesson)
    check_open(context)
    result = _enrol_for_write(user, context)
    _complete(user, context, automatic=False, result=result)
    return result


def _response_for_update(user: User, lesson: LessonPage, block_id: str, kind: str) -> tuple[BlockResponse, bool]:
    try:
        with transaction.atomic():
            response, created = BlockResponse.objects.select_for_update().get_or_create(
                user=user, lesson=lesson, block_id=block_id, defaults={"kind": kind}
            )
    except IntegrityError:
        response, created = (
            BlockResponse.objects.select_for_update().get(user=user, lesson=lesson, block_id=block_id),
            False,
        )
    return response, created


@transaction.atomic
def checklist_save(
    *, user: User, lesson: LessonPage, block_id: str, checked_ids: set[str], context: LessonContext | None = None
) -> tuple[BlockResponse, WriteResult]:
    """Store which items of a checklist are ticked (the whole set, as the form without JavaScript sends it)."""
    context = context or lesson_context(user=user, lesson=lesson)
    block = find_block(lesson, block_id, "checklist")
    check_open(context)
    items = {str(item.id): item.value["text"] for item in block.value["items"].bound_blocks}
    unknown = set(checked_ids) - set(items)
    if unknown:
        raise ValidationError(_("This checklist item does not exist (any more)."), code="unknown_item")
    result = _enrol_for_write(user, context)
    response, _created = _response_for_update(user, lesson, block_id, BlockResponse.Kind.CHECKLIST)
    response.data = {"checked": sorted(checked_ids), "title": block.value["title"], "items": items}
    if not _created:
        response.version += 1
    response.updated_at = timezone.now()
    response.save()
    _maybe_auto_complete(user, context, result)
    return response, result


def checklist_toggle(
    *, user: User, lesson: LessonPage, block_id: str, item_id: str, checked: bool, context: LessonContext | None = None
) -> tuple[BlockResponse, WriteResult]:
    """Tick or untick one item (the in-place save); other items keep their state."""
    current = selectors.block_states(user=user, lesson=lesson).get(block_id)
    ids = set(current.data.get("checked", [])) if current else set()
    if checked:
        ids.add(item_id)
    else:
        ids.discard(item_id)
    return checklist_save(user=user, lesson=lesson, block_id=block_id, checked_ids=ids, context=context)


@transaction.atomic
def reflection_save(
    *,
    user: User,
    lesson: LessonPage,
    block_id: str,
    text: str,
    base_version: int | None,
    context: LessonContext | None = None,
) -> tuple[BlockResponse, WriteResult]:
    """Save a reflection answer. `base_version` is the version the form showed: a newer one is never overwritten."""
    context = context or lesson_context(user=user, lesson=lesson)
    block = find_block(lesson, block_id, "reflection")
    check_open(context)
    text = text.replace("\r\n", "\n").strip()
    limit = answer_max_length()
    if len(text) > limit:
        raise _too_long(
            _("Your answer is too long (at most %(limit)s characters, you have %(count)s)."),
            limit=limit,
            count=len(text),
        )
    result = _enrol_for_write(user, context)
    response, created = _response_for_update(user, lesson, block_id, BlockResponse.Kind.REFLECTION)
    if (
        not created
        and base_version is not None
        and response.version != base_version
        and response.data.get("text") != text
    ):
        raise StaleAnswer(response, text)
    if not created:
        response.version += 1
    response.data = {"text": text, "question": block.value["question"]}
    response.updated_at = timezone.now()
    response.save()
    return response, result


def response_share_set(*, user: User, response_id: int, shared: bool) -> BlockResponse:
    """„Mit meinem Team teilen“ for one of the learner's own answers (404 for anyone else's)."""
    response = BlockResponse.objects.get(pk=response_id, user=user)
    response.shared_with_team = shared
    response.save(update_fields=["shared_with_team"])
    return response


@transaction.atomic
def quiz_submit(
    *,
    user: User,
    lesson: LessonPage,
    block_id: str,
    answers: dict[str, frozenset[str]],
    token: str,
    context: LessonContext | None = None,
) -> tuple[QuizAttempt, scoring.QuizResult, WriteResult]:
    """Score and record one attempt. The same token twice returns the first attempt instead of a second."""
    context = context or lesson_context(user=user, lesson=lesson)
    block = find_block(lesson, block_id, "quiz")
    check_open(context)
    questions = scoring.questions_from_block(block.value)
    result_ = scoring.score(questions, answers, block.value["pass_mark"])  # UnknownOption for tampered ids
    existing = QuizAttempt.objects.filter(user=user, token=token).first() if token else None
    if existing is not None:
        replayed = {qid: frozenset(ids) for qid, ids in existing.answers.items()}
        return existing, scoring.score(questions, replayed, block.value["pass_mark"]), WriteResult()
    result = _enrol_for_write(user, context)
    state, _created = _response_for_update(user, lesson, block_id, BlockResponse.Kind.QUIZ)
    attempts = list(QuizAttempt.objects.filter(user=user, lesson=lesson, block_id=block_id))
    left = scoring.attempts_left(block.value["max_attempts"], len(attempts))
    if left == 0:
        raise AttemptsUsedUp(block.value["max_attempts"], max(attempts, key=lambda a: a.score, default=None))
    attempt = QuizAttempt.objects.create(
        user=user,
        lesson=lesson,
        block_id=block_id,
        answers={qid: sorted(ids) for qid, ids in answers.items()},
        score=result_.score,
        passed=result_.passed,
        token=token or new_token(),
    )
    best = max([*(a.score for a in attempts), attempt.score])
    state.data = {
        "title": block.value["title"],
        "attempts": len(attempts) + 1,
        "best": best,
        "passed": bool(state.data.get("passed")) or attempt.passed,
        "last_attempt_id": attempt.pk,
        # The page after the redirect shows the learner's choices, the verdicts and the feedback from here.
        "last_score": attempt.score,
        "last": {
            question.question_id: {"chosen": sorted(question.chosen), "correct": question.correct}
            for question in result_.questions
        },
    }
    state.updated_at = timezone.now()
    state.save()
    _maybe_auto_complete(user, context, result)
    return attempt, result_, result


# --- certificates -------------------------------------------------------------------------------


def certificate_issue(*, user: User, course: CoursePage) -> Certificate:
    """Issue the course certificate once every live lesson is completed; idempotent."""
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing is not None:
        return existing
    done, total = selectors.progress_by_course(user=user, courses=[course])[course.pk]
    if not total or done < total:
        raise NotComplete
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                course=course,
                code=secrets.token_urlsafe(CERTIFICATE_CODE_BYTES),
                holder_name=str(user),
                course_title=course.title,
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=course)


# --- bookmarks and notes -----------------------------------------------------------------------


def bookmark_toggle(*, user: User, lesson: LessonPage) -> bool:
    """„Merken“: add or remove; returns whether the lesson is bookmarked now."""
    deleted, _rows = LessonBookmark.objects.filter(user=user, lesson=lesson).delete()
    if deleted:
        return False
    LessonBookmark.objects.get_or_create(user=user, lesson=lesson)
    return True


def note_save(*, user: User, lesson: LessonPage, text: str) -> LessonNote | None:
    """A private note per lesson; an empty text deletes it."""
    text = text.replace("\r\n", "\n").strip()
    limit = settings.COURSES_NOTE_MAX_LENGTH
    if len(text) > limit:
        raise _too_long(
            _("Your note is too long (at most %(limit)s characters, you have %(count)s)."), limit=limit, count=len(text)
        )
    if not text:
        LessonNote.objects.filter(user=user, lesson=lesson).delete()
        return None
    note, _created = LessonNote.objects.update_or_create(
        user=user, lesson=lesson, defaults={"text": text, "updated_at": timezone.now()}
    )
    return note


# --- discussion --------------------------------------------------------------------------------


def lesson_discussion_ensure(*, lesson: LessonPage, actor: User, request=None) -> int:
    """The lesson's forum topic, started once in the course's Handlungsfeld forum through forums.services."""
    from forums import selectors as forum_selectors
    from forums import services as forum_services

    existing = LessonDiscussion.objects.filter(lesson=lesson).first()
    if existing is not None and forum_selectors.topic_exists(topic_id=existing.topic_id):
        return existing.topic_id
    course = selectors.course_of_lesson(lesson)
    handlungsfeld_ids = list(course.handlungsfelder.values_list("id", flat=True)) if course else []
    category = forum_selectors.discussion_category_for(handlungsfeld_ids=handlungsfeld_ids)
    if category is None:
        raise ValidationError(_("There is no forum for discussing this course yet."), code="no_forum")
    url = lesson.get_full_url(request)
    title = _("Discussion: %(lesson)s") % {"lesson": lesson.title}
    body = _(
        "This topic belongs to the lesson [%(lesson)s](%(url)s) of the course „%(course)s“. "
        "How did it go in your region? Share your experience, questions and examples here."
    ) % {"lesson": lesson.title, "url": url, "course": course.title if course else ""}
    topic = forum_services.topic_create(
        author=actor, category=category, title=title[:200], body_markdown=body, tags=["kurs"]
    )
    topic_id = topic.pk
    LessonDiscussion.objects.update_or_create(lesson=lesson, defaults={"topic_id": topic_id})
    return topic_id


__all__ = [
    "INTERACTIVE_TYPES",
    "AttemptsUsedUp",
    "BlockGone",
    "LessonLocked",
    "NotComplete",
    "StaleAnswer",
]


# --- weekly goals and reminders ------------------------------------------------------------------

REMINDER_KIND = "course.reminder"
GOAL_WEEK = timedelta(days=7)
# The scheduler looks hourly: a reminder a little early beats one a whole hour late every week.
GOAL_SLACK = timedelta(hours=1)


def reminders_send(*, now=None) -> int:
    """Remind learners who missed their weekly goal, once a week; none after completing the course.

    A week is the seven days since the last reminder (or since enrolling): a learner who reached their goal
    in it gets nothing, and the next week starts. Returns how many reminders went out.
    """
    from django.urls import reverse
    from django.utils import translation

    from notifications.services import notification_create

    from .learner_views import unsubscribe_token

    now = now or timezone.now()
    due = selectors.reminders_due(now=now - GOAL_WEEK + GOAL_SLACK)
    if not due:
        return 0
    done = selectors.completions_since(enrollments=due)
    sent = 0
    for enrollment in due:
        course = enrollment.course
        count = done.get(enrollment.pk, 0)
        if count >= enrollment.weekly_goal:
            Enrollment.objects.filter(pk=enrollment.pk).update(reminder_sent_at=now)  # goal reached: next week
            continue
        with translation.override(settings.LANGUAGE_CODE):
            data = {
                "title": _("Your weekly goal in „%(course)s“") % {"course": course.title},
                "excerpt": _(
                    "You planned %(goal)s lessons a week and completed %(done)s in the last seven days. "
                    "Continue where you left off."
                )
                % {"goal": enrollment.weekly_goal, "done": count},
                "url": f"{course.url}weitermachen/",
                "unsubscribe_url": reverse("courses:unsubscribe", args=[unsubscribe_token(enrollment.user)]),
            }
        notification_create(recipient=enrollment.user, kind=REMINDER_KIND, data=data, target=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(reminder_sent_at=now)
        sent += 1
    return sent
