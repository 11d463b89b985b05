"""The Handbuch of a course: assembled for paper in a constant number of queries, rendered to HTML and to PDF.

`handbook_for` reads the whole course at once (structure, lesson bodies, view restrictions, the images,
documents, videos and pages the blocks point to, and optionally the learner's answers), so a course of 100
lessons costs the same handful of queries as one of two. Block values are read from the raw StreamField data
instead of Wagtail's bound blocks: those would fetch chooser values lesson by lesson.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import expand_db_html

from . import selectors
from .blocks import heading_anchor
from .models import BlockResponse, CoursePage, HandbookBuild, LessonPage

Variant = HandbookBuild.Variant
logger = logging.getLogger(__name__)

# Part of every revision key: raise it when the handbook's layout changes, so stored PDFs are built again.
FORMAT_VERSION = 1
IMAGE_SPEC = "width-1200"
# Splits the rich text of the whole handbook after it was expanded in one call (one query for all its links).
_SPLIT = "<!--mitmach-handbook-split-->"
CSS_PATH = "courses/handbook-print.css"


# --- what a reader of a variant may see --------------------------------------------------------------


def _hides(restriction_type: str, variant: str) -> bool:
    """Whether a view restriction of this type keeps a page out of the variant.

    The members variant is one file for every logged-in member, so it holds only what every logged-in
    member may read: pages restricted to logged-in users. Group and password restrictions stay out of
    both variants. Restrictions on the course itself (or above it) are checked by Wagtail before the
    handbook is served at all, so only those on modules and lessons count here.
    """
    if variant == Variant.MEMBERS:
        return restriction_type != PageViewRestriction.LOGIN
    return True


def variant_for(user: Any) -> str:
    """Logged-in members read the members variant (they pass login restrictions), everybody else the public one."""
    if getattr(user, "is_authenticated", False) and getattr(user, "is_active", False):
        return Variant.MEMBERS
    return Variant.PUBLIC


def revision_key(course: CoursePage, variant: str) -> str:
    """The fingerprint of what a build of this variant contains, from one query.

    `<pages left out>-<live revisions>`: a hash of the pages the variant leaves out (view restrictions), then
    a hash of the live revision ids, in tree order, of the course and every live page in it that the variant
    shows. A publish, a move or a new restriction gives a new key, and so a new build; an older build is only
    offered while its first part (what it leaves out) is still the same, so no page restricted since leaks.
    """
    pages: dict[int, tuple[str, int, int | None]] = {}
    hiding_paths: list[str] = []
    # A page with two restrictions comes in two rows (the join); in tree order either way.
    for page_id, path, depth, revision_id, restriction in (
        Page.objects.filter(path__startswith=course.path, live=True)
        .order_by("path")
        .values_list("id", "path", "depth", "live_revision_id", "view_restrictions__restriction_type")
    ):
        pages[page_id] = (path, depth, revision_id)
        if restriction and depth > course.depth and _hides(restriction, variant):
            hiding_paths.append(path)
    hidden = sorted(page_id for page_id, (path, _d, _r) in pages.items() if path.startswith(tuple(hiding_paths)))
    hidden_set = set(hidden)
    shown = [(page_id, revision_id) for page_id, (_p, _d, revision_id) in pages.items() if page_id not in hidden_set]
    hidden_hash = hashlib.sha256(json.dumps(hidden).encode()).hexdigest()
    shown_hash = hashlib.sha256(json.dumps([FORMAT_VERSION, shown]).encode()).hexdigest()
    return f"{hidden_hash[:16]}-{shown_hash[:47]}"


def same_restrictions(key: str, other: str) -> bool:
    """Whether two revision keys leave out the same pages (see revision_key)."""
    return key.split("-", 1)[0] == other.split("-", 1)[0]


# --- the assembled handbook ------------------------------------------------------------------------------


@dataclass
class TocHeading:
    text: str
    anchor: str


@dataclass
class HandbookLesson:
    id: int
    title: str
    anchor: str
    url: str
    minutes: int
    blocks: list[dict[str, Any]] = field(default_factory=list)
    headings: list[TocHeading] = field(default_factory=list)


@dataclass
class HandbookModule:
    id: int
    title: str
    intro: str
    anchor: str
    lessons: list[HandbookLesson] = field(default_factory=list)


@dataclass
class QuizSolution:
    anchor: str
    quiz_anchor: str
    lesson_title: str
    title: str
    # (number, question, [(correct option, its feedback)])
    questions: list[tuple[int, str, list[tuple[str, str]]]]


@dataclass
class Handbook:
    course: CoursePage
    variant: str
    course_url: str
    intro_html: str
    image: dict[str, Any] | None
    modules: list[HandbookModule]
    solutions: list[QuizSolution]
    with_answers: bool
    left_out: int  # lessons of the course this variant leaves out
    generated_at: datetime

    @property
    def lessons(self) -> list[HandbookLesson]:
        return [lesson for module in self.modules for lesson in module.lessons]


def _items(raw_list: Any) -> list[tuple[str, dict[str, Any]]]:
    """(id, value) of a ListBlock's raw items, in the current format ({"type": "item", ...}) or the old one."""
    items = []
    for index, entry in enumerate(raw_list or []):
        if isinstance(entry, dict) and entry.get("type") == "item" and isinstance(entry.get("value"), dict):
            items.append((str(entry.get("id") or index), entry["value"]))
        elif isinstance(entry, dict):
            items.append((str(index), entry))
    return items


def _absolute(url: str, site_url: str) -> str:
    if not url or urlsplit(url).scheme:
        return url
    return site_url.rstrip("/") + url


class _Anchors:
    """Anchors unique in the whole handbook: a heading keeps its own anchor unless an earlier one took it."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        anchor, number = wanted, 2
        while anchor in self.taken:
            anchor, number = f"{wanted}-{number}", number + 1
        self.taken.add(anchor)
        return anchor


def handbook_for(
    *,
    course: CoursePage,
    variant: str,
    course_url: str,
    site_url: str | None = None,
    answers_of: Any = None,
) -> Handbook:
    """The handbook of `course` as the variant's readers may see it; with the learner's answers if `answers_of`.

    Queries: the course structure (2), view restrictions (1), lesson bodies (1), and one each for the
    images (+ their renditions), documents, videos and pages the blocks refer to, and the answers:
    the same for 2 lessons or 200.
    """
    site_url = site_url or settings.SITE_URL
    course_url = _absolute(course_url, site_url)
    modules = selectors.course_structure(course, course_url=course_url)
    restrictions = PageViewRestriction.objects.filter(
        page__path__startswith=course.path, page__depth__gt=course.depth
    ).values_list("page_id", "restriction_type")
    hidden_ids = {page_id for page_id, restriction in restrictions if _hides(restriction, variant)}
    all_lessons = sum(len(module.lessons) for module in modules)
    shown = [
        (module, [lesson for lesson in module.lessons if lesson.id not in hidden_ids])
        for module in modules
        if module.id not in hidden_ids
    ]
    lesson_ids = [lesson.id for _module, lessons in shown for lesson in lessons]
    bodies = dict(LessonPage.objects.filter(id__in=lesson_ids).values_list("id", "body")) if lesson_ids else {}
    raw_bodies = {lesson_id: list(body.raw_data) if body is not None else [] for lesson_id, body in bodies.items()}

    # Everything the blocks point to, gathered first and fetched in one query per kind.
    image_ids, document_ids, media_ids, page_ids = set(), set(), set(), set()
    if course.image_id:
        image_ids.add(course.image_id)
    for blocks in raw_bodies.values():
        for block in blocks:
            value = block.get("value") or {}
            kind = block.get("type")
            if kind == "image" and value.get("image"):
                image_ids.add(value["image"])
            elif kind == "video":
                if value.get("media"):
                    media_ids.add(value["media"])
                if value.get("video_page"):
                    page_ids.add(value["video_page"])
            elif kind == "downloads":
                document_ids.update(
                    item["document"] for _id, item in _items(value.get("files")) if item.get("document")
                )
    images = _images(image_ids)
    documents = (
        {doc.pk: doc for doc in get_document_model().objects.filter(id__in=document_ids)} if document_ids else {}
    )
    media = _media(media_ids)
    pages = (
        {page.pk: _absolute(page.get_url(), site_url) for page in Page.objects.live().filter(id__in=page_ids)}
        if page_ids
        else {}
    )
    states: dict[tuple[int, str], dict[str, Any]] = {}
    if answers_of is not None and getattr(answers_of, "is_authenticated", False) and lesson_ids:
        states = {
            (lesson_id, block_id): data
            for lesson_id, block_id, data in BlockResponse.objects.filter(
                user=answers_of, lesson_id__in=lesson_ids
            ).values_list("lesson_id", "block_id", "data")
        }

    anchors = _Anchors()
    anchors.taken.update({"inhalt", "loesungen", "titel"})
    lesson_anchor = {lesson_id: anchors.claim(f"lektion-{lesson_id}") for lesson_id in lesson_ids}
    rich_texts: list[str] = [course.intro or ""]
    solutions: list[QuizSolution] = []
    heading_targets: dict[tuple[int, str], str] = {}
    handbook_modules: list[HandbookModule] = []
    for module, lessons in shown:
        handbook_module = HandbookModule(
            id=module.id, title=module.title, intro=module.intro, anchor=anchors.claim(f"modul-{module.id}")
        )
        for lesson in lessons:
            entry = HandbookLesson(
                id=lesson.id,
                title=lesson.title,
                anchor=lesson_anchor[lesson.id],
                url=lesson.url,
                minutes=lesson.minutes,
            )
            for block in raw_bodies.get(lesson.id, []):
                paper = _paper_block(
                    block,
                    lesson=entry,
                    anchors=anchors,
                    rich_texts=rich_texts,
                    solutions=solutions,
                    images=images,
                    documents=documents,
                    media=media,
                    pages=pages,
                    site_url=site_url,
                    state=states.get((lesson.id, str(block.get("id")))),
                )
                if paper is None:
                    continue
                if paper["type"] == "heading":
                    heading_targets[(lesson.id, paper["own_anchor"])] = paper["anchor"]
                    entry.headings.append(TocHeading(text=paper["text"], anchor=paper["anchor"]))
                entry.blocks.append(paper)
            handbook_module.lessons.append(entry)
        handbook_modules.append(handbook_module)

    # Excerpts „Aus dem Handbuch“ link inside the handbook when their lesson is in it, else they stand alone.
    for lesson in (lesson for module in handbook_modules for lesson in module.lessons):
        for paper in lesson.blocks:
            if paper["type"] == "handbook_excerpt":
                target = paper.pop("target")
                if target in lesson_anchor:
                    paper["href"] = "#" + heading_targets.get(
                        (target, paper.pop("target_anchor")), lesson_anchor[target]
                    )
                    paper["source"] = next(
                        (other.title for module in handbook_modules for other in module.lessons if other.id == target),
                        "",
                    )

    expanded = expand_db_html(_SPLIT.join(rich_texts)).split(_SPLIT) if len(rich_texts) > 1 else [""]
    if len(expanded) != len(rich_texts):  # a separator eaten by a rewriter: expand one by one instead
        expanded = [expand_db_html(html) for html in rich_texts]
    for lesson in (lesson for module in handbook_modules for lesson in module.lessons):
        for paper in lesson.blocks:
            if "html_index" in paper:
                paper["html"] = expanded[paper.pop("html_index")]

    return Handbook(
        course=course,
        variant=variant,
        course_url=course_url,
        intro_html=expanded[0] if course.intro else "",
        image=images.get(course.image_id) if course.image_id else None,
        modules=handbook_modules,
        solutions=solutions,
        with_answers=answers_of is not None and getattr(answers_of, "is_authenticated", False),
        left_out=all_lessons - len(lesson_ids),
        generated_at=timezone.now(),
    )


def _images(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    found = {}
    for image in get_image_model().objects.filter(id__in=ids).prefetch_renditions(IMAGE_SPEC):
        try:
            rendition = image.get_rendition(IMAGE_SPEC)
        except Exception:  # a missing or broken file leaves the image out, never the handbook
            logger.warning("Handbook: no rendition of image %s", image.pk, exc_info=True)
            continue
        found[image.pk] = {"url": rendition.url, "width": rendition.width, "height": rendition.height, "alt": ""}
    return found


def _media(ids: set[int]) -> dict[int, dict[str, str]]:
    if not ids:
        return {}
    from wagtailmedia.models import get_media_model

    return {item.pk: {"title": item.title, "url": item.url} for item in get_media_model().objects.filter(id__in=ids)}


def _paper_block(
    block: dict[str, Any],
    *,
    lesson: HandbookLesson,
    anchors: _Anchors,
    rich_texts: list[str],
    solutions: list[QuizSolution],
    images: dict[int, dict[str, Any]],
    documents: dict[int, Any],
    media: dict[int, dict[str, str]],
    pages: dict[int, str],
    site_url: str,
    state: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """One block as it is printed; None for a block that has nothing to show on paper."""
    kind = block.get("type")
    value = block.get("value")
    if kind == "text":
        rich_texts.append(value or "")
        return {"type": "text", "html_index": len(rich_texts) - 1}
    value = value or {}
    if kind == "heading":
        own = heading_anchor(value)
        return {"type": "heading", "text": value.get("text", ""), "own_anchor": own, "anchor": anchors.claim(own)}
    if kind == "image":
        image = images.get(value.get("image"))
        if image is None:
            return None
        return {"type": "image", **image, "alt": value.get("alt", ""), "caption": value.get("caption", "")}
    if kind == "video":
        url = (
            pages.get(value.get("video_page"))
            or value.get("external_url")
            or _absolute(media.get(value.get("media"), {}).get("url", ""), site_url)
        )
        return {"type": "video", "title": value.get("title", ""), "url": url}
    if kind == "callout":
        rich_texts.append(value.get("text") or "")
        labels = {"achtung": _("Caution"), "beispiel": _("Example")}
        return {
            "type": "callout",
            "kind": value.get("kind", "tipp"),
            "label": labels.get(value.get("kind"), _("Tip")),
            "title": value.get("title", ""),
            "html_index": len(rich_texts) - 1,
        }
    if kind == "checklist":
        checked = set((state or {}).get("checked", []))
        return {
            "type": "checklist",
            "title": value.get("title", ""),
            "items": [
                {"text": item.get("text", ""), "required": bool(item.get("required")), "checked": item_id in checked}
                for item_id, item in _items(value.get("items"))
            ],
        }
    if kind == "reflection":
        return {
            "type": "reflection",
            "question": value.get("question", ""),
            "hint": value.get("hint", ""),
            "lines": range(int(value.get("lines") or 6)),
            "answer": (state or {}).get("text", ""),
        }
    if kind == "quiz":
        quiz_anchor = anchors.claim(f"quiz-{block.get('id')}")
        solution = QuizSolution(
            anchor=anchors.claim(f"loesung-{block.get('id')}"),
            quiz_anchor=quiz_anchor,
            lesson_title=lesson.title,
            title=value.get("title", ""),
            questions=[],
        )
        questions = []
        for number, (_question_id, question) in enumerate(_items(value.get("questions")), start=1):
            options = [option for _option_id, option in _items(question.get("options"))]
            questions.append(
                {
                    "number": number,
                    "text": question.get("text", ""),
                    "multiple": question.get("kind") == "multiple",
                    "options": [option.get("text", "") for option in options],
                }
            )
            solution.questions.append(
                (
                    number,
                    question.get("text", ""),
                    [
                        (option.get("text", ""), option.get("feedback", ""))
                        for option in options
                        if option.get("correct")
                    ],
                )
            )
        solutions.append(solution)
        return {
            "type": "quiz",
            "title": value.get("title", ""),
            "anchor": quiz_anchor,
            "solution_anchor": solution.anchor,
            "pass_mark": value.get("pass_mark"),
            "questions": questions,
        }
    if kind == "downloads":
        files = []
        for _item_id, item in _items(value.get("files")):
            document = documents.get(item.get("document"))
            if document is not None:
                files.append(
                    {
                        "title": item.get("label") or document.title,
                        "url": _absolute(document.url, site_url),
                        "extension": document.file_extension.upper(),
                    }
                )
        if not files:
            return None
        return {"type": "downloads", "title": value.get("title", ""), "files": files}
    if kind == "handbook_excerpt":
        return {
            "type": "handbook_excerpt",
            "excerpt": value.get("excerpt", ""),
            "target": value.get("lesson"),
            "target_anchor": value.get("anchor", ""),
            "href": "",
            "source": "",
        }
    if kind == "discussion":
        return {"type": "discussion", "text": value.get("text", ""), "url": lesson.url}
    return None


# --- rendering -------------------------------------------------------------------------------------------


def render_html(book: Handbook, *, request=None, for_pdf: bool = False, extra: dict[str, Any] | None = None) -> str:
    context = {"book": book, "for_pdf": for_pdf, **(extra or {})}
    return render_to_string("courses/handbook.html", context, request=request)


def _local_fetcher():
    """WeasyPrint's URL fetcher for the handbook: media and static files from disk, nothing from the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = urlsplit(url).path
            for prefix, opener in ((settings.MEDIA_URL, _open_media), (settings.STATIC_URL, _open_static)):
                if prefix and path.startswith(prefix):
                    handle = opener(path[len(prefix) :])
                    if handle is not None:
                        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
                        return URLFetcherResponse(url, handle, {"Content-Type": content_type})
            raise ValueError(f"The handbook loads only local media and static files, not {url}")

    return LocalFilesOnly()


def _open_media(name: str):
    return default_storage.open(name, "rb") if default_storage.exists(name) else None


def _open_static(name: str):
    found = finders.find(name)
    return open(found, "rb") if found else None  # noqa: SIM115 - WeasyPrint closes it


def render_pdf(book: Handbook) -> tuple[bytes, int]:
    """The PDF of a handbook and its page count. Seconds of CPU for a large course: run it in a task."""
    from weasyprint import CSS, HTML  # imported late: loading Pango costs time every other page can skip

    with translation.override(settings.LANGUAGE_CODE):
        html = render_html(book, for_pdf=True)
    document = HTML(string=html, base_url=settings.SITE_URL, url_fetcher=_local_fetcher()).render(
        stylesheets=[CSS(filename=finders.find(CSS_PATH))]
    )
    return document.write_pdf(), len(document.pages)
