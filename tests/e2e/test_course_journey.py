"""The online course in Chromium: a new member's way through a lesson, keyboard-only use, and axe-core's checks."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from courses import services
from courses.models import LessonCompletion
from tests.courses import conftest as course_fixtures
from tests.courses.builders import lessons_of
from tests.factories import MemberFactory

from .journeys import assert_page_behaved, german, sign_up_confirm_and_log_in

# The live server needs committed data; serialized_rollback restores what the migrations created.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The course tests' fixture: a linear course whose first lesson has a checklist, a reflection and a quiz.
task_course = course_fixtures.task_course

AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# The whole document, the site layout (platform/templates/base.html) included; every impact is returned.
AXE_RUN = """() => axe.run(document, {resultTypes: ["violations"]}).then((result) =>
  result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary)})))"""

# The element that has the focus, and whether the browser draws a focus indicator on it.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent || "").trim(),
    visible: el.matches(":focus-visible"),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 || style.boxShadow !== "none",
  };
}"""


def url_of(page_model) -> str:
    return page_model.get_url()


def outline_entry(page, title: str):
    return page.locator(".lesson-layout__sidebar .course-outline__lesson").filter(
        has=page.get_by_role("link", name=title, exact=True)
    )


def course_progress(page):
    return page.locator("#kurs-progress-label + [role=progressbar]")


def test_a_new_member_enrols_completes_the_first_lesson_and_continues_with_the_next(page, live_server, task_course):
    from playwright.sync_api import expect

    base = live_server.url
    first, second, _third = lessons_of(task_course)
    sign_up_confirm_and_log_in(
        page, base, display_name="Greta Grün", email="greta@example.org", password="Streuobst-Wiese-2026!"
    )

    # One click enrols and goes to the first open lesson.
    page.goto(base + url_of(task_course))
    page.get_by_role("button", name=german("Start the course")).click()
    expect(page).to_have_url(base + url_of(first))
    expect(course_progress(page)).to_have_attribute("aria-valuenow", "0")

    # The required checklist item saves in place; the lesson waits for the quiz.
    checklist = page.locator("#aufgabe-check")
    checklist.locator("#check-check-item-room").check()
    expect(checklist.get_by_role("status")).to_have_text(german("Your checklist is saved."))
    expect(outline_entry(page, first.title).locator(".course-outline__state")).not_to_contain_text(
        german("done", "lesson state")
    )

    # The reflection saves in place too.
    reflection = page.locator("#aufgabe-refl")
    reflection.get_by_label("Was ist euch für die Konferenz wichtig?").fill("Dass alle gut ankommen.")
    reflection.get_by_role("button", name=german("Save answer")).click()
    expect(reflection.get_by_role("status")).to_have_text(german("Your answer is saved."))

    # Passing the quiz completes the lesson (the page is posted and shown again).
    quiz = page.locator("#aufgabe-quiz")
    quiz.locator("#q-qa-opt-right").check()
    quiz.locator("#q-qb-opt-place").check()
    quiz.locator("#q-qb-opt-access").check()
    quiz.get_by_role("button", name=german("Check answers")).click()
    expect(page.locator("#aufgabe-quiz")).to_contain_text(german("You have passed this quiz."))

    # The outline says so in words, and the bar counts one of three lessons.
    expect(outline_entry(page, first.title).locator(".course-outline__state")).to_contain_text(
        german("done", "lesson state")
    )
    expect(outline_entry(page, second.title).locator(".course-outline__state")).to_have_text(
        german("open", "lesson state")
    )
    expect(course_progress(page)).to_have_attribute("aria-valuenow", "33")
    assert LessonCompletion.objects.filter(lesson=first, user__email="greta@example.org").exists()

    # Mein Lernstand shows the percent; Weitermachen goes to the next open lesson.
    page.goto(base + "/mein-lernstand/")
    card = page.locator(".dashboard-course").filter(has_text=task_course.title)
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "33")
    expect(card).to_contain_text(german("%(percent)s %% (%(done)s of %(total)s lessons)", percent=33, done=1, total=3))
    card.get_by_role("link", name=german("Continue", "course")).click()
    expect(page).to_have_url(base + url_of(second))
    expect(page.locator("h1")).to_have_text(second.title)
    assert_page_behaved(page, base)

    # The handbook: its toolbar is for the screen; on paper no navigation is left, and Chromium prints it.
    page.goto(base + url_of(task_course) + "handbuch/")
    toolbar = page.get_by_role("navigation", name=german("Handbook"))
    expect(toolbar).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_text(first.title).first).to_be_visible()
    expect(toolbar).to_be_hidden()
    expect(page.locator(".site-header, .site-nav, .site-footer, .skip-link")).to_have_count(0)
    assert page.pdf(format="A4").startswith(b"%PDF")
    assert page.watch.page_errors == []
    assert page.watch.foreign_requests(urlsplit(base).hostname) == []


def tab_to(page, selector: str, *, limit: int = 80) -> dict:
    """Press Tab until the element matching `selector` has the focus; its focus state."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return page.evaluate(FOCUS_STATE)
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


def assert_focus_shown(state: dict) -> None:
    assert state["visible"], state
    assert state["ring"], state


def test_the_outline_and_the_quiz_work_with_the_keyboard_alone(new_page, live_server, task_course):
    from playwright.sync_api import expect

    base = live_server.url
    first, second, _third = lessons_of(task_course)
    member = MemberFactory()
    services.enrollment_create(user=member, course=task_course)
    page = new_page(member)

    # From the course page's outline to the first lesson.
    page.goto(base + url_of(task_course))
    state = tab_to(page, f'.course-outline a[href="{url_of(first)}"]')
    assert state["text"] == first.title
    assert_focus_shown(state)
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + url_of(first))

    # Tick the required item with Space (saved in place).
    assert_focus_shown(tab_to(page, "#check-check-item-room"))
    page.keyboard.press("Space")
    expect(page.locator("#aufgabe-check").get_by_role("status")).to_have_text(german("Your checklist is saved."))
    expect(page.locator("#check-check-item-room")).to_be_checked()

    # The quiz: one radio and two checkboxes with Tab and Space, the button with Enter.
    state = tab_to(page, "#q-qa-opt-right")
    assert_focus_shown(state)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_STATE)["id"] == "q-qb-opt-place"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUS_STATE)["id"] == "q-qb-opt-access"
    page.keyboard.press("Space")
    for option in ("#q-qa-opt-right", "#q-qb-opt-place", "#q-qb-opt-access"):
        expect(page.locator(option)).to_be_checked()
    state = tab_to(page, "#aufgabe-quiz button[type=submit]")
    assert state["text"] == german("Check answers")
    assert_focus_shown(state)
    page.keyboard.press("Enter")
    expect(page.locator("#aufgabe-quiz")).to_contain_text(german("You have passed this quiz."))
    expect(outline_entry(page, first.title).locator(".course-outline__state")).to_contain_text(
        german("done", "lesson state")
    )

    # The outline's next lesson, now open, by keyboard.
    state = tab_to(page, f'.lesson-layout__sidebar a[href="{url_of(second)}"]', limit=120)
    assert_focus_shown(state)
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + url_of(second))

    # Every form control of the lesson has an accessible name (hidden inputs are not controls).
    page.goto(base + url_of(first))
    controls = page.locator("main").locator("input:not([type=hidden]), textarea, select")
    assert controls.count() >= 8  # 2 ticks, the answer, 5 quiz options, the note
    for control in controls.all():
        expect(control).to_have_accessible_name(re.compile(r"\S"))
    assert_page_behaved(page, base)


def axe_findings(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make install-npm` (npm ci).", pytrace=False)
    page.add_script_tag(path=str(AXE_SCRIPT))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in {"serious", "critical"}]


def test_course_pages_have_no_serious_accessibility_findings(new_page, live_server, task_course):
    from playwright.sync_api import expect

    base = live_server.url
    first, _second, _third = lessons_of(task_course)
    page = new_page(MemberFactory())
    findings = {}

    page.goto(base + url_of(task_course))
    findings["course page, not enrolled"] = axe_findings(page)
    page.get_by_role("button", name=german("Start the course")).click()
    expect(page).to_have_url(base + url_of(first))
    findings["lesson"] = axe_findings(page)

    # One right and one wrong answer: not passed, one attempt used.
    page.locator("#q-qa-opt-right").check()
    page.locator("#q-qb-opt-bank").check()
    page.get_by_role("button", name=german("Check answers")).click()
    expect(page.locator("#aufgabe-quiz")).to_contain_text(german("Attempts: %(used)s of %(max)s.", used=1, max=3))
    findings["lesson after a failed quiz"] = axe_findings(page)

    # Passed: the success notice and the lesson's done state.
    page.locator("#q-qa-opt-right").check()
    page.locator("#q-qb-opt-bank").uncheck()
    page.locator("#q-qb-opt-place").check()
    page.locator("#q-qb-opt-access").check()
    page.locator("#check-check-item-room").check()
    expect(page.locator("#aufgabe-check").get_by_role("status")).to_have_text(german("Your checklist is saved."))
    page.get_by_role("button", name=german("Check answers")).click()
    expect(page.locator("#aufgabe-quiz")).to_contain_text(german("You have passed this quiz."))
    expect(page.locator(".lesson__footer")).to_contain_text(german("You have completed this lesson."))
    findings["lesson after a passed quiz"] = axe_findings(page)

    page.goto(base + url_of(task_course))
    expect(page.get_by_role("progressbar").first).to_be_visible()
    findings["course page, enrolled"] = axe_findings(page)
    page.goto(base + "/mein-lernstand/")
    findings["Mein Lernstand"] = axe_findings(page)

    assert {name: found for name, found in findings.items() if found} == {}
    assert_page_behaved(page, base)
