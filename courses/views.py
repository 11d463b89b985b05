"""Learner pages of the course: thin views over courses.services and courses.selectors.

Every page works without JavaScript (forms post and redirect); courses/static/courses/courses.js saves
checklists and answers in place by posting the same forms with `X-Requested-With: fetch` and reading JSON.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from community.permissions import can_post

from . import scoring, selectors, services
from .blocks import INTERACTIVE_TYPES, heading_anchor
from .models import BlockResponse, CoursePage, LessonBookmark, LessonDiscussion, LessonNote, LessonPage

PENDING_SESSION_KEY = "courses_pending_answers"


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _is_preview(request: HttpRequest) -> bool:
    return bool(getattr(request, "is_preview", False))


def _enrolled_message(request: HttpRequest) -> None:
    messages.success(request, _("You are now enrolled in this course."))


def _locked_response(request: HttpRequest, locked: services.LessonLocked, course: CoursePage) -> HttpResponse:
    messages.info(
        request,
        _("This lesson opens as soon as you have completed „%(lesson)s“.") % {"lesson": locked.predecessor_title},
    )
    if _wants_json(request):
        return JsonResponse({"ok": False, "locked": True, "redirect": locked.due.url if locked.due else ""}, status=409)
    return redirect(locked.due.url if locked.due else selectors.course_url(course, request))


def _gone_response(request: HttpRequest, lesson: LessonPage) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": services.BlockGone.message}, status=404)
    return TemplateResponse(
        request,
        "courses/task_gone.html",
        {"page": lesson, "message": services.BlockGone.message, "lesson_url": lesson.get_url(request)},
        status=404,
    )


# --- course index and course page --------------------------------------------------------------


def course_index_context(request: HttpRequest, index_page) -> dict[str, Any]:
    courses = list(CoursePage.objects.live().public().child_of(index_page).order_by("path"))
    progress: dict[int, tuple[int, int]] = {}
    enrolled: set[int] = set()
    if request.user.is_authenticated and courses:
        progress = selectors.progress_by_course(user=request.user, courses=courses)
        enrolled = set(request.user.course_enrollments.filter(course__in=courses).values_list("course_id", flat=True))
    rows = []
    for course in courses:
        done, total = progress.get(course.pk, (0, 0))
        rows.append(
            {
                "course": course,
                "url": course.get_url(request),
                "enrolled": course.pk in enrolled,
                "percent": selectors.percent(done, total),
            }
        )
    return {"course_rows": rows}


def course_context(request: HttpRequest, course: CoursePage) -> dict[str, Any]:
    outline = selectors.outline_for(user=request.user, course=course, course_url=selectors.course_url(course, request))
    certificate = None
    if request.user.is_authenticated:
        certificate = course.certificates.filter(user=request.user).first()
    return {
        "outline": outline,
        "enrollment": outline.enrollment,
        "next_lesson": outline.next_lesson(),
        "certificate": certificate,
        "goal_choices": [
            (0, _("No weekly goal")),
            (1, _("1 lesson a week")),
            (2, _("2 lessons a week")),
            (3, _("3 lessons a week")),
        ],
        "has_regional_team": request.user.is_authenticated and bool(selectors.regional_teams_of(request.user)),
    }


def _require_post_login(request: HttpRequest) -> HttpResponse | None:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def course_enrol(request: HttpRequest, course: CoursePage) -> HttpResponse:
    if _is_preview(request):
        return redirect(selectors.course_url(course, request))
    refusal = _require_post_login(request)
    if refusal:
        return refusal
    _enrollment, created = services.enrollment_create(user=request.user, course=course)
    if created:
        _enrolled_message(request)
    return redirect(f"{selectors.course_url(course, request)}weitermachen/")


def course_resume(request: HttpRequest, course: CoursePage) -> HttpResponse:
    """„Weitermachen“: the next open unfinished lesson (unpublished ones are not in the outline)."""
    outline = selectors.outline_for(user=request.user, course=course, course_url=selectors.course_url(course, request))
    target = outline.next_lesson()
    if target is None:
        if outline.total and outline.done >= outline.total:
            messages.success(request, _("You have completed every lesson of this course."))
        return redirect(selectors.course_url(course, request))
    return redirect(target.url)


def course_settings(request: HttpRequest, course: CoursePage) -> HttpResponse:
    refusal = _require_post_login(request)
    if refusal:
        return refusal
    try:
        goal = int(request.POST.get("weekly_goal", "0"))
        services.enrollment_settings_update(
            user=request.user,
            course=course,
            weekly_goal=goal,
            share_progress_with_team=request.POST.get("share_progress_with_team") == "on",
        )
    except (ValueError, ValidationError):
        messages.error(request, _("Choose a weekly goal of one to three lessons, or none."))
    else:
        messages.success(request, _("Your course settings are saved."))
    return redirect(f"{selectors.course_url(course, request)}#einstellungen")


def course_team(request: HttpRequest, course: CoursePage) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return TemplateResponse(
        request,
        "courses/course_team.html",
        {"page": course, "team_views": selectors.team_views_for(user=request.user, course=course)},
    )


def course_certificate(request: HttpRequest, course: CoursePage) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not course.certificate_enabled:
        raise Http404
    try:
        certificate = services.certificate_issue(user=request.user, course=course)
    except services.NotComplete:
        messages.info(request, _("Your certificate is ready as soon as you have completed every lesson."))
        return redirect(selectors.course_url(course, request))
    return redirect("courses:certificate", code=certificate.code)


# --- the lesson page -----------------------------------------------------------------------------


def _checklist_item(block, state: BlockResponse | None) -> dict[str, Any]:
    checked = set(state.data.get("checked", [])) if state else set()
    return {
        "title": block.value["title"],
        "items": [
            {
                "id": str(item.id),
                "text": item.value["text"],
                "required": item.value["required"],
                "checked": str(item.id) in checked,
            }
            for item in block.value["items"].bound_blocks
        ],
    }


def _reflection_item(block, state: BlockResponse | None, form: dict[str, Any]) -> dict[str, Any]:
    stored = state.data.get("text", "") if state else ""
    return {
        "question": block.value["question"],
        "hint": block.value["hint"],
        "text": form.get("text", stored),
        "stored": stored,
        "version": form.get("version", state.version if state else 0),
        "error": form.get("error", ""),
        "stale": form.get("stale", ""),
        "pending": form.get("pending", False),
        "response_id": state.pk if state else None,
        "shared": state.shared_with_team if state else False,
        "lines": block.value["lines"],
    }


def _quiz_item(block, state: BlockResponse | None, form: dict[str, Any]) -> dict[str, Any]:
    questions = scoring.questions_from_block(block.value)
    data = state.data if state else {}
    last = form.get("result")
    last_chosen: dict[str, frozenset[str]] = {}
    last_correct: dict[str, bool] = {}
    if last is not None:
        last_chosen = {result.question_id: result.chosen for result in last.questions}
        last_correct = {result.question_id: result.correct for result in last.questions}
    elif data.get("last"):
        last_chosen = {qid: frozenset(entry["chosen"]) for qid, entry in data["last"].items()}
        last_correct = {qid: entry["correct"] for qid, entry in data["last"].items()}
    attempts = data.get("attempts", 0)
    left = scoring.attempts_left(block.value["max_attempts"], attempts)
    # Only what the learner chose, whether that question was right, and the chosen options' feedback: the
    # correct options themselves never reach the page.
    return {
        "title": block.value["title"],
        "pass_mark": block.value["pass_mark"],
        "max_attempts": block.value["max_attempts"],
        "attempts": attempts,
        "attempts_left": left,
        "best": data.get("best"),
        "passed": bool(data.get("passed")),
        "has_result": bool(last_chosen),
        "last_score": last.score if last is not None else data.get("last_score"),
        "error": form.get("error", ""),
        "questions": [
            {
                "id": question.id,
                "text": question.text,
                "multiple": question.multiple,
                "answered_correctly": last_correct.get(question.id),
                "options": [
                    {
                        "id": option.id,
                        "text": option.text,
                        "chosen": option.id in last_chosen.get(question.id, frozenset()),
                        "feedback": option.feedback if option.id in last_chosen.get(question.id, frozenset()) else "",
                    }
                    for option in question.options
                ],
            }
            for question in questions
        ],
    }


def build_lesson_context(
    request: HttpRequest, lesson: LessonPage, *, forms: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Everything the lesson page shows, in a constant number of queries (asserted in tests)."""
    forms = forms or {}
    course = selectors.course_of_lesson(lesson)
    if course is None:
        raise Http404
    course_url = selectors.course_url(course, request)
    outline = selectors.outline_for(
        user=request.user, course=course, course_url=course_url, current_lesson_id=lesson.pk
    )
    user = request.user
    states = selectors.block_states(user=user, lesson=lesson)
    pending = (
        request.session.pop(PENDING_SESSION_KEY, {})
        if user.is_authenticated and PENDING_SESSION_KEY in request.session
        else {}
    )
    items = []
    block_ids = set()
    headings = []
    for block in lesson.body:
        block_ids.add(block.id)
        form = dict(forms.get(block.id, {}))
        key = f"{lesson.pk}:{block.id}"
        if key in pending and "text" not in form:
            form.update({"text": pending[key], "pending": True})
        item: dict[str, Any] = {"id": block.id, "type": block.block_type, "block": block}
        state = states.get(block.id)
        if block.block_type == "checklist":
            item["checklist"] = _checklist_item(block, state)
        elif block.block_type == "reflection":
            item["reflection"] = _reflection_item(block, state, form)
        elif block.block_type == "quiz":
            item["quiz"] = _quiz_item(block, state, form)
        elif block.block_type == "heading":
            item["anchor"] = heading_anchor(block.value)
            headings.append({"text": block.value["text"], "anchor": item["anchor"]})
        items.append(item)
    earlier = [
        state
        for block_id, state in states.items()
        if block_id not in block_ids and state.kind != BlockResponse.Kind.QUIZ
    ]
    previous, following = outline.neighbours(lesson.pk)
    entry = outline.lesson(lesson.pk)
    discussion = None
    bookmarked = False
    note = None
    if user.is_authenticated:
        bookmarked = LessonBookmark.objects.filter(user=user, lesson=lesson).exists()
        note = LessonNote.objects.filter(user=user, lesson=lesson).first()
    link = LessonDiscussion.objects.filter(lesson=lesson).first()
    if link is not None:
        from forums import selectors as forum_selectors

        discussion = forum_selectors.topic_summary(user=user, topic_id=link.topic_id)
    done = bool(entry and entry.done)
    return {
        "page": lesson,
        "self": lesson,
        "course": course,
        "course_url": course_url,
        "outline": outline,
        "lesson_entry": entry,
        "module": next((module for module in outline.modules if entry and module.id == entry.module_id), None),
        "items": items,
        "headings": headings,
        "earlier_answers": earlier,
        "previous_lesson": previous,
        "next_lesson": following,
        "done": done,
        "enrollment": outline.enrollment,
        "bookmarked": bookmarked,
        "note": note,
        "note_text": forms.get("_note", {}).get("text", note.text if note else ""),
        "note_error": forms.get("_note", {}).get("error", ""),
        "discussion": discussion,
        "discussion_link": link,
        "can_start_discussion": user.is_authenticated and can_post(user),
        "inert": _is_preview(request),
        "token": services.new_token(),
        "answer_max_length": services.answer_max_length(),
        "has_requirements": any(item["type"] in INTERACTIVE_TYPES and item["type"] != "reflection" for item in items),
    }


def _render_lesson(request: HttpRequest, lesson: LessonPage, *, forms=None, status: int = 200) -> HttpResponse:
    context = build_lesson_context(request, lesson, forms=forms)
    return TemplateResponse(request, "courses/lesson_page.html", context, status=status)


def lesson_serve(request: HttpRequest, lesson: LessonPage) -> HttpResponse:
    if request.method not in ("GET", "HEAD") and not _is_preview(request):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    response = _render_lesson(request, lesson)
    context = response.context_data
    entry = context["lesson_entry"]
    course = context["course"]
    if entry is None:
        raise Http404  # a lesson in an unpublished module
    if entry.locked and not _is_preview(request):
        previous, _next = context["outline"].neighbours(lesson.pk)
        locked = services.LessonLocked(context["outline"].due_lesson(), previous.title if previous else "")
        return _locked_response(request, locked, course)
    enrollment = context["enrollment"]
    if enrollment is not None and not _is_preview(request):
        services.enrollment_touch(enrollment=enrollment, lesson=lesson)
    return response


def _answers_from_post(request: HttpRequest) -> dict[str, frozenset[str]]:
    answers: dict[str, frozenset[str]] = {}
    for key in request.POST:
        if key.startswith("q-"):
            answers[key[2:]] = frozenset(request.POST.getlist(key))
    return answers


def lesson_task(request: HttpRequest, lesson: LessonPage, block_id: str) -> HttpResponse:
    """POST of an interactive block's form: checklist, reflection or quiz."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if _is_preview(request):
        return _gone_response(request, lesson)
    block = next((block for block in lesson.body if block.id == block_id), None)
    if block is None or block.block_type not in INTERACTIVE_TYPES:
        return _gone_response(request, lesson)
    if not request.user.is_authenticated:
        # Keep what the visitor typed; the lesson shows it again after login.
        if block.block_type == "reflection":
            pending = request.session.get(PENDING_SESSION_KEY, {})
            pending[f"{lesson.pk}:{block_id}"] = request.POST.get("text", "")[: services.answer_max_length() * 2]
            request.session[PENDING_SESSION_KEY] = pending
            messages.info(request, _("Please log in to save your answer. We have kept what you wrote."))
        return redirect_to_login(f"{lesson.get_url(request)}#aufgabe-{block_id}")
    user = request.user
    try:
        context = services.lesson_context(user=user, lesson=lesson, request=request)
        services.check_open(context)
    except services.BlockGone:
        return _gone_response(request, lesson)
    except services.LessonLocked as locked:
        return _locked_response(request, locked, context.course)
    anchor = f"#aufgabe-{block_id}"
    try:
        if block.block_type == "checklist":
            if "item" in request.POST:  # one item toggled in place
                _response, result = services.checklist_toggle(
                    user=user,
                    lesson=lesson,
                    block_id=block_id,
                    item_id=request.POST["item"],
                    checked=request.POST.get("checked") == "true",
                    context=context,
                )
            else:
                _response, result = services.checklist_save(
                    user=user,
                    lesson=lesson,
                    block_id=block_id,
                    checked_ids=set(request.POST.getlist("items")),
                    context=context,
                )
            saved_message = _("Your checklist is saved.")
        elif block.block_type == "reflection":
            raw_version = request.POST.get("version", "")
            response, result = services.reflection_save(
                user=user,
                lesson=lesson,
                block_id=block_id,
                text=request.POST.get("text", ""),
                base_version=int(raw_version) if raw_version.isdigit() else None,
                context=context,
            )
            saved_message = _("Your answer is saved.")
            if _wants_json(request):
                return JsonResponse(
                    {"ok": True, "message": saved_message, "version": response.version, "enrolled": result.enrolled}
                )
        else:
            token = request.POST.get("token", "")
            attempt, quiz_result, result = services.quiz_submit(
                user=user,
                lesson=lesson,
                block_id=block_id,
                answers=_answers_from_post(request),
                token=token,
                context=context,
            )
            if quiz_result.passed:
                saved_message = _("Passed: %(score)s %% correct.") % {"score": quiz_result.score}
            else:
                saved_message = _("Not passed yet: %(score)s %% correct, %(mark)s %% are needed.") % {
                    "score": quiz_result.score,
                    "mark": block.value["pass_mark"],
                }
    except ValidationError as error:
        message = " ".join(error.messages)
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": message}, status=400)
        form = {"error": message}
        if block.block_type == "reflection":
            form["text"] = request.POST.get("text", "")
            form["version"] = request.POST.get("version", "")
        return _render_lesson(request, lesson, forms={block_id: form}, status=400)
    except scoring.UnknownOption:
        message = _("One of the chosen answers does not exist in this question. Please choose again.")
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": message}, status=400)
        return _render_lesson(request, lesson, forms={block_id: {"error": message}}, status=400)
    except services.StaleAnswer as stale:
        message = _(
            "This answer was changed in another window in the meantime. Both versions are shown below: "
            "keep the one you want and save again."
        )
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "error": message, "stale": stale.current.data.get("text", "")}, status=409
            )
        form = {
            "error": message,
            "text": stale.submitted_text,
            "stale": stale.current.data.get("text", ""),
            "version": stale.current.version,
        }
        return _render_lesson(request, lesson, forms={block_id: form}, status=409)
    except services.AttemptsUsedUp as used_up:
        message = _("You have used all %(count)s attempts.") % {"count": used_up.max_attempts}
        if used_up.best is not None:
            message += " " + _("Your best result: %(score)s %% correct.") % {"score": used_up.best.score}
        messages.warning(request, message)
        return redirect(lesson.get_url(request) + anchor)
    if result.enrolled:
        _enrolled_message(request)
    if result.completed:
        messages.success(request, _("Lesson completed."))
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "message": saved_message,
                "completed": result.completed,
                "percent": context.outline.percent,
                "enrolled": result.enrolled,
            }
        )
    if block.block_type == "quiz":
        messages.info(request, saved_message)
    else:
        messages.success(request, saved_message)
    return redirect(lesson.get_url(request) + anchor)


def lesson_video_file(request: HttpRequest, lesson: LessonPage, block_id: str) -> HttpResponse:
    """An uploaded lesson video, behind the lesson's own page privacy (Wagtail checked it before this route)."""
    block = next((b for b in lesson.body if b.id == block_id and b.block_type == "video"), None)
    media = block.value.get("media") if block is not None else None
    if media is None or not media.file:
        raise Http404
    from videothek import video_services

    return video_services.protected_file_response(
        file_field=media.file, range_header=request.headers.get("Range", ""), filename=media.filename
    )


def lesson_mark_complete(request: HttpRequest, lesson: LessonPage) -> HttpResponse:
    refusal = _require_post_login(request)
    if refusal:
        return refusal
    if _is_preview(request):
        return _gone_response(request, lesson)
    try:
        context = services.lesson_context(user=request.user, lesson=lesson, request=request)
        result = services.lesson_complete(user=request.user, lesson=lesson, context=context)
    except services.BlockGone:
        raise Http404 from None
    except services.LessonLocked as locked:
        return _locked_response(request, locked, context.course)
    if result.enrolled:
        _enrolled_message(request)
    if result.course_completed:
        messages.success(request, _("Congratulations, you have completed the course!"))
    elif result.completed:
        messages.success(request, _("Lesson completed."))
    # The completion opened the next lesson: judge the outline again from what is done now, no new queries.
    outline = context.outline
    selectors.apply_sequencing(
        outline.modules,
        linear=context.course.is_linear,
        done_ids={entry.id for entry in outline.lessons if entry.done},
        current_id=lesson.pk,
    )
    _previous, following = outline.neighbours(lesson.pk)
    if request.POST.get("next") == "1" and following is not None and not following.locked:
        return redirect(following.url)
    return redirect(lesson.get_url(request))


def lesson_bookmark(request: HttpRequest, lesson: LessonPage) -> HttpResponse:
    refusal = _require_post_login(request)
    if refusal:
        return refusal
    bookmarked = services.bookmark_toggle(user=request.user, lesson=lesson)
    message = _("Lesson bookmarked.") if bookmarked else _("Bookmark removed.")
    if _wants_json(request):
        return JsonResponse({"ok": True, "bookmarked": bookmarked, "message": message})
    messages.success(request, message)
    return redirect(lesson.get_url(request))


def lesson_note(request: HttpRequest, lesson: LessonPage) -> HttpResponse:
    refusal = _require_post_login(request)
    if refusal:
        return refusal
    text = request.POST.get("text", "")
    try:
        note = services.note_save(user=request.user, lesson=lesson, text=text)
    except ValidationError as error:
        message = " ".join(error.messages)
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": message}, status=400)
        return _render_lesson(request, lesson, forms={"_note": {"text": text, "error": message}}, status=400)
    message = _("Your note is saved.") if note else _("Your note is deleted.")
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message})
    messages.success(request, message)
    return redirect(lesson.get_url(request) + "#notiz")


def lesson_discussion(request: HttpRequest, lesson: LessonPage) -> HttpResponse:
    """„Diskussion starten“: the first press creates the forum topic, every later one opens it."""
    refusal = _require_post_login(request)
    if refusal:
        return refusal
    if not can_post(request.user):
        raise PermissionDenied
    try:
        topic_id = services.lesson_discussion_ensure(lesson=lesson, actor=request.user, request=request)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(lesson.get_url(request) + "#diskussion")
    from forums import selectors as forum_selectors

    return redirect(forum_selectors.topic_url(topic_id))
