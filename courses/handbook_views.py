"""The printable Handbuch of a course (HTML for the browser's print dialog) and its PDF built by WeasyPrint.

Wagtail checks the course's own view restrictions before these views run; which modules and lessons a
reader gets is the variant's business (courses.handbook). The PDF is never rendered in a request: the
view serves a stored build or asks for one and says that it is being built.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.text import slugify

from . import handbook as handbook_module
from . import selectors, tasks
from .models import CoursePage, HandbookBuild

ANSWERS_PARAMETER = "antworten"


def _route_url(request: HttpRequest, course: CoursePage, name: str) -> str:
    url = selectors.course_url(course, request) + course.reverse_subpage(name)
    # The PDF's address is <course>/handbuch.pdf, without the slash the page's route resolver adds.
    return url.removesuffix("/") if url.endswith(".pdf/") else url


def handbook(request: HttpRequest, course: CoursePage) -> HttpResponse:
    """`<course>/handbuch/`: the whole course for paper; `?antworten=1` adds the learner's own answers."""
    variant = handbook_module.variant_for(request.user)
    with_answers = request.GET.get(ANSWERS_PARAMETER) == "1" and request.user.is_authenticated
    course_url = selectors.course_url(course, request)
    book = handbook_module.handbook_for(
        course=course,
        variant=variant,
        course_url=course_url,
        answers_of=request.user if with_answers else None,
    )
    response = TemplateResponse(
        request,
        "courses/handbook.html",
        {
            "book": book,
            "for_pdf": False,
            "course_link": course_url,
            "pdf_link": _route_url(request, course, "handbook_pdf"),
        },
    )
    if with_answers:
        add_never_cache_headers(response)  # private answers: no shared or back-button cache keeps them
    elif request.user.is_authenticated:
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _pdf_response(build: HandbookBuild, course: CoursePage) -> HttpResponse:
    try:
        handle = build.pdf.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    suffix = "" if build.variant == HandbookBuild.Variant.PUBLIC else "-mitglieder"
    response = FileResponse(
        handle, content_type="application/pdf", filename=f"handbuch-{slugify(course.slug)}{suffix}.pdf"
    )
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    if build.variant == HandbookBuild.Variant.MEMBERS:
        patch_cache_control(response, private=True)
    return response


def handbook_pdf(request: HttpRequest, course: CoursePage) -> HttpResponse:
    """`<course>/handbuch.pdf`: the stored PDF of the current revision, or „wird gerade erstellt“.

    `?fassung=<id>` serves an older ready build of the same variant, while it leaves out the same pages as
    the current revision would (so nothing restricted since can be read in it).
    """
    variant = handbook_module.variant_for(request.user)
    key = handbook_module.revision_key(course, variant)
    older_id = request.GET.get("fassung", "")
    if older_id:
        ready = HandbookBuild.objects.filter(course=course, variant=variant, status=HandbookBuild.Status.READY)
        older = ready.filter(pk=int(older_id)).first() if older_id.isdigit() else None
        if older is None or not handbook_module.same_restrictions(older.revision_key, key):
            raise Http404
        return _pdf_response(older, course)

    build = tasks.current_build(course=course, variant=variant, revision_key=key)
    if build is not None and build.status == HandbookBuild.Status.READY:
        return _pdf_response(build, course)
    if tasks.needs_build(build):
        tasks.build_handbook.enqueue(course.pk, variant)
        # The immediate backend (development, tests) has built it already.
        build = tasks.current_build(course=course, variant=variant, revision_key=key)
        if build is not None and build.status == HandbookBuild.Status.READY:
            return _pdf_response(build, course)
    older = tasks.latest_ready_build(course=course, variant=variant, same_restrictions_as=key)
    course_url = selectors.course_url(course, request)
    response = TemplateResponse(
        request,
        "courses/handbook_pending.html",
        {
            "page": course,
            "course": course,
            "failed": build is not None and build.status == HandbookBuild.Status.FAILED,
            "older": older,
            "older_url": f"{_route_url(request, course, 'handbook_pdf')}?fassung={older.pk}" if older else "",
            "handbook_url": _route_url(request, course, "handbook"),
            "course_url": course_url,
        },
        status=202,
    )
    add_never_cache_headers(response)
    return response
