"""The Handbuch: the print page (order, anchors, paper blocks, variants, answers), its PDF builds and their views.

Most build tests replace WeasyPrint by a stand-in (`fake_render`); only the few that read the PDF's text
render for real, each costing a second or two.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import PageViewRestriction

from courses import handbook, services, tasks
from courses.models import HandbookBuild, ModulePage

from ..query_counts import cold_query_count
from .builders import (
    add_lesson,
    build_course,
    checklist,
    heading,
    lessons_of,
    publish,
    question,
    quiz,
    reflection,
    text,
)

pytestmark = pytest.mark.django_db

SECRET = "Kassenstand der Regionalgruppe"


def _body(n: int) -> list[dict]:
    return [
        heading(f"Vorbereitung {n}", anchor=f"vorbereitung-{n}"),
        text(f"<p>Inhalt der Lektion {n}.</p>"),
        checklist("Packliste", [("Raum reservieren", True, f"room-{n}"), ("Kaffee", False, f"coffee-{n}")]),
        reflection("Was ist euch wichtig?", id=f"refl-{n}"),
        quiz(
            "Kurzes Quiz",
            [
                question(
                    "Wie viele Menschen passen an einen Thementisch?",
                    [
                        ("Etwa 6 bis 10", True, "Genau, so kommt jede Stimme zu Wort.", f"right-{n}"),
                        ("Etwa 40", False, "Zu viele.", f"wrong-{n}"),
                    ],
                )
            ],
        ),
    ]


@pytest.fixture
def course(home_page):
    """Two modules; module 2 („Intern“) is for logged-in members only."""
    course = build_course(home_page, slug="konferenz", modules=[[_body(1), _body(2)], [[text(f"<p>{SECRET}</p>")]]])
    internal = ModulePage.objects.child_of(course).get(slug="modul-2")
    internal.title = "Intern"
    publish(internal)
    lesson = lessons_of(course)[-1]
    lesson.title = "Geheime Lektion"
    publish(lesson)
    PageViewRestriction.objects.create(page=internal, restriction_type=PageViewRestriction.LOGIN)
    return course


@pytest.fixture
def fake_render(monkeypatch):
    """WeasyPrint replaced by a stand-in PDF: for the tests of the build bookkeeping."""
    calls = []

    def render(book):
        calls.append(book.variant)
        return b"%PDF-1.7 stand-in", 3

    monkeypatch.setattr(handbook, "render_pdf", render)
    return calls


def _pdf_text(build: HandbookBuild) -> str:
    assert shutil.which("pdftotext"), "pdftotext is needed: apt-get install poppler-utils (make test does it)"
    with build.pdf.open("rb") as handle:
        result = subprocess.run(["pdftotext", "-", "-"], input=handle.read(), capture_output=True, check=True)  # noqa: S603, S607
    return result.stdout.decode()


def _get_pdf(course, user=None, query: str = ""):
    """GET <course>/handbuch.pdf through the test client, as a browser asks for it."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"{course.url}handbuch.pdf{query}")


def _body_content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the print page ------------------------------------------------------------------------------------


def test_the_handbook_shows_every_lesson_in_tree_order(course, member_client):
    module_1 = ModulePage.objects.child_of(course).get(slug="modul-1")
    add_lesson(module_1, title="Nachgereichte Lektion", body=[text()])  # added last, but belongs to module 1
    html = member_client.get(f"{course.url}handbuch/").content.decode()
    titles = ["Lektion 1.1", "Lektion 1.2", "Nachgereichte Lektion", "Geheime Lektion"]
    positions = [html.index(f">{title}</h3>") for title in titles]
    assert positions == sorted(positions)


def test_heading_anchors_are_in_the_page_and_the_contents_link_to_them(course, client):
    response = client.get(f"{course.url}handbuch/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="vorbereitung-1"' in html and 'id="vorbereitung-2"' in html
    toc = html[html.index('id="inhalt"') : html.index("</nav>", html.index('id="inhalt"'))]
    links = re.findall(r'href="#([^"]+)"', toc)
    assert "vorbereitung-1" in links and "vorbereitung-2" in links
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert set(links) <= ids  # every entry of the contents has its target


def test_the_same_heading_anchor_in_two_lessons_stays_unique(home_page, client):
    course = build_course(home_page, modules=[[[heading("Ablauf")], [heading("Ablauf")]]])
    html = client.get(f"{course.url}handbuch/").content.decode()
    assert html.count('id="ablauf"') == 1 and 'id="ablauf-2"' in html


def test_paper_blocks_checklists_as_boxes_reflections_with_lines_no_site_navigation(course, client):
    html = client.get(f"{course.url}handbuch/").content.decode()
    assert re.search(r"☐\s*</span>\s*Raum reservieren", html)
    assert "☑" not in html.split('id="loesungen"')[0]  # nothing ticked for a visitor
    assert html.count('class="handbook-line"') == 2 * 4  # two reflections of four lines each
    assert "site-header" not in html and "site-nav" not in html
    assert "handbook-print.css" in html


def test_quiz_solutions_are_only_in_the_appendix(course, client):
    html = client.get(f"{course.url}handbuch/").content.decode()
    lessons, appendix = html.split('id="loesungen"')
    assert "Genau, so kommt jede Stimme zu Wort." not in lessons
    assert "Etwa 40" in lessons  # the options are asked, unmarked
    assert "Genau, so kommt jede Stimme zu Wort." in appendix
    assert re.search(r"☑\s*</span>\s*Etwa 6 bis 10", appendix)
    assert "Etwa 40" not in appendix


def test_the_public_variant_leaves_out_members_only_modules(course, client):
    html = client.get(f"{course.url}handbuch/").content.decode()
    assert SECRET not in html and "Geheime Lektion" not in html and "Intern" not in html
    assert "Eine Lektion ist nur für Mitglieder" in html


def test_the_members_variant_has_them(course, member_client):
    html = member_client.get(f"{course.url}handbuch/").content.decode()
    assert SECRET in html and "Geheime Lektion" in html


def test_group_restricted_lessons_are_in_neither_variant(course, member_client):
    lesson = lessons_of(course)[0]
    PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    html = member_client.get(f"{course.url}handbuch/").content.decode()
    assert ">Lektion 1.1</h3>" not in html and ">Lektion 1.2</h3>" in html


def test_with_my_answers_shows_the_learners_reflections_and_ticks(course, member, member_client, client):
    first = lessons_of(course)[0]
    services.reflection_save(
        user=member, lesson=first, block_id="refl-1", text="Dass alle mitreden.", base_version=None
    )
    services.checklist_save(user=member, lesson=first, block_id=first.body[2].id, checked_ids={"room-1"})
    html = member_client.get(f"{course.url}handbuch/?antworten=1").content.decode()
    assert "Dass alle mitreden." in html
    assert re.search(r"☑\s*</span>\s*Raum reservieren", html)
    assert html.count('class="handbook-line"') == 4  # the answered reflection has no blank lines
    plain = member_client.get(f"{course.url}handbuch/").content.decode()
    assert "Dass alle mitreden." not in plain
    anonymous = client.get(f"{course.url}handbuch/?antworten=1").content.decode()
    assert "Dass alle mitreden." not in anonymous


def test_the_handbook_view_costs_the_same_queries_for_2_and_12_lessons(home_page, member, client):
    small = build_course(home_page, slug="klein", modules=[[_body(1), _body(2)]])
    large = build_course(home_page, slug="gross", modules=[[_body(n) for n in range(1, 7)]] * 2)
    for course in (small, large):
        for lesson in lessons_of(course):
            services.reflection_save(
                user=member, lesson=lesson, block_id=lesson.body[3].id, text="Ja.", base_version=None
            )
    assert len(lessons_of(large)) == 12
    assert cold_query_count(client, f"{small.url}handbuch/") == cold_query_count(client, f"{large.url}handbuch/")
    client.force_login(member)
    assert cold_query_count(client, f"{small.url}handbuch/", {"antworten": "1"}) == cold_query_count(
        client, f"{large.url}handbuch/", {"antworten": "1"}
    )


# --- revision keys ---------------------------------------------------------------------------------------


def test_a_publish_or_a_new_restriction_changes_the_revision_key(course):
    public, members = handbook.revision_key(course, "public"), handbook.revision_key(course, "members")
    assert public != members  # the public variant leaves the members' module out
    publish(lessons_of(course)[0])
    assert handbook.revision_key(course, "public") != public
    after_publish = handbook.revision_key(course, "public")
    PageViewRestriction.objects.create(page=lessons_of(course)[0], restriction_type=PageViewRestriction.LOGIN)
    restricted = handbook.revision_key(course, "public")
    assert restricted != after_publish and not handbook.same_restrictions(restricted, after_publish)


# --- PDF builds -------------------------------------------------------------------------------------------


def test_the_build_task_stores_a_pdf_with_every_lesson_and_the_view_serves_it(course, member):
    result = tasks.build_handbook.enqueue(course.pk, "members")
    assert result.return_value["status"] == "ready"
    build = HandbookBuild.objects.get(course=course, variant="members")
    assert build.status == HandbookBuild.Status.READY and build.pages >= 4 and build.seconds > 0
    pdf_text = _pdf_text(build)
    for lesson in lessons_of(course):
        assert lesson.title in pdf_text
    assert SECRET in pdf_text
    response = _get_pdf(course, member)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _body_content(response).startswith(b"%PDF")


def test_publishing_a_lesson_builds_both_variants_and_the_public_one_has_no_members_text(
    course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(lessons_of(course)[0])
    builds = {build.variant: build for build in HandbookBuild.objects.filter(course=course)}
    assert set(builds) == {"public", "members"}
    assert all(build.status == HandbookBuild.Status.READY for build in builds.values())
    public_text = _pdf_text(builds["public"])
    assert "Lektion 1.1" in public_text and "Lektion 1.2" in public_text
    assert SECRET not in public_text and "Geheime Lektion" not in public_text
    assert "Geheime Lektion" in _pdf_text(builds["members"])


def test_the_management_command_rebuilds_and_prints_pages_and_seconds(course):
    out = StringIO()
    call_command("build_handbook", "--course", "konferenz", "--variant", "public", stdout=out)
    build = HandbookBuild.objects.get(course=course, variant="public")
    assert build.status == HandbookBuild.Status.READY
    assert re.search(rf"konferenz \(public\): {build.pages} pages in \d+\.\d s", out.getvalue())


def test_publishing_outside_a_course_asks_for_no_build(home_page, fake_render, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(home_page)
    assert callbacks == [] and fake_render == []


def test_during_a_build_the_pdf_view_says_so_and_links_the_older_build(course, fake_render):
    key = handbook.revision_key(course, "public")
    older = HandbookBuild.objects.create(
        course=course,
        variant="public",
        revision_key=key.split("-")[0] + "-older",
        status=HandbookBuild.Status.READY,
        finished_at=timezone.now() - timedelta(days=1),
    )
    older.pdf.save("older.pdf", ContentFile(b"%PDF-1.7 older"))
    HandbookBuild.objects.create(course=course, variant="public", revision_key=key)  # building right now
    response = _get_pdf(course)
    assert response.status_code == 202
    html = response.content.decode()
    assert "Das Handbuch-PDF wird gerade erstellt" in html
    assert f"handbuch.pdf?fassung={older.pk}" in html
    assert fake_render == []  # a running build is not started twice
    served = _get_pdf(course, query=f"?fassung={older.pk}")
    assert served["Content-Type"] == "application/pdf" and _body_content(served) == b"%PDF-1.7 older"


def test_an_older_build_that_showed_since_restricted_pages_is_not_offered(course, fake_render):
    tasks.build_handbook.enqueue(course.pk, "public")
    old = HandbookBuild.objects.get(course=course, variant="public")
    PageViewRestriction.objects.create(page=lessons_of(course)[0], restriction_type=PageViewRestriction.LOGIN)
    HandbookBuild.objects.create(course=course, variant="public", revision_key=handbook.revision_key(course, "public"))
    response = _get_pdf(course)
    assert response.status_code == 202 and "fassung=" not in response.content.decode()
    assert _get_pdf(course, query=f"?fassung={old.pk}").status_code == 404


def test_without_a_build_the_pdf_view_asks_for_one(course, fake_render):
    response = _get_pdf(course)  # the immediate backend builds it within the request
    assert response.status_code == 200 and _body_content(response) == b"%PDF-1.7 stand-in"
    assert fake_render == ["public"]
    assert HandbookBuild.objects.get(course=course, variant="public").pages == 3


def test_a_failed_build_is_marked_and_the_view_answers_without_an_error(course, monkeypatch):
    def broken(book):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(handbook, "render_pdf", broken)
    response = _get_pdf(course)
    assert response.status_code == 202
    assert "konnte gerade nicht erstellt werden" in response.content.decode()
    assert HandbookBuild.objects.get(course=course, variant="public").status == HandbookBuild.Status.FAILED


def test_a_stale_build_counts_as_failed_and_is_started_again(course, fake_render, settings):
    settings.COURSES_HANDBOOK_BUILD_TIMEOUT_HOURS = 2
    key = handbook.revision_key(course, "public")
    stale = HandbookBuild.objects.create(
        course=course, variant="public", revision_key=key, started_at=timezone.now() - timedelta(hours=3)
    )
    assert tasks.needs_build(stale)
    response = _get_pdf(course)
    assert response.status_code == 200 and fake_render == ["public"]
    stale.refresh_from_db()
    assert stale.status == HandbookBuild.Status.READY


def test_a_second_task_for_a_ready_revision_renders_nothing(course, fake_render):
    tasks.build_handbook.enqueue(course.pk, "public")
    result = tasks.build_handbook.enqueue(course.pk, "public")
    assert fake_render == ["public"] and result.return_value["built"] is False


def test_with_builds_on_publish_off_a_publish_asks_for_none(course, settings, django_capture_on_commit_callbacks):
    settings.COURSES_HANDBOOK_BUILD_ON_PUBLISH = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(lessons_of(course)[0])
    assert callbacks == []
    assert not HandbookBuild.objects.exists()
