"""The printable Handbuch of a course (HTML for the browser's print dialog) and its PDF built by WeasyPrint."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def handbook(request: HttpRequest, course) -> HttpResponse:
    raise Http404


def handbook_pdf(request: HttpRequest, course) -> HttpResponse:
    raise Http404
