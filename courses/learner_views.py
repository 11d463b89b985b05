"""The learner's own pages outside a course: Mein Lernstand, Meine Antworten (print and CSV), certificates."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community.csv_cells import csv_safe
from community.models import User

from . import certificates, selectors, services
from .models import BlockResponse, Certificate

UNSUBSCRIBE_SALT = "courses.reminders.unsubscribe"


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """„Mein Lernstand“: every course with progress, last activity, Weitermachen, answers, certificates."""
    return TemplateResponse(
        request,
        "courses/my_progress.html",
        {
            "rows": selectors.dashboard_for(user=request.user, request=request),
            "bookmarks": selectors.bookmarks_of(user=request.user),
            "notes": selectors.notes_of(user=request.user),
        },
    )


def _answer_rows(user: User) -> list[dict]:
    """The learner's reflection answers and notes in course order, with where they belong."""
    responses = selectors.answers_of(user=user)
    return [
        {
            "lesson": response.lesson.title,
            "lesson_url": response.lesson.url,
            "question": response.data.get("question", ""),
            "text": response.data.get("text", ""),
            "updated_at": response.updated_at,
            "id": response.pk,
            "shared": response.shared_with_team,
        }
        for response in responses
    ]


@login_required
def my_answers(request: HttpRequest) -> HttpResponse:
    """„Meine Antworten“ as a printable page (print CSS hides the navigation)."""
    return TemplateResponse(
        request,
        "courses/my_answers.html",
        {
            "answers": _answer_rows(request.user),
            "notes": selectors.notes_of(user=request.user),
            "bookmarks": selectors.bookmarks_of(user=request.user),
            "now": timezone.now(),
        },
    )


@login_required
def my_answers_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meine-antworten.csv"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 only with the byte-order mark
    writer = csv.writer(response)
    writer.writerow([_("Kind"), _("Lesson"), _("Question"), _("Text"), _("Last changed")])
    for row in _answer_rows(request.user):
        writer.writerow(
            [
                _("Answer"),
                csv_safe(row["lesson"]),
                csv_safe(row["question"]),
                csv_safe(row["text"]),
                row["updated_at"].isoformat(),
            ]
        )
    for note in selectors.notes_of(user=request.user):
        writer.writerow([_("Note"), csv_safe(note.lesson.title), "", csv_safe(note.text), note.updated_at.isoformat()])
    for bookmark in selectors.bookmarks_of(user=request.user):
        writer.writerow([_("Bookmark"), csv_safe(bookmark.lesson.title), "", "", bookmark.created_at.isoformat()])
    return response


@login_required
@require_POST
def answer_share(request: HttpRequest, response_id: int) -> HttpResponse:
    """„Mit meinem Team teilen“ on or off for one of the member's own answers; anyone else's is a 404."""
    try:
        response = services.response_share_set(
            user=request.user, response_id=response_id, shared=request.POST.get("shared") == "on"
        )
    except BlockResponse.DoesNotExist:
        raise Http404 from None
    if response.shared_with_team:
        messages.success(request, _("Your regional team can now read this answer."))
    else:
        messages.success(request, _("This answer is private again."))
    return redirect(request.POST.get("next") if _safe_next(request) else "courses:answers")


def _safe_next(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public check of a certificate: name, course and date, nothing else."""
    certificate = get_object_or_404(Certificate, code=code)
    return TemplateResponse(request, "courses/certificate.html", {"certificate": certificate})


def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = get_object_or_404(Certificate, code=code)
    pdf = certificates.render_pdf(certificate, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="zertifikat-{certificate.code[:8]}.pdf"'
    return response


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def reminders_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe from the weekly course reminders (link in every reminder e-mail)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=data["u"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise Http404 from None
    if request.method == "POST":
        services.reminders_unsubscribe(user=user)
        return TemplateResponse(request, "courses/unsubscribed.html", {"done": True})
    return TemplateResponse(request, "courses/unsubscribed.html", {"done": False, "token": token})
