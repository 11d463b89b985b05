"""Build course trees for tests the way an editor would: pages published through Wagtail revisions."""

from __future__ import annotations

import uuid
from typing import Any

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage


def block_id() -> str:
    return str(uuid.uuid4())


def item(value: dict[str, Any], id: str | None = None) -> dict[str, Any]:  # noqa: A002 - Wagtail's own key name
    return {"type": "item", "value": value, "id": id or block_id()}


def text(html: str = "<p>Ein Absatz.</p>", id: str | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "text", "value": html, "id": id or block_id()}


def heading(label: str, anchor: str = "", id: str | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "heading", "value": {"text": label, "anchor": anchor}, "id": id or block_id()}


def checklist(title: str, items: list[tuple[str, bool, str]], id: str | None = None) -> dict[str, Any]:  # noqa: A002
    """items: (text, required, item id)."""
    return {
        "type": "checklist",
        "value": {"title": title, "items": [item({"text": t, "required": r}, i) for t, r, i in items]},
        "id": id or block_id(),
    }


def reflection(question: str, id: str | None = None) -> dict[str, Any]:  # noqa: A002
    return {"type": "reflection", "value": {"question": question, "hint": "", "lines": 4}, "id": id or block_id()}


def quiz(
    title: str,
    questions: list[dict[str, Any]],
    *,
    pass_mark: int = 100,
    max_attempts: int = 3,
    id: str | None = None,  # noqa: A002
) -> dict[str, Any]:
    return {
        "type": "quiz",
        "value": {"title": title, "questions": questions, "pass_mark": pass_mark, "max_attempts": max_attempts},
        "id": id or block_id(),
    }


def question(label: str, options: list[tuple[str, bool, str, str]], *, multiple: bool = False, id: str | None = None):  # noqa: A002
    """options: (text, correct, feedback, option id)."""
    return item(
        {
            "text": label,
            "kind": "multiple" if multiple else "single",
            "options": [item({"text": t, "correct": c, "feedback": f}, i) for t, c, f, i in options],
        },
        id,
    )


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def course_index(home_page) -> CourseIndexPage:
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    index = CourseIndexPage(title="Online-Kurse", slug="kurs")
    home_page.add_child(instance=index)
    return publish(index)


def build_course(
    home_page,
    *,
    title: str = "Eure Mitmach-Konferenz",
    slug: str | None = None,
    modules: list[list[list[dict[str, Any]]]] | None = None,
    linear: bool = False,
    certificate: bool = False,
) -> CoursePage:
    """A course with modules of lessons; `modules` is [[lesson body, ...], ...] (default 2 modules of 3 lessons)."""
    index = course_index(home_page)
    course = CoursePage(
        title=title,
        slug=slug or f"kurs-{uuid.uuid4().hex[:6]}",
        sequencing=CoursePage.Sequencing.LINEAR if linear else CoursePage.Sequencing.FREE,
        certificate_enabled=certificate,
    )
    index.add_child(instance=course)
    publish(course)
    for m, lessons in enumerate(modules if modules is not None else [[[text()]] * 3] * 2, start=1):
        module = ModulePage(title=f"Modul {m}", slug=f"modul-{m}")
        course.add_child(instance=module)
        publish(module)
        for n, body in enumerate(lessons, start=1):
            add_lesson(module, title=f"Lektion {m}.{n}", body=body, slug=f"lektion-{m}-{n}")
    return course


def add_lesson(module: ModulePage, *, title: str, body: list[dict[str, Any]] | None = None, slug: str = "", live=True):
    lesson = LessonPage(title=title, slug=slug or f"lektion-{uuid.uuid4().hex[:6]}", body=body or [text()])
    module.add_child(instance=lesson)
    if live:
        publish(lesson)
    else:
        lesson.live = False
        lesson.save_revision()
        lesson.save()
    return lesson


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(course).order_by("path"))
