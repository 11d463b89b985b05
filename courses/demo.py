"""Demo course „Eure Mitmach-Konferenz“ with modules 0–6, and demo learners whose state is made through the services."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any, TextIO

from community import demo

INDEX_SLUG = "kurs"
COURSE_SLUG = "eure-mitmach-konferenz"
# Block ids are derived from the lesson's slug and the block's position, so a second seed on another
# database gives the same ids (handy for links in docs and for tests).
ID_NAMESPACE = uuid.UUID("8a1f3c52-5d0e-4c7a-9a55-3c2b7c1f0e41")
DEMO_COLLECTION = "Online-Kurs (Demo)"


def _id(*parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(part) for part in parts)))


def _items(values: list[dict[str, Any]], *prefix: object) -> list[dict[str, Any]]:
    return [{"type": "item", "value": value, "id": _id(*prefix, n)} for n, value in enumerate(values)]


def _raw_block(block: tuple, slug: str, position: int | str, refs: dict[str, dict[str, int]]) -> dict[str, Any]:
    """One StreamField block in Wagtail's raw form, from the compact tuples of demo_content."""
    kind, *args = block
    key = (slug, position)
    if kind == "text":
        value: Any = args[0]
    elif kind == "heading":
        value = {"text": args[0], "anchor": args[1] if len(args) > 1 else ""}
    elif kind == "image":
        image_key, alt, caption = args
        value = {"image": refs["image"][image_key], "alt": alt, "caption": caption}
    elif kind == "video":
        title, url = args
        value = {"title": title, "media": None, "captions": None, "video_page": None, "external_url": url}
    elif kind == "callout":
        callout_kind, title, html = args
        value = {"kind": callout_kind, "title": title, "text": html}
    elif kind == "checklist":
        title, entries = args
        value = {"title": title, "items": _items([{"text": t, "required": r} for t, r in entries], *key, "item")}
    elif kind == "reflection":
        question, hint, lines = args
        value = {"question": question, "hint": hint, "lines": lines}
    elif kind == "quiz":
        title, questions, pass_mark, max_attempts = args
        value = {
            "title": title,
            "questions": [
                {
                    "type": "item",
                    "id": _id(*key, "q", q),
                    "value": {
                        "text": text,
                        "kind": question_kind,
                        "options": _items(
                            [{"text": t, "correct": c, "feedback": f} for t, c, f in options], *key, "q", q, "o"
                        ),
                    },
                }
                for q, (text, question_kind, options) in enumerate(questions)
            ],
            "pass_mark": pass_mark,
            "max_attempts": max_attempts,
        }
    elif kind == "downloads":
        title, files = args
        value = {
            "title": title,
            "files": _items([{"document": refs["document"][d], "label": label} for d, label in files], *key, "file"),
        }
    elif kind == "handbook_excerpt":
        lesson_slug, anchor, excerpt = args
        value = {"lesson": refs["lesson"][lesson_slug], "anchor": anchor, "excerpt": excerpt}
    elif kind == "discussion":
        value = {"text": args[0]}
    else:  # pragma: no cover - a typo in demo_content
        raise ValueError(kind)
    return {"type": kind, "value": value, "id": _id(*key)}


def lesson_body(slug: str, blocks: list[tuple], refs: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    return [_raw_block(block, slug, position, refs) for position, block in enumerate(blocks)]


# --- media made in code (no downloads) ----------------------------------------------------------


def _collection():
    from wagtail.models import Collection

    existing = Collection.objects.filter(name=DEMO_COLLECTION).first()
    if existing is not None:
        return existing
    return Collection.get_first_root_node().add_child(name=DEMO_COLLECTION)


def _diagram_png(title: str, labels: list[str], *, circle: bool) -> bytes:
    """A simple diagram: labelled stations on a line (the course path) or round tables (a room plan)."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = 1200, 630
    picture = Image.new("RGB", (width, height), "#f6f3ea")
    draw = ImageDraw.Draw(picture)
    title_font = ImageFont.load_default(size=40)
    label_font = ImageFont.load_default(size=22)
    draw.text((60, 50), title, fill="#1f2937", font=title_font)
    if circle:
        columns = 4
        for n, label in enumerate(labels):
            x = 170 + (n % columns) * 280
            y = 220 + (n // columns) * 200
            draw.ellipse((x - 75, y - 60, x + 75, y + 60), fill="#c2410c")
            draw.text((x, y), label, fill="#ffffff", font=label_font, anchor="mm")
    else:
        step = (width - 160) // max(1, len(labels) - 1)
        draw.line((80, 330, width - 80, 330), fill="#5b7f1f", width=8)
        for n, label in enumerate(labels):
            x = 80 + n * step
            draw.ellipse((x - 34, 296, x + 34, 364), fill="#5b7f1f")
            draw.text((x, 330), str(n), fill="#ffffff", font=title_font, anchor="mm")
            draw.text((x, 400 + (n % 2) * 40), label, fill="#1f2937", font=label_font, anchor="mm")
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _images() -> dict[str, int]:
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    ids = {}
    collection = _collection()
    for key, (title, labels, circle) in IMAGES.items():
        image = Image.objects.filter(title=title, collection=collection).first()
        if image is None:
            image = Image(title=title, collection=collection)
            image.file = ImageFile(io.BytesIO(_diagram_png(title, labels, circle=circle)), name=f"{key}.png")
            image._set_image_file_metadata()
            image.save()
        ids[key] = image.pk
    return ids


def _documents() -> dict[str, int]:
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    ids = {}
    collection = _collection()
    for key, (title, filename, text) in DOCUMENTS.items():
        document = Document.objects.filter(title=title, collection=collection).first()
        if document is None:
            document = Document(title=title, collection=collection)
            # With a byte-order mark, spreadsheet programs and editors read the umlauts right.
            document.file = ContentFile(("\ufeff" + text).encode("utf-8"), name=filename)
            document._set_document_file_metadata()
            document.save()
        ids[key] = document.pk
    return ids


# --- the page tree ------------------------------------------------------------------------------


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _course_index(home):
    from .models import CourseIndexPage

    index = CourseIndexPage.objects.child_of(home).first()
    if index is None:
        index = CourseIndexPage(title="Online-Kurs", slug=INDEX_SLUG, intro=COURSE["index_intro"])
        home.add_child(instance=index)
        _publish(index)
    return index


def _build_course(index):
    from django.utils.text import slugify
    from wagtail.models import PageViewRestriction

    from community.models import Handlungsfeld

    from .models import CoursePage, LessonPage, ModulePage

    refs: dict[str, dict[str, int]] = {"image": _images(), "document": _documents(), "lesson": {}}
    course = CoursePage(
        title=COURSE["title"],
        slug=COURSE_SLUG,
        intro=COURSE["intro"],
        audience=COURSE["audience"],
        learning_goals="\n".join(COURSE["learning_goals"]),
        estimated_duration=COURSE["estimated_duration"],
        sequencing=CoursePage.Sequencing.LINEAR,
        certificate_enabled=True,
    )
    index.add_child(instance=course)
    course.handlungsfelder.set(Handlungsfeld.objects.filter(slug__in=COURSE["handlungsfelder"]))
    course.tags.add(*COURSE["tags"])
    _publish(course)
    for module_title, module_intro, lessons in MODULES:
        module = ModulePage(title=module_title, slug=slugify(module_title)[:60], intro=module_intro)
        course.add_child(instance=module)
        _publish(module)
        if module_title == MEMBERS_ONLY_MODULE:
            PageViewRestriction.objects.create(page=module, restriction_type=PageViewRestriction.LOGIN)
        for slug, title, minutes, blocks in lessons:
            if slug == REVISED_LESSON:
                # Published first with the question the editors later replaced; see _revise_lesson.
                blocks = [EARLIER_REFLECTION if block[0] == "reflection" else block for block in blocks]
            body = lesson_body(slug, blocks, refs)
            if slug == REVISED_LESSON:
                # Its own id: the new question takes the old one's place, not its id.
                for block in body:
                    if block["type"] == "reflection":
                        block["id"] = _id(slug, "earlier")
            lesson = LessonPage(title=title, slug=slug, estimated_minutes=minutes, body=body)
            module.add_child(instance=lesson)
            _publish(lesson)
            refs["lesson"][slug] = lesson.pk
    return course, refs


def _revise_lesson(course, refs: dict[str, dict[str, int]]) -> None:
    """The editors replace a reflection question: answers to the old one stay, „aus einer früheren Version“."""
    from .models import LessonPage

    blocks = next(blocks for _m, _i, lessons in MODULES for slug, _t, _n, blocks in lessons if slug == REVISED_LESSON)
    lesson = LessonPage.objects.descendant_of(course).get(slug=REVISED_LESSON)
    lesson.body = lesson_body(REVISED_LESSON, blocks, refs)
    _publish(lesson)


# --- learners -----------------------------------------------------------------------------------


def _lessons(course) -> list:
    from .models import LessonPage

    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def _correct_answers(block, *, wrong: bool = False) -> dict[str, frozenset[str]]:
    answers = {}
    for question in block.value["questions"].bound_blocks:
        options = list(question.value["options"].bound_blocks)
        chosen = [option for option in options if bool(option.value["correct"]) != wrong]
        if question.value["kind"] == "single":
            chosen = chosen[:1]
        answers[str(question.id)] = frozenset(str(option.id) for option in chosen)
    return answers


def _work_through(user, lesson, *, answers: dict[str, str], fail_quiz_first: bool = False) -> None:
    """Do a lesson as a learner would: write the answers, tick the checklists, pass the quizzes, mark it done."""
    from . import services

    for block in lesson.body:
        if block.block_type == "reflection" and lesson.slug in answers:
            services.reflection_save(
                user=user, lesson=lesson, block_id=block.id, text=answers[lesson.slug], base_version=None
            )
        elif block.block_type == "checklist":
            ids = {str(item.id) for item in block.value["items"].bound_blocks}
            services.checklist_save(user=user, lesson=lesson, block_id=block.id, checked_ids=ids)
        elif block.block_type == "quiz":
            if fail_quiz_first:
                services.quiz_submit(
                    user=user,
                    lesson=lesson,
                    block_id=block.id,
                    answers=_correct_answers(block, wrong=True),
                    token=services.new_token(),
                )
            services.quiz_submit(
                user=user, lesson=lesson, block_id=block.id, answers=_correct_answers(block), token=services.new_token()
            )
    services.lesson_complete(user=user, lesson=lesson)


def _spread_in_time(user, course, days: int) -> None:
    """Move the learner's activity into the past weeks, one lesson after another (the services stamp now)."""
    from django.utils import timezone

    from .models import BlockResponse, Enrollment, LessonCompletion, QuizAttempt

    now = timezone.now()
    start = now - timedelta(days=days)
    completions = list(LessonCompletion.objects.filter(user=user).order_by("lesson__path"))
    step = timedelta(days=days) / (len(completions) + 1)
    for n, completion in enumerate(completions, start=1):
        moment = start + step * n
        LessonCompletion.objects.filter(pk=completion.pk).update(completed_at=moment)
        BlockResponse.objects.filter(user=user, lesson_id=completion.lesson_id).update(
            created_at=moment - timedelta(minutes=20), updated_at=moment - timedelta(minutes=5)
        )
        QuizAttempt.objects.filter(user=user, lesson_id=completion.lesson_id).update(
            created_at=moment - timedelta(minutes=10)
        )
    last = start + step * len(completions) if completions else start
    Enrollment.objects.filter(user=user, course=course).update(
        created_at=start - timedelta(hours=2), last_activity_at=max(last, now - timedelta(days=1))
    )


def _seed_learners(course, refs: dict[str, dict[str, int]]) -> tuple[int, int]:
    """The demo learner (Mia, about 40 %) and a few forum members further ahead or behind, for the report."""
    from community.models import User

    from . import services

    created = 0
    revised = False
    lessons = _lessons(course)
    for email, plan in LEARNERS.items():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            continue
        services.enrollment_create(user=user, course=course)
        created += 1
        done = plan["lessons"] if plan["lessons"] >= 0 else len(lessons)
        for n, lesson in enumerate(lessons[:done]):
            if lesson.slug == REVISED_LESSON and plan.get("earlier_answer"):
                # The answer to the question as it was, then the editors' revision, then today's lesson.
                block_id = next(block.id for block in lesson.body if block.block_type == "reflection")
                services.reflection_save(
                    user=user, lesson=lesson, block_id=block_id, text=plan["earlier_answer"], base_version=None
                )
                _revise_lesson(course, refs)
                revised = True
                lesson = type(lesson).objects.get(pk=lesson.pk)
                lessons[n] = lesson
            _work_through(
                user, lesson, answers=plan.get("answers", {}), fail_quiz_first=lesson.slug in plan.get("failed", ())
            )
        if 0 <= done < len(lessons) and plan.get("current"):
            # Halfway through the next lesson: an answer written, the lesson not yet done.
            current = lessons[done]
            block_id = next(block.id for block in current.body if block.block_type == "reflection")
            services.reflection_save(
                user=user, lesson=current, block_id=block_id, text=plan["current"], base_version=None
            )
        by_slug = {lesson.slug: lesson for lesson in lessons}
        for slug, text in plan.get("notes", {}).items():
            services.note_save(user=user, lesson=by_slug[slug], text=text)
        for slug in plan.get("bookmarks", ()):
            services.bookmark_toggle(user=user, lesson=by_slug[slug])
        _spread_in_time(user, course, plan["days"])
    if not revised:
        _revise_lesson(course, refs)
    return created, len(lessons)


def seed_course(out: TextIO) -> None:
    from home.models import HomePage

    from .models import CoursePage

    home = HomePage.objects.first()
    if home is None:
        out.write("  Course: no home page, skipped\n")
        return
    index = _course_index(home)
    if CoursePage.objects.child_of(index).filter(slug=COURSE_SLUG).exists():
        out.write("  Course: „Eure Mitmach-Konferenz“ exists, unchanged\n")
        return
    from .signals import handbook_builds_paused

    # No PDF build after each of the ~30 publishes: the first request for handbuch.pdf asks for one.
    with handbook_builds_paused():
        course, refs = _build_course(index)
        learners, lessons = _seed_learners(course, refs)
    modules = len(MODULES)
    out.write(f"  Course: „{course.title}“ with {modules} modules and {lessons} lessons, {learners} learners\n")
    out.write("  Demo learner: mitglied@example.org (about 40 %)\n")


def reset_course() -> None:
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Collection

    from .models import CourseIndexPage, CoursePage

    # Learner rows (enrolments, completions, answers, attempts, certificates, notes) go with the pages.
    for course in CoursePage.objects.filter(slug=COURSE_SLUG):
        course.delete()
    for index in CourseIndexPage.objects.filter(slug=INDEX_SLUG):
        if not index.get_children().exists():
            index.delete()
    collections = Collection.objects.filter(name=DEMO_COLLECTION)
    Image.objects.filter(collection__in=collections).delete()
    Document.objects.filter(collection__in=collections).delete()
    collections.delete()


# --- content (our own prose) ----------------------------------------------------------------------

COURSE = {
    "title": "Eure Mitmach-Konferenz",
    "index_intro": "<p>Lernt in eurem Tempo, wie ihr als Regionalteam eine Mitmach-Konferenz vorbereitet, "
    "durchführt und sichtbar macht – mit Aufgaben, Checklisten und Beispielen aus anderen Regionen.</p>",
    "intro": "<p>Dieser Kurs begleitet euer Regionalteam vom ersten Treffen bis zum Tag nach der "
    "<b>Mitmach-Konferenz</b>. Ihr schaut mit frischem Blick auf eure Region, findet Verbündete, "
    "formuliert eine gemeinsame Vision und plant einen Konferenztag, an dem 30 oder 200 Menschen an "
    "Thementischen Projekte für ihre Region beginnen.</p>"
    "<p>Die Module folgen dem Regionallabor. Ihr könnt den Kurs allein durcharbeiten, besser aber als "
    "Team: Teilt eure Antworten, wenn ihr mögt, und besprecht sie beim nächsten Treffen.</p>",
    "audience": "Regionalteams, die eine Mitmach-Konferenz planen – und alle, die in ihrer Region Menschen aus "
    "Initiativen, Verwaltung, Wirtschaft und Nachbarschaft zusammenbringen wollen. Vorwissen braucht ihr keins.",
    "learning_goals": [
        "Ihr kennt die Stärken, Lücken und verborgenen Schätze eurer Region.",
        "Ihr wisst, wen ihr für die Konferenz gewinnen wollt, und habt die ersten Gespräche geführt.",
        "Ihr habt eine Vision und zwei bis drei Ziele, hinter denen euer Team steht.",
        "Ihr habt einen Zeit- und Budgetplan bis zum Konferenztag.",
        "Ihr könnt Thementische für 30 bis 200 Menschen moderieren lassen.",
        "Ihr macht eure Konferenz in Presse und sozialen Medien bekannt.",
    ],
    "estimated_duration": "etwa 10 Stunden, verteilt über 8 bis 12 Wochen",
    "handlungsfelder": ["demokratie-beteiligung", "kultur-zusammenleben"],
    "tags": ["Mitmach-Konferenz", "Regionalteam", "Beteiligung", "Moderation"],
}

# key: (title, labels, round tables instead of a path)
IMAGES = {
    "weg": (
        "Der Weg zur Mitmach-Konferenz",
        ["Auftakt", "Region", "Kontakte", "Vision", "Weg", "Konferenz", "Sichtbar"],
        False,
    ),
    "thementische": (
        "Thementische im Saal",
        ["Ernährung", "Energie", "Mobilität", "Wohnen", "Bildung", "Kultur", "Natur", "Offener Tisch"],
        True,
    ),
}

# key: (title, file name, text)
DOCUMENTS = {
    "steckbrief": (
        "Steckbrief eurer Region (Vorlage)",
        "steckbrief-region.txt",
        "Steckbrief unserer Region\n"
        "=========================\n\n"
        "Name der Region:\n"
        "Gemeinden und Einwohnerzahl:\n"
        "Was macht unsere Region aus (drei Sätze)?\n\n"
        "Stärken:\n- \n- \n- \n\n"
        "Lücken und Sorgen:\n- \n- \n- \n\n"
        "Verborgene Schätze (Orte, Menschen, Traditionen):\n- \n- \n\n"
        "Bestehende Initiativen und Netzwerke:\n- \n- \n\n"
        "Quellen (Statistik, Gespräche, Zeitungsartikel):\n- \n",
    ),
    "landkarte": (
        "Akteur:innen-Landkarte (Tabelle)",
        "akteurinnen-landkarte.csv",
        "Name;Organisation;Bereich;Einfluss (1-3);Interesse (1-3);Wer von uns kennt sie?;Nächster Schritt\n"
        "Beispiel: Frau Albers;Bürgermeisterin Hitzacker;Kommune;3;2;Jonas;Termin im Rathaus anfragen\n"
        ";;;;;;\n",
    ),
    "zeitplan": (
        "Zeitplan bis zur Konferenz (Vorlage)",
        "zeitplan-konferenz.txt",
        "Zeitplan bis zur Mitmach-Konferenz\n"
        "==================================\n\n"
        "Zwölf Wochen vorher: Termin und Ort fest, Budget geklärt, Förderantrag gestellt\n"
        "Zehn Wochen vorher: Save-the-Date an Akteur:innen, Moderation angefragt\n"
        "Acht Wochen vorher: Einladung öffentlich, Anmeldung offen, Presse informiert\n"
        "Sechs Wochen vorher: Thementische und Gastgeber:innen stehen\n"
        "Vier Wochen vorher: Helfer:innen eingeteilt, Catering bestellt\n"
        "Zwei Wochen vorher: Erinnerung an alle Angemeldeten, Material gedruckt\n"
        "Eine Woche vorher: Generalprobe des Ablaufs, Pressemitteilung verschickt\n"
        "Danach: Dank, Fotos, Ergebnisse und nächstes Treffen der Projektgruppen\n",
    ),
    "ablauf": (
        "Ablaufplan Konferenztag (Vorlage)",
        "ablaufplan-konferenztag.txt",
        "Ablaufplan Konferenztag\n"
        "=======================\n\n"
        "09:30  Ankommen, Kaffee, Namensschilder\n"
        "10:00  Begrüßung durch das Regionalteam (10 Minuten, kein Grußwort-Marathon)\n"
        "10:15  Blitzlicht: Was bringt euch heute hierher?\n"
        "10:45  Erste Runde an den Thementischen\n"
        "12:15  Mittagessen aus der Region\n"
        "13:15  Zweite Runde: aus Ideen werden Projekte\n"
        "14:45  Marktplatz der Projekte, Verabredungen treffen\n"
        "15:30  Abschluss und Ausblick: Wann treffen sich die Projektgruppen?\n",
    ),
    "pressemitteilung": (
        "Pressemitteilung (Vorlage)",
        "pressemitteilung-vorlage.txt",
        "PRESSEMITTEILUNG – [Ort], [Datum]\n\n"
        "[Überschrift: Wer lädt wann wozu ein?]\n\n"
        "[Erster Absatz: Wer, was, wann, wo, warum – in zwei bis drei Sätzen.]\n\n"
        "[Zweiter Absatz: Ein Zitat aus dem Regionalteam, das zeigt, worum es euch geht.]\n\n"
        "[Dritter Absatz: Ablauf, Anmeldung, Barrierefreiheit, Kinderbetreuung.]\n\n"
        "Ansprechpartner:in für die Presse: [Name, Telefon, E-Mail]\n"
        "Fotos zur freien Verwendung: [Link]\n",
    ),
}

MEMBERS_ONLY_MODULE = "4 Gut ausgerichtet einen wirkungsvollen Weg planen"
# This lesson is first published with EARLIER_REFLECTION in place of its reflection; the demo learner answers
# it, then the editors publish the lesson as it stands below. Her answer stays, „aus einer früheren Version“.
REVISED_LESSON = "euer-regionalteam"
EARLIER_REFLECTION = (
    "reflection",
    "Was erhofft ihr euch von diesem Kurs?",
    "Schreibt es ruhig in Stichworten auf.",
    4,
)

DISCUSS = "Wie habt ihr das in eurer Region gelöst? Erzählt es im Forum."

MODULES = [
    (
        "0 Auftakt: Kennenlernen & Orientierung",
        "Worum es im Kurs geht, wie eine Mitmach-Konferenz abläuft und wie ihr euch als Team aufstellt.",
        [
            (
                "willkommen",
                "Willkommen im Kurs",
                10,
                [
                    (
                        "text",
                        "<p>Schön, dass ihr da seid! In den nächsten Wochen bereitet ihr Schritt für Schritt "
                        "eure eigene <b>Mitmach-Konferenz</b> vor: einen Tag, an dem Menschen aus eurer Region "
                        "zusammenkommen, um gemeinsam Projekte für Ernährung, Energie, Mobilität oder ein gutes "
                        "Zusammenleben anzustoßen.</p><p>Jede Lektion dauert 10 bis 30 Minuten. Manche enden mit "
                        "einer Checkliste oder einem kurzen Quiz, andere mit einer Frage, die ihr für euch "
                        "beantwortet. Eure Antworten sind privat – nur ihr seht sie, außer ihr teilt sie mit eurem "
                        "Regionalteam.</p>",
                    ),
                    (
                        "video",
                        "Was ist eine Mitmach-Konferenz? (4 Minuten)",
                        "https://www.youtube.com/watch?v=Mk7rEgN2qTs",
                    ),
                    (
                        "callout",
                        "tipp",
                        "Gemeinsam geht es leichter",
                        "<p>Verabredet euch im Team zu einem festen Kurs-Abend alle zwei Wochen. Wer eine Lektion "
                        "vorher durchgearbeitet hat, bringt die Fragen mit.</p>",
                    ),
                    ("discussion", "Stellt euch und eure Region im Forum vor: Wer seid ihr, und was habt ihr vor?"),
                ],
            ),
            (
                "euer-regionalteam",
                "Euer Regionalteam stellt sich auf",
                20,
                [
                    (
                        "text",
                        "<p>Eine Mitmach-Konferenz stemmt niemand allein. Bewährt haben sich Teams von "
                        "vier bis zwölf Menschen, die verschiedene Ecken der Region kennen: jemand aus der "
                        "Verwaltung, jemand aus einem Verein, jemand, der gern schreibt, und jemand, der gern "
                        "organisiert.</p>",
                    ),
                    ("heading", "Rollen klären", "rollen"),
                    (
                        "text",
                        "<p>Klärt früh, wer was übernimmt. Es hilft, Rollen zu benennen, statt Aufgaben "
                        "nebenbei zu verteilen:</p><ul><li><b>Koordination</b>: hält die Fäden zusammen und lädt "
                        "zu Treffen ein</li><li><b>Kontakte</b>: spricht Akteur:innen an und pflegt die "
                        "Liste</li><li><b>Orga</b>: Raum, Catering, Technik</li><li><b>Öffentlichkeit</b>: "
                        "Einladung, Presse, Social Media</li></ul>",
                    ),
                    (
                        "reflection",
                        "Welche Rolle übernimmst du im Team – und wobei brauchst du Unterstützung?",
                        "Eine Rolle darf sich später ändern. Wichtig ist, dass jede Aufgabe ein Gesicht hat.",
                        5,
                    ),
                    (
                        "checklist",
                        "Vor dem nächsten Teamtreffen",
                        [
                            ("Wir haben eine Koordination benannt.", True),
                            ("Jede Rolle hat mindestens eine Person.", True),
                            ("Wir haben einen gemeinsamen Kanal (Team-Chat, Mailverteiler).", False),
                            ("Wir haben einen Termin fürs nächste Treffen.", False),
                        ],
                    ),
                    (
                        "callout",
                        "achtung",
                        "Nicht alles auf eine Schulter",
                        "<p>Wenn eine Person Koordination, Kontakte und Presse zugleich macht, ist sie nach drei "
                        "Monaten erschöpft. Verteilt lieber früh – auch wenn es anfangs langsamer geht.</p>",
                    ),
                ],
            ),
            (
                "so-funktioniert-eine-mitmach-konferenz",
                "So funktioniert eine Mitmach-Konferenz",
                15,
                [
                    ("heading", "Der Weg in sieben Schritten", "sieben-schritte"),
                    (
                        "image",
                        "weg",
                        "Eine Linie mit sieben Stationen von 0 Auftakt bis 6 Sichtbar werden.",
                        "Die Module dieses Kurses folgen dem Weg zur Konferenz.",
                    ),
                    (
                        "text",
                        "<p>Am Anfang steht der Blick auf die Region: Was gibt es schon, was fehlt? Dann "
                        "sucht ihr Verbündete und formuliert gemeinsam eine Vision. Daraus plant ihr einen Weg – "
                        "mit Zeitplan, Budget und einem Ort. Auf der Konferenz selbst arbeiten die Teilnehmenden "
                        "an <b>Thementischen</b>; am Ende stehen Projektgruppen, die sich weiter treffen.</p>"
                        "<p>Die Konferenz ist also kein Endpunkt, sondern ein Startschuss. Was danach passiert, "
                        "entscheidet, ob sie wirkt.</p>",
                    ),
                    (
                        "quiz",
                        "Kurzer Check: die Mitmach-Konferenz",
                        [
                            (
                                "Was steht am Ende einer gelungenen Mitmach-Konferenz?",
                                "single",
                                [
                                    (
                                        "Ein Abschlussbericht für die Verwaltung",
                                        False,
                                        "Ein Bericht kann helfen, ist aber nicht das Ziel.",
                                    ),
                                    (
                                        "Projektgruppen, die sich weiter treffen",
                                        True,
                                        "Genau: Die Konferenz ist der Startschuss.",
                                    ),
                                    ("Eine Pressemitteilung", False, "Die gehört dazu, ist aber nicht das Ergebnis."),
                                ],
                            ),
                            (
                                "Was gehört zur Vorbereitung? (Mehrere Antworten sind richtig.)",
                                "multiple",
                                [
                                    ("Ein frischer Blick auf die Region", True, "Ja, damit beginnt Modul 1."),
                                    ("Gespräche mit Akteur:innen", True, "Ja, Beziehungen tragen die Konferenz."),
                                    (
                                        "Ein fertiges Projekt, das alle übernehmen",
                                        False,
                                        "Nein: Die Projekte entstehen erst auf der Konferenz.",
                                    ),
                                ],
                            ),
                            (
                                "Wo entstehen auf der Konferenz die Projekte?",
                                "single",
                                [
                                    ("An Thementischen", True, "Richtig, dazu mehr in Modul 5."),
                                    ("Im Vortrag der Bürgermeisterin", False, "Vorträge halten wir bewusst kurz."),
                                ],
                            ),
                        ],
                        60,
                        3,
                    ),
                ],
            ),
        ],
    ),
    (
        "1 Die Region mit frischem & fokussiertem Blick entdecken",
        "Ihr erkundet eure Region neu: mit Spaziergängen, Gesprächen und ein paar Zahlen.",
        [
            (
                "region-mit-frischem-blick-entdecken",
                "Region mit frischem Blick entdecken",
                25,
                [
                    (
                        "text",
                        "<p>Wer lange an einem Ort lebt, sieht vieles nicht mehr: den leeren Laden am "
                        "Marktplatz, die Streuobstwiese hinter der Schule, die Bank, auf der jeden Morgen dieselben "
                        "drei Menschen sitzen. Diese Lektion lädt euch ein, die Region zu betrachten, als wärt ihr "
                        "zum ersten Mal da.</p>",
                    ),
                    ("heading", "Der Erkundungsspaziergang", "erkundungsspaziergang"),
                    (
                        "text",
                        "<p>Geht zu zweit oder zu dritt eine Strecke, die ihr gut kennt – diesmal langsam "
                        "und mit Notizbuch. Achtet auf Orte, an denen sich Menschen treffen, auf Leerstand, auf "
                        "Spuren von Engagement (Aushänge, Gemeinschaftsbeete, Tauschregale) und auf das, was "
                        "fehlt.</p>",
                    ),
                    (
                        "checklist",
                        "Euer Spaziergang",
                        [
                            ("Wir haben eine Strecke gewählt, die mindestens zwei Ortsteile verbindet.", True),
                            ("Wir haben Fotos oder Notizen von fünf Orten.", True),
                            ("Wir haben mit mindestens einer Person unterwegs gesprochen.", False),
                        ],
                    ),
                    (
                        "callout",
                        "beispiel",
                        "Aus dem Wendland",
                        "<p>Das Regionalteam Wendland entdeckte auf seinem Spaziergang drei leerstehende "
                        "Bahnhofsgebäude. Eines davon wurde später der Ort der Konferenz.</p>",
                    ),
                    ("reflection", "Welcher Ort hat euch auf dem Spaziergang überrascht, und warum?", "", 5),
                ],
            ),
            (
                "daten-und-geschichten-sammeln",
                "Daten und Geschichten sammeln",
                20,
                [
                    (
                        "text",
                        "<p>Zahlen zeigen, wo eure Region steht: Wie alt sind die Menschen, wie viele "
                        "pendeln, wie viel Fläche ist Wald, Acker oder versiegelt? Die statistischen Landesämter "
                        "und die Website eures Landkreises sind ein guter Anfang.</p><p>Mindestens so wichtig sind "
                        "Geschichten: Fragt fünf Menschen, was sie an der Region lieben und was sie ändern würden. "
                        "Schreibt die Antworten wörtlich auf – gute Zitate braucht ihr später für die Einladung.</p>",
                    ),
                    ("downloads", "Zum Ausfüllen", [("steckbrief", "Steckbrief eurer Region")]),
                    (
                        "callout",
                        "achtung",
                        "Datenschutz bei Gesprächen",
                        "<p>Fragt, ob ihr Namen notieren dürft. Zitate nutzt ihr nur mit Einverständnis, und "
                        "Fotos von Personen veröffentlicht ihr nur, wenn diese zugestimmt haben.</p>",
                    ),
                    ("reflection", "Welche Zahl oder welches Zitat beschreibt eure Region am besten?", "", 4),
                ],
            ),
            (
                "staerken-luecken-schaetze",
                "Stärken, Lücken und Schätze der Region",
                20,
                [
                    (
                        "text",
                        "<p>Legt eure Notizen aus dem Spaziergang und den Gesprächen nebeneinander. "
                        "Sortiert sie in drei Spalten: <b>Stärken</b> (was gut läuft), <b>Lücken</b> (was fehlt "
                        "oder Sorgen macht) und <b>Schätze</b> (was kaum jemand kennt, aber Potenzial hat).</p>",
                    ),
                    ("heading", "Schätze heben", "schaetze"),
                    (
                        "text",
                        "<p>Schätze sind oft Menschen: die Rentnerin, die seit 30 Jahren Saatgut tauscht, "
                        "der Schreiner, der Lehrlinge aus aller Welt ausbildet. Sie werden auf der Konferenz "
                        "wichtige Gastgeber:innen an den Thementischen.</p>",
                    ),
                    (
                        "handbook_excerpt",
                        "region-mit-frischem-blick-entdecken",
                        "erkundungsspaziergang",
                        "Geht langsam und mit Notizbuch. Achtet auf Orte, an denen sich Menschen treffen, auf "
                        "Leerstand und auf das, was fehlt.",
                    ),
                    ("reflection", "Welche drei Schätze eurer Region sollen auf der Konferenz sichtbar werden?", "", 6),
                ],
            ),
        ],
    ),
    (
        "2 In Kontakt treten mit Akteur:innen & Beziehungen aufbauen",
        "Wer gestaltet eure Region schon heute – und wie gewinnt ihr diese Menschen für die Konferenz?",
        [
            (
                "akteurinnen-landkarte",
                "Akteur:innen-Landkarte",
                30,
                [
                    (
                        "text",
                        "<p>Eine Akteur:innen-Landkarte zeigt, wer in eurer Region etwas bewegt: "
                        "Initiativen, Vereine, Betriebe, Verwaltung, Kirchen, Schulen, Medien. Zeichnet sie auf "
                        "ein großes Blatt oder nutzt die Tabelle unten.</p>",
                    ),
                    ("heading", "Einfluss und Interesse", "einfluss-interesse"),
                    (
                        "text",
                        "<p>Ordnet jede Akteurin zwei Achsen zu: Wie viel <b>Einfluss</b> hat sie auf das, "
                        "was ihr vorhabt? Wie groß ist ihr <b>Interesse</b>? Wer viel Einfluss und wenig Interesse "
                        "hat, braucht ein persönliches Gespräch – kein Rundschreiben.</p>",
                    ),
                    ("downloads", "Vorlage", [("landkarte", "Akteur:innen-Landkarte als Tabelle")]),
                    (
                        "checklist",
                        "Eure Landkarte",
                        [
                            ("Wir haben mindestens 20 Akteur:innen eingetragen.", True),
                            ("Jeder Bereich (Kommune, Wirtschaft, Zivilgesellschaft, Bildung) ist vertreten.", True),
                            ("Zu jedem Eintrag steht, wer aus dem Team die Person kennt.", False),
                        ],
                    ),
                    ("reflection", "Wen habt ihr bisher übersehen – und wer könnte die Tür zu ihnen öffnen?", "", 5),
                ],
            ),
            (
                "gespraeche-die-tueren-oeffnen",
                "Gespräche führen, die Türen öffnen",
                20,
                [
                    (
                        "text",
                        "<p>Die besten Einladungen sind persönlich. Bittet um ein kurzes Gespräch – "
                        "20 Minuten reichen – und hört vor allem zu: Was beschäftigt die Person gerade? Wo sieht "
                        "sie Chancen für die Region? Erst am Ende erzählt ihr von der Konferenz.</p>",
                    ),
                    ("video", "Drei Fragen für ein gutes Erstgespräch", "https://vimeo.com/812345678"),
                    (
                        "callout",
                        "tipp",
                        "Drei Fragen, die fast immer funktionieren",
                        "<ul><li>Was läuft in eurer Arbeit gerade richtig gut?</li><li>Was würdet ihr in der Region "
                        "ändern, wenn ihr freie Hand hättet?</li><li>Wen sollten wir unbedingt noch fragen?</li></ul>",
                    ),
                    ("reflection", "Mit wem führt ihr in den nächsten zwei Wochen ein Gespräch?", "", 4),
                ],
            ),
            (
                "kommune-und-verwaltung",
                "Kommune und Verwaltung ins Boot holen",
                20,
                [
                    (
                        "text",
                        "<p>Bürgermeister:innen, Klimaschutzmanager:innen und Wirtschaftsförderung können "
                        "Räume öffnen, Fördermittel vermitteln und Ergebnisse der Konferenz aufgreifen. Ladet sie "
                        "früh ein, aber macht klar: Die Konferenz gehört den Menschen der Region, nicht der "
                        "Verwaltung.</p>",
                    ),
                    (
                        "callout",
                        "achtung",
                        "Parteipolitisch neutral bleiben",
                        "<p>Besonders vor Wahlen lohnt es sich, alle Fraktionen gleich zu informieren. Grußworte "
                        "gibt es höchstens eins, und es dauert nicht länger als fünf Minuten.</p>",
                    ),
                    (
                        "quiz",
                        "Kurzer Check: Verwaltung",
                        [
                            (
                                "Wann sprecht ihr die Kommune am besten an?",
                                "single",
                                [
                                    (
                                        "Früh, mit einem persönlichen Gespräch",
                                        True,
                                        "Ja: So kann sie mitdenken, statt nur zuzustimmen.",
                                    ),
                                    (
                                        "Wenn die Einladung gedruckt ist",
                                        False,
                                        "Dann fühlt sie sich leicht übergangen.",
                                    ),
                                ],
                            ),
                            (
                                "Was kann die Verwaltung beitragen? (Mehrere Antworten sind richtig.)",
                                "multiple",
                                [
                                    ("Räume", True, "Oft kostenlos, etwa in Schulen oder im Rathaus."),
                                    ("Kontakte zu Förderprogrammen", True, "Die Wirtschaftsförderung kennt viele."),
                                    (
                                        "Die Moderation der Thementische",
                                        False,
                                        "Besser nicht: Die Tische moderieren Menschen aus der Region.",
                                    ),
                                ],
                            ),
                        ],
                        100,
                        3,
                    ),
                    ("discussion", DISCUSS),
                ],
            ),
        ],
    ),
    (
        "3 Vision & Ziele für eure Mitmach-Region",
        "Ein gemeinsames Bild der Region in zehn Jahren, und zwei bis drei Ziele für den Weg dorthin.",
        [
            (
                "vision-skizzieren",
                "Vision skizzieren",
                30,
                [
                    (
                        "text",
                        "<p>Stellt euch vor, es ist zehn Jahre später. Eine Freundin besucht eure Region "
                        "zum ersten Mal. Was erzählt sie zu Hause? Was hat sie gegessen, wie ist sie gereist, wen "
                        "hat sie getroffen?</p><p>Schreibt jede und jeder für sich eine halbe Seite, dann lest "
                        "ihr euch die Texte vor und markiert, was mehrfach vorkommt. Daraus entsteht eure "
                        "gemeinsame Vision – in drei bis fünf Sätzen.</p>",
                    ),
                    ("heading", "Was eine gute Vision ausmacht", "gute-vision"),
                    (
                        "text",
                        "<ul><li>Sie ist konkret genug, dass man sie sich vorstellen kann.</li><li>Sie ist "
                        "offen genug, dass andere sich wiederfinden.</li><li>Sie klingt nach eurer Region, nicht "
                        "nach einem Förderantrag.</li></ul>",
                    ),
                    (
                        "callout",
                        "beispiel",
                        "Eine Vision aus dem Vinschgau",
                        "<p>„Im Vinschgau gibt es 2035 in jedem Dorf einen Ort, an dem man Gemüse vom Nachbarhof "
                        "kauft, ein Rad leiht und Menschen trifft, die man noch nicht kennt.“</p>",
                    ),
                    (
                        "reflection",
                        "Wie sieht eure Region in zehn Jahren aus? Beschreibe einen Tag dort.",
                        "Schreib im Präsens, als wäre es schon so.",
                        10,
                    ),
                ],
            ),
            (
                "von-der-vision-zu-zielen",
                "Von der Vision zu Zielen",
                20,
                [
                    (
                        "text",
                        "<p>Eine Vision gibt die Richtung an, Ziele machen sie überprüfbar. Formuliert "
                        "zwei bis drei Ziele für die nächsten zwei Jahre – so, dass ihr am Ende sagen könnt, ob "
                        "ihr sie erreicht habt.</p>",
                    ),
                    (
                        "checklist",
                        "Ist euer Ziel gut formuliert?",
                        [
                            ("Es ist konkret: Man weiß, was gemeint ist.", True),
                            ("Es ist überprüfbar: Man erkennt, ob es erreicht ist.", True),
                            ("Es hat einen Zeitpunkt.", True),
                            ("Es passt zu eurer Vision.", False),
                        ],
                    ),
                    (
                        "quiz",
                        "Welches Ziel ist gut formuliert?",
                        [
                            (
                                "Welches dieser Ziele ist am besten überprüfbar?",
                                "single",
                                [
                                    (
                                        "Wir wollen mehr Nachhaltigkeit in der Region.",
                                        False,
                                        "Sympathisch, aber woran erkennt ihr, dass es erreicht ist?",
                                    ),
                                    (
                                        "Bis Ende 2027 gibt es in drei Gemeinden eine Mitfahrbank.",
                                        True,
                                        "Ja: konkret, überprüfbar und mit Datum.",
                                    ),
                                    ("Alle sollen mitmachen.", False, "Schön, aber nicht überprüfbar."),
                                ],
                            ),
                        ],
                        100,
                        0,
                    ),
                ],
            ),
            (
                "handlungsfelder-auswaehlen",
                "Handlungsfelder auswählen",
                15,
                [
                    (
                        "text",
                        "<p>Auf der Plattform sind die Themen in <b>Handlungsfelder</b> sortiert: "
                        "Ernährung &amp; Landwirtschaft, Energie, Mobilität, Wohnen &amp; Bauen und weitere. Wählt "
                        "drei bis fünf, die zu euren Zielen passen. Sie werden später eure Thementische.</p>",
                    ),
                    (
                        "handbook_excerpt",
                        "staerken-luecken-schaetze",
                        "schaetze",
                        "Schätze sind oft Menschen. Sie werden auf der Konferenz wichtige Gastgeber:innen an den "
                        "Thementischen.",
                    ),
                    ("reflection", "Welche Handlungsfelder wählt ihr, und wer aus eurer Landkarte passt dazu?", "", 6),
                ],
            ),
        ],
    ),
    (
        "4 Gut ausgerichtet einen wirkungsvollen Weg planen",
        "Wirkung, Zeitplan und Budget – das Live-Modul des Regionallabors, für angemeldete Mitglieder.",
        [
            (
                "wirkungslogik",
                "Wirkungslogik: vom Ziel zur Aktion",
                25,
                [
                    (
                        "text",
                        "<p>Eine Wirkungslogik verbindet, was ihr tut, mit dem, was sich verändern soll: "
                        "Aktivität → Ergebnis → Wirkung. Beispiel: Ihr veranstaltet eine Konferenz (Aktivität), "
                        "danach arbeiten vier Projektgruppen (Ergebnis), in zwei Jahren gibt es eine "
                        "solidarische Landwirtschaft mit 80 Haushalten (Wirkung).</p>",
                    ),
                    ("heading", "Die Kette rückwärts denken", "rueckwaerts"),
                    (
                        "text",
                        "<p>Beginnt bei der Wirkung und fragt jeweils: Was muss vorher passieren, damit "
                        "das möglich wird? So merkt ihr schnell, welche Schritte fehlen.</p>",
                    ),
                    (
                        "video",
                        "Aufzeichnung Live-Call: Wirkungslogik in 20 Minuten",
                        "https://www.youtube.com/watch?v=Qw3nP8vLx2E",
                    ),
                    (
                        "reflection",
                        "Schreibt eure Wirkungskette für ein Ziel auf: Aktivität → Ergebnis → Wirkung.",
                        "",
                        6,
                    ),
                ],
            ),
            (
                "zeitplan-und-meilensteine",
                "Zeitplan und Meilensteine bis zur Konferenz",
                20,
                [
                    (
                        "text",
                        "<p>Rechnet vom Konferenztag rückwärts. Zwölf Wochen Vorlauf sind knapp, sechs "
                        "Monate sind komfortabel. Legt Meilensteine fest, an denen ihr im Team prüft, ob ihr auf "
                        "Kurs seid.</p>",
                    ),
                    ("downloads", "Vorlage", [("zeitplan", "Zeitplan bis zur Konferenz")]),
                    (
                        "checklist",
                        "Euer Zeitplan",
                        [
                            ("Der Konferenztermin steht und kollidiert nicht mit Ferien oder Festen.", True),
                            ("Jeder Meilenstein hat eine verantwortliche Person.", True),
                            ("Wir haben einen Puffer von zwei Wochen eingeplant.", False),
                        ],
                    ),
                ],
            ),
            (
                "budget-und-foerderung",
                "Budget und Förderung",
                20,
                [
                    (
                        "text",
                        "<p>Eine Konferenz für 80 Menschen kostet – je nach Raum und Essen – zwischen "
                        "2.000 und 8.000 Euro. Die größten Posten sind meist Verpflegung, Moderation und "
                        "Druck.</p><p>Fragt bei Stiftungen, der LEADER-Region, dem Landkreis und örtlichen Banken "
                        "nach Unterstützung. Sachspenden (Raum, Essen, Technik) sind oft leichter zu bekommen als "
                        "Geld.</p>",
                    ),
                    (
                        "callout",
                        "achtung",
                        "Fristen im Blick",
                        "<p>Viele Förderprogramme wollen den Antrag acht bis zwölf Wochen vor Beginn. Ausgaben vor "
                        "der Bewilligung werden meist nicht erstattet.</p>",
                    ),
                    (
                        "quiz",
                        "Kurzer Check: Budget",
                        [
                            (
                                "Was ist meist der größte Posten im Budget?",
                                "single",
                                [
                                    ("Verpflegung", True, "Ja – und eine gute Gelegenheit für regionale Anbieter."),
                                    ("Porto", False, "Einladungen gehen heute fast alle digital raus."),
                                ],
                            ),
                            (
                                "Was hilft, wenn wenig Geld da ist? (Mehrere Antworten sind richtig.)",
                                "multiple",
                                [
                                    ("Sachspenden anfragen", True, "Räume und Essen werden oft gespendet."),
                                    (
                                        "Eintritt von 50 Euro verlangen",
                                        False,
                                        "Das schließt genau die Menschen aus, die ihr erreichen wollt.",
                                    ),
                                    (
                                        "Bei der LEADER-Region nachfragen",
                                        True,
                                        "Dort gibt es oft Kleinprojektförderung.",
                                    ),
                                ],
                            ),
                        ],
                        100,
                        3,
                    ),
                ],
            ),
        ],
    ),
    (
        "5 Regionale Zusammenkunft organisieren",
        "Ort, Einladung, Thementische und Moderation: der Konferenztag selbst.",
        [
            (
                "ort-termin-barrierefreiheit",
                "Ort, Termin und Barrierefreiheit",
                20,
                [
                    (
                        "text",
                        "<p>Der Ort prägt die Stimmung. Eine Scheune, eine Schulaula oder ein "
                        "Gemeindesaal funktionieren gut – Hauptsache, es gibt einen großen Raum für alle und Platz "
                        "für Tische, an denen jeweils acht bis zwölf Menschen sitzen.</p>",
                    ),
                    (
                        "checklist",
                        "Ist der Ort geeignet?",
                        [
                            ("Er ist mit Bus, Bahn oder Fahrgemeinschaft erreichbar.", True),
                            ("Er ist stufenlos zugänglich, mit barrierefreier Toilette.", True),
                            ("Es gibt Platz für Thementische und einen Marktplatz.", True),
                            ("Es gibt eine Ecke für Kinderbetreuung.", False),
                        ],
                    ),
                    (
                        "callout",
                        "tipp",
                        "Samstag oder Freitagabend?",
                        "<p>Ein Samstag von 10 bis 16 Uhr erreicht Berufstätige und Familien am besten. Ein "
                        "Freitagabend passt, wenn ihr vor allem Vereine und Initiativen ansprecht.</p>",
                    ),
                ],
            ),
            (
                "einladen-wer-fehlt-noch",
                "Einladen: Wer fehlt noch?",
                20,
                [
                    (
                        "text",
                        "<p>Eine Einladung, die alle anspricht, spricht oft niemanden an. Schreibt lieber "
                        "drei Varianten: für Initiativen, für Betriebe und für Menschen, die noch nie bei so etwas "
                        "waren. Und ladet persönlich ein, wo es geht – ein Anruf wirkt mehr als zehn Mails.</p>",
                    ),
                    (
                        "callout",
                        "tipp",
                        "Die Eine-Person-mehr-Regel",
                        "<p>Bittet alle, die zusagen, eine Person mitzubringen, die sonst nicht kommen würde. So "
                        "erreicht ihr Menschen außerhalb eurer Blase.</p>",
                    ),
                    ("reflection", "Welche Gruppen aus eurer Region fehlen bisher – und wie erreicht ihr sie?", "", 5),
                ],
            ),
            (
                "thementische",
                "Thementische für 30–200 Menschen",
                30,
                [
                    (
                        "text",
                        "<p>Thementische sind das Herz der Konferenz. An jedem Tisch sitzen acht bis zwölf "
                        "Menschen und eine Gastgeberin, die das Gespräch hält, ohne es zu bestimmen. Die Zahl der "
                        "Tische richtet sich nach der Zahl der Gäste – nicht umgekehrt.</p>",
                    ),
                    (
                        "image",
                        "thementische",
                        "Acht runde Tische, jeder mit einem Handlungsfeld beschriftet.",
                        "Ein Saal mit acht Thementischen und einem offenen Tisch für neue Themen.",
                    ),
                    ("heading", "30 Menschen", "30-menschen"),
                    (
                        "text",
                        "<p>Drei bis vier Tische, eine gemeinsame Runde zu Beginn und am Ende. Alle können "
                        "einmal wechseln. Eine Moderatorin reicht für den ganzen Tag.</p>",
                    ),
                    ("heading", "200 Menschen", "200-menschen"),
                    (
                        "text",
                        "<p>15 bis 20 Tische in zwei Räumen, feste Wechselzeiten mit Gong, und für jeden "
                        "Raum eine Moderation. Plant Helfer:innen, die Ergebnisse von den Tischen einsammeln und auf "
                        "den Marktplatz der Projekte bringen.</p>",
                    ),
                    (
                        "callout",
                        "beispiel",
                        "Der offene Tisch",
                        "<p>Im Waldviertel gab es einen Tisch ohne Thema. Dort entstand die Idee für ein "
                        "Repair-Café, das heute jeden Monat öffnet.</p>",
                    ),
                    (
                        "quiz",
                        "Kurzer Check: Thementische",
                        [
                            (
                                "Wie viele Menschen sitzen an einem Thementisch?",
                                "single",
                                [
                                    ("Drei bis vier", False, "Zu wenige für unterschiedliche Blickwinkel."),
                                    ("Acht bis zwölf", True, "Ja: genug Vielfalt, und alle kommen zu Wort."),
                                    ("Zwanzig und mehr", False, "Dann reden nur noch die Lautesten."),
                                ],
                            ),
                            (
                                "Was macht die Gastgeberin eines Tisches?",
                                "single",
                                [
                                    ("Sie hält das Gespräch, ohne es zu bestimmen.", True, "Genau."),
                                    (
                                        "Sie hält einen Vortrag zum Thema.",
                                        False,
                                        "Vorträge haben an den Tischen keinen Platz.",
                                    ),
                                ],
                            ),
                        ],
                        100,
                        3,
                    ),
                    ("discussion", "Wie viele Tische hattet ihr, und was würdet ihr beim nächsten Mal anders machen?"),
                ],
            ),
            (
                "moderation-und-ablauf",
                "Moderation und Ablauf des Konferenztags",
                25,
                [
                    (
                        "text",
                        "<p>Ein guter Ablauf hat Luft: lange Pausen, in denen Gespräche weitergehen, und "
                        "einen klaren Schluss, an dem sich die Projektgruppen verabreden. Plant die Begrüßung kurz "
                        "und das Ende verbindlich.</p>",
                    ),
                    ("downloads", "Vorlage", [("ablauf", "Ablaufplan für den Konferenztag")]),
                    (
                        "checklist",
                        "Eine Woche vorher",
                        [
                            ("Alle Gastgeber:innen kennen ihre Tische und Fragen.", True),
                            ("Die Technik (Mikrofon, Beamer) ist getestet.", True),
                            ("Namensschilder und Stifte sind da.", False),
                            ("Jemand macht Fotos – mit Einverständnis der Gäste.", False),
                        ],
                    ),
                ],
            ),
            (
                "nach-der-konferenz",
                "Nach der Konferenz: Projekte in Gang halten",
                15,
                [
                    (
                        "text",
                        "<p>Die ersten vier Wochen nach der Konferenz entscheiden, ob die Projektgruppen "
                        "weitermachen. Schickt innerhalb einer Woche einen Dank mit Fotos und den Kontakten der "
                        "Gruppen, und ladet zu einem Folgetreffen ein.</p>",
                    ),
                    (
                        "handbook_excerpt",
                        "so-funktioniert-eine-mitmach-konferenz",
                        "sieben-schritte",
                        "Die Konferenz ist kein Endpunkt, sondern ein Startschuss. Was danach passiert, "
                        "entscheidet, ob sie wirkt.",
                    ),
                    (
                        "reflection",
                        "Was braucht eure Region, damit die Projektgruppen nach der Konferenz weitermachen?",
                        "",
                        5,
                    ),
                ],
            ),
        ],
    ),
    (
        "6 Sichtbar werden, öffentlicher Auftritt",
        "Presse, eigene Kanäle und Aktionen, die zeigen, dass sich in eurer Region etwas bewegt.",
        [
            (
                "pressearbeit",
                "Pressearbeit",
                25,
                [
                    (
                        "text",
                        "<p>Lokalzeitungen und Regionalradios suchen Geschichten aus der Region. Eine "
                        "Mitmach-Konferenz ist eine – besonders, wenn ihr Menschen zeigt, nicht Logos.</p>",
                    ),
                    ("heading", "Die Pressemitteilung", "pressemitteilung"),
                    (
                        "text",
                        "<p>Eine Seite, keine mehr. Das Wichtigste steht im ersten Satz: wer, was, wann, wo. "
                        "Ein Zitat aus dem Team macht die Meldung lebendig, ein gutes Foto erhöht die Chance, dass "
                        "sie gedruckt wird.</p>",
                    ),
                    ("downloads", "Vorlage", [("pressemitteilung", "Pressemitteilung zum Ausfüllen")]),
                    (
                        "checklist",
                        "Vor dem Versand",
                        [
                            ("Die Meldung passt auf eine Seite.", True),
                            ("Ein Zitat und eine Ansprechperson mit Telefonnummer stehen drin.", True),
                            ("Wir haben ein Foto, das wir verwenden dürfen.", False),
                        ],
                    ),
                    (
                        "callout",
                        "achtung",
                        "Sperrfristen und Fotos",
                        "<p>Schickt die Meldung etwa zehn Tage vorher und ruft zwei Tage später in der Redaktion "
                        "an. Verwendet nur Fotos, für die ihr die Rechte habt.</p>",
                    ),
                ],
            ),
            (
                "social-media-und-eigene-kanaele",
                "Social Media und eigene Kanäle",
                15,
                [
                    (
                        "text",
                        "<p>Ihr müsst nicht überall sein. Wählt einen oder zwei Kanäle, die eure Region "
                        "wirklich nutzt – oft sind das eine Messenger-Gruppe, der Gemeindebrief und ein "
                        "Instagram-Konto. Zeigt die Vorbereitung: Wer steckt dahinter, wie sieht der Ort aus, "
                        "welche Tische wird es geben?</p>",
                    ),
                    ("video", "Gute Fotos mit dem Handy (3 Minuten)", "https://www.youtube.com/watch?v=Zf4bT1mRk9A"),
                    ("reflection", "Welche zwei Kanäle nutzt ihr, und wer kümmert sich darum?", "", 4),
                ],
            ),
            (
                "aktionen-aus-dem-aktions-pool",
                "Aktionen aus dem Aktions-Pool",
                20,
                [
                    (
                        "text",
                        "<p>Im Aktions-Pool der Plattform sammeln die Regionen Aktionen, die funktioniert "
                        "haben: eine Schnippeldisko auf dem Marktplatz, ein Reparaturtag, eine Mitfahrbank-Tour. "
                        "Kleine, sichtbare Aktionen vor der Konferenz machen neugierig; Aktionen danach zeigen, "
                        "dass es weitergeht.</p>",
                    ),
                    (
                        "callout",
                        "beispiel",
                        "Schnippeldisko in Hitzacker",
                        "<p>Vier Wochen vor der Konferenz schnippelten 60 Menschen auf dem Marktplatz Gemüse, das "
                        "sonst im Müll gelandet wäre. Die Hälfte kam danach zur Konferenz.</p>",
                    ),
                    (
                        "quiz",
                        "Abschluss-Check",
                        [
                            (
                                "Wozu dient eine Aktion vor der Konferenz?",
                                "single",
                                [
                                    ("Sie macht neugierig und erreicht neue Menschen.", True, "Genau."),
                                    ("Sie ersetzt die Einladung.", False, "Sie ergänzt sie nur."),
                                ],
                            ),
                            (
                                "Was gehört zu guter Öffentlichkeitsarbeit? (Mehrere Antworten sind richtig.)",
                                "multiple",
                                [
                                    ("Menschen zeigen, nicht Logos", True, "Ja, Gesichter erzählen Geschichten."),
                                    (
                                        "Auf allen Kanälen gleichzeitig präsent sein",
                                        False,
                                        "Lieber zwei Kanäle gut als fünf halb.",
                                    ),
                                    ("Eine Ansprechperson für die Presse", True, "Ja, mit Telefonnummer."),
                                ],
                            ),
                        ],
                        100,
                        3,
                    ),
                    ("discussion", "Welche Aktion hat in eurer Region am meisten bewegt? Teilt sie mit den anderen."),
                ],
            ),
        ],
    ),
]

# Who learns in the demo: e-mail -> how far (lessons done; -1 all), their answers and where they stand.
# mitglied@example.org (Mia, the demo learner) is at 9 of 23 lessons, about 40 %.
LEARNERS: dict[str, dict[str, Any]] = {
    "mitglied@example.org": {
        "lessons": 9,
        "days": 24,
        "failed": ("so-funktioniert-eine-mitmach-konferenz",),
        "earlier_answer": "Dass wir als Team einen gemeinsamen Plan haben und nicht jede Woche neu anfangen. Und "
        "Beispiele aus anderen Regionen, damit wir nicht alles selbst erfinden müssen.",
        "answers": {
            "euer-regionalteam": "Ich übernehme die Kontakte, weil ich durch den Hofladen viele Leute kenne. "
            "Unterstützung brauche ich beim Anschreiben der Verwaltung – da bin ich unsicher im Ton.",
            "region-mit-frischem-blick-entdecken": "Der alte Bahnhof in Dannenberg: Er steht leer, aber jeden "
            "Dienstag treffen sich davor Jugendliche. Ein Ort, den wir nie als Treffpunkt gesehen haben.",
            "daten-und-geschichten-sammeln": "„Hier kennt jeder jeden, aber keiner weiß, was der andere "
            "macht.“ – Imker aus Lüchow",
            "staerken-luecken-schaetze": "1. Die Saatgut-Tauschbörse von Frau Kruse\n2. Die Streuobstwiesen "
            "rund um Clenze\n3. Die Kulturellen Landpartien, die schon heute Tausende anziehen",
            "akteurinnen-landkarte": "Die Landfrauen und die Freiwillige Feuerwehr. Jonas kennt den "
            "Ortsbrandmeister, Rita die Vorsitzende der Landfrauen.",
            "gespraeche-die-tueren-oeffnen": "Mit der Klimaschutzmanagerin des Landkreises und mit dem "
            "Vorstand der Bürgerenergie-Genossenschaft.",
        },
        "current": "Ein Samstag im Wendland 2035: Ich fahre mit dem Rufbus zum Markt in Lüchow, kaufe Gemüse "
        "von der Solawi und treffe im alten Bahnhof Leute aus drei Dörfern, die gemeinsam ein Wärmenetz "
        "planen.",
        "notes": {
            "akteurinnen-landkarte": "Landkarte beim nächsten Teamtreffen auf Packpapier übertragen. Jonas "
            "fragt nach dem Kontakt zur Bürgerenergie.",
        },
        "bookmarks": ("daten-und-geschichten-sammeln",),
    },
    "lena.hofer@example.org": {"lessons": -1, "days": 70},
    "jonas.berger@example.org": {"lessons": 14, "days": 45, "failed": ("budget-und-foerderung",)},
    "sepp.gruber@example.org": {"lessons": 4, "days": 30},
    "marta.schulz@example.org": {"lessons": 1, "days": 12},
    "katrin.vogt@example.org": {"lessons": 0, "days": 2},
}

# After the page tree (50), the forums (60) and chat (65): the learners are the forums' demo members.
demo.register("courses", order=70, seed=seed_course, reset=reset_course)
