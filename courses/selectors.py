"""Reads of the course app: the outline with a learner's state, progress, block states and the learner dashboard.

Every read of learner data takes the user and filters by it; nothing here returns another member's private
answers. Query counts are constant in lessons, modules and courses (asserted in tests/courses).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Substr
from wagtail.models import Page

from community.models import Team, TeamMembership, User

from .models import (
    BlockResponse,
    Certificate,
    CoursePage,
    Enrollment,
    LessonBookmark,
    LessonCompletion,
    LessonNote,
    LessonPage,
    ModulePage,
    QuizAttempt,
)


class LessonState:
    DONE = "done"
    LOCKED = "locked"
    CURRENT = "current"
    OPEN = "open"


@dataclass
class OutlineLesson:
    id: int
    title: str
    url: str
    module_id: int
    minutes: int
    done: bool = False
    locked: bool = False
    current: bool = False

    @property
    def state(self) -> str:
        if self.current:
            return LessonState.CURRENT
        if self.done:
            return LessonState.DONE
        if self.locked:
            return LessonState.LOCKED
        return LessonState.OPEN


@dataclass
class OutlineModule:
    id: int
    title: str
    intro: str
    lessons: list[OutlineLesson] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.done)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    @property
    def anchor(self) -> str:
        return f"modul-{self.id}"


@dataclass
class Outline:
    course: CoursePage
    modules: list[OutlineModule]
    enrollment: Enrollment | None

    @property
    def lessons(self) -> list[OutlineLesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def done(self) -> int:
        return sum(module.done for module in self.modules)

    @property
    def total(self) -> int:
        return sum(module.total for module in self.modules)

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)

    def lesson(self, lesson_id: int) -> OutlineLesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        lessons = self.lessons
        for index, lesson in enumerate(lessons):
            if lesson.id == lesson_id:
                return (lessons[index - 1] if index else None, lessons[index + 1] if index + 1 < len(lessons) else None)
        return None, None

    def due_lesson(self) -> OutlineLesson | None:
        """The first lesson that is open and not done: where a locked lesson sends the learner."""
        return next((lesson for lesson in self.lessons if not lesson.done and not lesson.locked), None)

    def next_lesson(self) -> OutlineLesson | None:
        """Where „Weitermachen“ goes: the last lesson if unfinished, else the next open unfinished one after it."""
        lessons = self.lessons
        last_id = self.enrollment.last_lesson_id if self.enrollment else None
        start = 0
        for index, lesson in enumerate(lessons):
            if lesson.id == last_id:
                if not lesson.done and not lesson.locked:
                    return lesson
                start = index + 1
                break
        for lesson in lessons[start:] + lessons[:start]:
            if not lesson.done and not lesson.locked:
                return lesson
        return None


def percent(done: int, total: int) -> int:
    return done * 100 // total if total else 0


def course_url(course: CoursePage, request=None) -> str:
    """The course's address for links and redirects (its tree path where no site serves it)."""
    return course.get_url(request) or course.url_path


def _lesson_url(course_url: str, course: Page, url_path: str) -> str:
    # Lessons live under the course, so their address is the course's plus their own part of the tree path.
    return course_url + url_path[len(course.url_path) :]


def course_structure(course: CoursePage, *, course_url: str) -> list[OutlineModule]:
    """The live modules and their live lessons in tree order (two queries, whatever the size)."""
    modules: dict[int, OutlineModule] = {}
    module_paths: dict[str, int] = {}
    for row in ModulePage.objects.live().child_of(course).order_by("path").values("id", "title", "intro", "path"):
        modules[row["id"]] = OutlineModule(id=row["id"], title=row["title"], intro=row["intro"])
        module_paths[row["path"]] = row["id"]
    steplen = Page.steplen
    for row in (
        LessonPage.objects.live()
        .descendant_of(course)
        .filter(depth=course.depth + 2)
        .order_by("path")
        .values("id", "title", "path", "url_path", "estimated_minutes")
    ):
        module_id = module_paths.get(row["path"][:-steplen])
        if module_id is None:  # its module is not published: the lesson is not reachable
            continue
        modules[module_id].lessons.append(
            OutlineLesson(
                id=row["id"],
                title=row["title"],
                url=_lesson_url(course_url, course, row["url_path"]),
                module_id=module_id,
                minutes=row["estimated_minutes"],
            )
        )
    return list(modules.values())


def enrollment_of(user: User | Any, course: CoursePage) -> Enrollment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def completed_lesson_ids(user: User | Any, lesson_ids: list[int]) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not lesson_ids:
        return set()
    return set(LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True))


def apply_sequencing(modules: list[OutlineModule], *, linear: bool, done_ids: set[int], current_id: int | None) -> None:
    """Mark done, locked and current. Linear: open if first, done, or the lesson before it is done.

    Judged per lesson against its predecessor only, so a lesson inserted later never locks finished work
    and an unpublished lesson (not in the list) never blocks the one after it.
    """
    previous_done = True
    for module in modules:
        for lesson in module.lessons:
            lesson.done = lesson.id in done_ids
            lesson.locked = linear and not (lesson.done or previous_done)
            lesson.current = lesson.id == current_id
            previous_done = lesson.done


def outline_for(
    *, user: User | Any, course: CoursePage, course_url: str, current_lesson_id: int | None = None
) -> Outline:
    """The course outline with the learner's state: four queries for 6 lessons or 600."""
    modules = course_structure(course, course_url=course_url)
    enrollment = enrollment_of(user, course)
    lesson_ids = [lesson.id for module in modules for lesson in module.lessons]
    done_ids = completed_lesson_ids(user, lesson_ids)
    apply_sequencing(modules, linear=course.is_linear, done_ids=done_ids, current_id=current_lesson_id)
    return Outline(course=course, modules=modules, enrollment=enrollment)


def course_of_lesson(lesson: LessonPage) -> CoursePage | None:
    """The course a lesson belongs to (one query)."""
    return CoursePage.objects.ancestor_of(lesson).first()


# --- block states ------------------------------------------------------------------------------


def block_states(*, user: User | Any, lesson: LessonPage) -> dict[str, BlockResponse]:
    """Every stored state of this lesson's blocks for this learner, by block id, in one query."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {response.block_id: response for response in BlockResponse.objects.filter(user=user, lesson=lesson)}


def quiz_attempts(*, user: User, lesson: LessonPage, block_id: str) -> list[QuizAttempt]:
    return list(QuizAttempt.objects.filter(user=user, lesson=lesson, block_id=block_id))


# --- the learner dashboard („Mein Lernstand“) ------------------------------------------------


@dataclass
class CourseProgress:
    enrollment: Enrollment
    course: CoursePage
    url: str
    done: int
    total: int
    answers: int
    certificate: Certificate | None

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)


def _count_by_course(queryset, path_field: str, courses: list[CoursePage]) -> dict[str, int]:
    """Rows of `queryset` per course, grouped by the course part of `path_field`: one query per course depth."""
    counts: dict[str, int] = {}
    by_depth: dict[int, list[CoursePage]] = defaultdict(list)
    for course in courses:
        by_depth[course.depth].append(course)
    for depth, group in by_depth.items():
        rows = (
            queryset.annotate(course_path=Substr(path_field, 1, depth * Page.steplen))
            .filter(course_path__in=[course.path for course in group])
            .order_by()
            .values("course_path")
            .annotate(n=Count("id"))
            .values_list("course_path", "n")
        )
        counts.update(dict(rows))
    return counts


def _live_lesson_totals(courses: list[CoursePage]) -> dict[str, int]:
    """Live lessons per course path."""
    return _count_by_course(LessonPage.objects.live(), "path", courses)


def _completion_counts(user: User, courses: list[CoursePage]) -> dict[str, int]:
    return _count_by_course(LessonCompletion.objects.filter(user=user, lesson__live=True), "lesson__path", courses)


def progress_by_course(*, user: User, courses: list[CoursePage]) -> dict[int, tuple[int, int]]:
    """(done, total) per course id for this learner, from two grouped aggregates."""
    totals = _live_lesson_totals(courses)
    done = _completion_counts(user, courses)
    return {course.pk: (done.get(course.path, 0), totals.get(course.path, 0)) for course in courses}


def dashboard_for(*, user: User, request=None) -> list[CourseProgress]:
    """Every course the learner is enrolled in, most recently active first, with progress: constant queries."""
    enrollments = list(
        Enrollment.objects.filter(user=user).select_related("course", "last_lesson").order_by("-last_activity_at")
    )
    courses = [enrollment.course for enrollment in enrollments]
    progress = progress_by_course(user=user, courses=courses)
    answer_counts = _count_by_course(
        BlockResponse.objects.filter(user=user, kind=BlockResponse.Kind.REFLECTION), "lesson__path", courses
    )
    certificates = {certificate.course_id: certificate for certificate in Certificate.objects.filter(user=user)}
    return [
        CourseProgress(
            enrollment=enrollment,
            course=enrollment.course,
            url=enrollment.course.get_url(request),
            done=progress[enrollment.course_id][0],
            total=progress[enrollment.course_id][1],
            answers=answer_counts.get(enrollment.course.path, 0),
            certificate=certificates.get(enrollment.course_id),
        )
        for enrollment in enrollments
    ]


def bookmarks_of(*, user: User) -> list[LessonBookmark]:
    return list(LessonBookmark.objects.filter(user=user).select_related("lesson").order_by("-created_at"))


def notes_of(*, user: User) -> list[LessonNote]:
    return list(LessonNote.objects.filter(user=user).select_related("lesson").order_by("-updated_at"))


def answers_of(*, user: User, course: CoursePage | None = None) -> list[BlockResponse]:
    """The learner's own reflection answers (for „Meine Antworten“ and the export), in course order."""
    responses = BlockResponse.objects.filter(user=user, kind=BlockResponse.Kind.REFLECTION).select_related("lesson")
    if course is not None:
        responses = responses.filter(lesson__path__startswith=course.path)
    return list(responses.order_by("lesson__path", "created_at"))


# --- the team view („Unser Team im Kurs“) -----------------------------------------------------


@dataclass
class TeamMemberProgress:
    name: str
    done: int
    total: int
    last_activity_at: datetime

    @property
    def percent(self) -> int:
        return percent(self.done, self.total)


@dataclass
class TeamView:
    team: Team
    members: list[TeamMemberProgress]
    shared_answers: list[BlockResponse]


def regional_teams_of(user: User) -> list[Team]:
    return [
        membership.team
        for membership in TeamMembership.objects.filter(user=user, team__kind=Team.Kind.REGIONALTEAM).select_related(
            "team"
        )
    ]


def team_views_for(*, user: User, course: CoursePage) -> list[TeamView]:
    """For each regional team of the user: members who opted in with their progress, and answers shared with it.

    Only what members chose to share appears; the viewer must belong to the team.
    """
    teams = regional_teams_of(user)
    if not teams:
        return []
    members_by_team: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in TeamMembership.objects.filter(team__in=teams).values_list("team_id", "user_id"):
        members_by_team[team_id].add(user_id)
    all_members = set().union(*members_by_team.values())
    enrollments = list(
        Enrollment.objects.filter(course=course, user_id__in=all_members, share_progress_with_team=True).select_related(
            "user"
        )
    )
    totals = _live_lesson_totals([course]).get(course.path, 0)
    done_rows = dict(
        LessonCompletion.objects.filter(
            user_id__in=[enrollment.user_id for enrollment in enrollments],
            lesson__live=True,
            lesson__path__startswith=course.path,
        )
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    shared = list(
        BlockResponse.objects.filter(
            user_id__in=all_members, shared_with_team=True, lesson__path__startswith=course.path
        )
        .select_related("user", "lesson")
        .order_by("lesson__path", "user__display_name")
    )
    views = []
    for team in teams:
        member_ids = members_by_team[team.pk]
        views.append(
            TeamView(
                team=team,
                members=[
                    TeamMemberProgress(
                        name=str(enrollment.user),
                        done=done_rows.get(enrollment.user_id, 0),
                        total=totals,
                        last_activity_at=enrollment.last_activity_at,
                    )
                    for enrollment in enrollments
                    if enrollment.user_id in member_ids
                ],
                shared_answers=[response for response in shared if response.user_id in member_ids],
            )
        )
    return views


# --- the editors' report („Lernstand der Kurse“): aggregates only -----------------------------


@dataclass
class CourseReportRow:
    course: CoursePage
    enrolled: int
    started: int
    completed: int
    average_percent: int
    lessons: list[tuple[str, str, int]]  # (module title, lesson title, completions)


def learner_report() -> list[CourseReportRow]:
    """Per course: enrolled, started, completed, average progress, completions per lesson. No names.

    Constant in learners and lessons: a handful of grouped queries for all courses together.
    """
    courses = list(CoursePage.objects.all().order_by("path"))
    if not courses:
        return []
    totals = _live_lesson_totals(courses)
    enrolled = dict(
        Enrollment.objects.order_by().values("course_id").annotate(n=Count("id")).values_list("course_id", "n")
    )
    completed = dict(
        Enrollment.objects.filter(completed_at__isnull=False)
        .order_by()
        .values("course_id")
        .annotate(n=Count("id"))
        .values_list("course_id", "n")
    )
    depth = courses[0].depth
    same_depth = all(course.depth == depth for course in courses)
    # Completions per (course, learner) of live lessons by enrolled learners: started = learners with at least one.
    per_learner = (
        (
            LessonCompletion.objects.filter(lesson__live=True, lesson__depth=depth + 2)
            .annotate(course_path=Substr("lesson__path", 1, depth * Page.steplen))
            .order_by()
            .values("course_path", "user_id")
            .annotate(n=Count("id"))
        )
        if same_depth
        else []
    )
    started: dict[str, int] = defaultdict(int)
    done_sum: dict[str, int] = defaultdict(int)
    for row in per_learner:
        started[row["course_path"]] += 1
        done_sum[row["course_path"]] += row["n"]
    per_lesson = dict(
        LessonCompletion.objects.filter(lesson__live=True)
        .order_by()
        .values("lesson_id")
        .annotate(n=Count("id"))
        .values_list("lesson_id", "n")
    )
    module_titles = dict(ModulePage.objects.values_list("path", "title"))
    lessons_by_course: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for row in LessonPage.objects.live().order_by("path").values("id", "title", "path"):
        course_path = row["path"][: depth * Page.steplen]
        module_title = module_titles.get(row["path"][: -Page.steplen], "")
        lessons_by_course[course_path].append((module_title, row["title"], per_lesson.get(row["id"], 0)))
    rows = []
    for course in courses:
        enrolled_count = enrolled.get(course.pk, 0)
        total = totals.get(course.path, 0)
        average = done_sum[course.path] * 100 // (total * enrolled_count) if total and enrolled_count else 0
        rows.append(
            CourseReportRow(
                course=course,
                enrolled=enrolled_count,
                started=started[course.path],
                completed=completed.get(course.pk, 0),
                average_percent=min(100, average),
                lessons=lessons_by_course[course.path],
            )
        )
    return rows


def latest_attempt_summary(attempts: list[QuizAttempt]) -> dict[str, Any]:
    best = max(attempts, key=lambda attempt: attempt.score) if attempts else None
    return {"used": len(attempts), "best": best, "passed": any(attempt.passed for attempt in attempts)}


# --- weekly goals ----------------------------------------------------------------------------------


def reminders_due(*, now: datetime) -> list[Enrollment]:
    """Enrolments with a weekly goal whose week (since the last reminder or enrolment) ended before `now`."""
    return list(
        Enrollment.objects.filter(
            weekly_goal__gt=0, completed_at__isnull=True, created_at__lte=now, user__is_active=True
        )
        .filter(Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lte=now))
        .select_related("user", "course")
        .order_by("pk")
    )


def completions_since(*, enrollments: list[Enrollment]) -> dict[int, int]:
    """Lessons of each enrolment's course completed since its week began, in one grouped query per course depth."""
    if not enrollments:
        return {}
    starts = {(e.user_id, e.course_id): e.reminder_sent_at or e.created_at for e in enrollments}
    earliest = min(starts.values())
    courses = {e.course_id: e.course for e in enrollments}
    rows = LessonCompletion.objects.filter(
        user_id__in={e.user_id for e in enrollments}, completed_at__gte=earliest, lesson__live=True
    ).values_list("user_id", "lesson__path", "completed_at")
    by_path = {course.path: course_id for course_id, course in courses.items()}
    counts: dict[int, int] = defaultdict(int)
    index = {(e.user_id, e.course_id): e.pk for e in enrollments}
    for user_id, path, completed_at in rows:
        for course_path, course_id in by_path.items():
            if path.startswith(course_path) and (user_id, course_id) in starts:
                if completed_at >= starts[(user_id, course_id)]:
                    counts[index[(user_id, course_id)]] += 1
                break
    return dict(counts)
