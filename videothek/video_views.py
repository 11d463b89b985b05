"""Views of the video half of the Videothek: thin layers over video_selectors, video_services and permissions.

The index and the video pages are Wagtail pages (their get_context calls index_context / video_context);
the beacon, the files, the captions, the Verlauf and the Reihen are plain views in videothek.urls.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from community.embeds import embed_for

from . import media as media_files
from . import permissions, video_selectors, video_services
from .models import VideoCaption, VideoPage, VideothekIndexPage

SORT_CHOICES = (
    (video_selectors.Sort.NEWEST, gettext_lazy("Newest")),
    (video_selectors.Sort.MOST_WATCHED, gettext_lazy("Most watched")),
    (video_selectors.Sort.RELEVANCE, gettext_lazy("Best match")),
)


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


# --- the index (VideothekIndexPage.get_context) -------------------------------------------------------


def index_context(request: HttpRequest, index: VideothekIndexPage) -> dict[str, Any]:
    from django.core.paginator import Paginator

    filters = video_selectors.VideoFilters.from_query(request.GET)
    listing = video_selectors.video_listing(
        user=request.user,
        index=index,
        filters=filters,
        page_number=_page_number(request),
        per_page=video_selectors.PER_PAGE,
    )
    # A Page object for components/pagination.html (the rows themselves come from the selector).
    pager = Paginator(range(listing.total), video_selectors.PER_PAGE).get_page(listing.page_number)
    return {
        "filters": filters,
        "listing": listing,
        "pager": pager,
        "sort_choices": [(value, str(label)) for value, label in SORT_CHOICES],
        "continue_rows": []
        if filters.active
        else video_selectors.continue_watching(request.user, limit=video_selectors.CONTINUE_LIMIT),
    }


# --- one video (VideoPage.get_context) -----------------------------------------------------------------


def _start_from(request: HttpRequest, duration: int | None) -> int:
    value = request.GET.get("t", "")
    if value.endswith("s"):
        value = value[:-1]
    if not value.isdigit():
        return 0
    start = int(value)
    return start if not duration or start < duration else 0


def video_context(request: HttpRequest, video: VideoPage) -> dict[str, Any]:
    from django.urls import reverse

    user = request.user
    start = _start_from(request, video.duration)
    progress = video_selectors.progress_of(video, user)
    resume_at = 0
    if progress and not start and progress.position > 5 and progress.completed_at is None:
        if not video.duration or progress.position < video.duration - 5:
            resume_at = progress.position
    chapters = [
        {"start": c.start, "clock": video_selectors.format_duration(c.start), "title": c.title}
        for c in video.chapters.all()
    ]
    captions = [
        {
            "url": reverse("videothek:caption", args=[c.pk]),
            "language": c.language,
            "label": c.label,
            "default": n == 0,
        }
        for n, c in enumerate(video.captions.all())
    ]
    media_url = reverse("videothek:media", args=[video.pk]) if video.media_id else ""
    embed = embed_for(video.external_url) if video.external_url and not video.media_id else None
    related_lesson = None
    if video.related_lesson_id:
        lesson = video.related_lesson
        if lesson and permissions.can_view_page(user, lesson):
            related_lesson = {"title": lesson.title, "url": lesson.get_url(request)}
    related_event = None
    if video.related_event_id:
        event = video.related_event
        if event and permissions.can_view_page(user, event):
            related_event = {"title": event.title, "url": event.get_url(request)}
    return {
        "kind_label": video.get_kind_display(),
        "duration_label": video_selectors.format_duration(video.duration),
        "start": start,
        "resume_at": resume_at,
        "resume_label": video_selectors.format_duration(resume_at),
        "chapters": chapters,
        "captions": captions,
        "media_url": media_url,
        "download_url": f"{media_url}?download=1" if media_url and video.allow_download else "",
        "embed": embed,
        "transcript": video_selectors.transcript_lines(video.transcript),
        "series": video_selectors.series_for(video, user),
        "beacon_url": reverse("videothek:beacon", args=[video.pk]) if user.is_authenticated and media_url else "",
        "speed_choices": ["0.75", "1", "1.25", "1.5", "1.75", "2"],
        "visibility": permissions.visibility_of(video),
        "related_lesson": related_lesson,
        "related_event": related_event,
        "speakers": list(video.speakers.all()),
        "tags": list(video.tags.all()),
    }


# --- the beacon ----------------------------------------------------------------------------------------


@require_POST
def beacon(request: HttpRequest, video_id: int) -> JsonResponse:
    """navigator.sendBeacon's target: position and played ranges of the signed-in member; JSON, no template."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False, "error": "login required"}, status=403)
    try:
        result = video_services.progress_record(
            user=request.user,
            video_id=video_id,
            position=request.POST.get("position", ""),
            played=request.POST.get("played", ""),
        )
    except video_services.BeaconRejected as rejected:
        return JsonResponse({"ok": False, "error": rejected.reason}, status=rejected.status)
    return JsonResponse(
        {"ok": True, "position": result.position, "credited": result.credited_seconds, "completed": result.completed}
    )


# --- files ---------------------------------------------------------------------------------------------


def _visible_video(request: HttpRequest, video_id: int) -> VideoPage:
    video = VideoPage.objects.live().filter(pk=video_id).select_related("media").first()
    if video is None or not permissions.can_view_page(request.user, video):
        raise Http404
    return video


@require_GET
def media(request: HttpRequest, video_id: int) -> HttpResponse:
    """The video's own file for those who may see the video (Range requests answered with 206); else 404."""
    video = _visible_video(request, video_id)
    if video.media is None or not video.media.file:
        raise Http404
    download = request.GET.get("download") == "1"
    if download and not video.allow_download:
        raise Http404
    extension = video.media.file.name.rsplit(".", 1)[-1] if "." in video.media.file.name else "webm"
    try:
        return media_files.file_response(
            video.media.file,
            range_header=request.headers.get("Range", ""),
            download=download,
            filename=f"{video.slug}.{extension}",
        )
    except FileNotFoundError:
        raise Http404 from None


@require_GET
def caption(request: HttpRequest, caption_id: int) -> HttpResponse:
    """A caption track (WebVTT) of a video the visitor may see."""
    track = VideoCaption.objects.filter(pk=caption_id).select_related("file", "page").first()
    if track is None or not permissions.can_view_page(request.user, track.page):
        raise Http404
    try:
        with track.file.file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = HttpResponse(data, content_type="text/vtt; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _videothek_url() -> str:
    index = VideothekIndexPage.objects.live().first()
    return (index.url if index else None) or "/"


# --- Verlauf and Reihen --------------------------------------------------------------------------------


@login_required
def history(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("action") == "clear":
            video_services.progress_clear(user=request.user)
            messages.success(request, _("Your history is empty now."))
        else:
            video_id = request.POST.get("video", "")
            if video_id.isdigit() and video_services.progress_remove(user=request.user, video_id=int(video_id)):
                messages.success(request, _("The video was removed from your history."))
        return redirect("videothek:history")
    return TemplateResponse(
        request,
        "videothek/video_history.html",
        {"rows": video_selectors.watch_history(request.user), "videothek_url": _videothek_url()},
    )


@require_GET
def series(request: HttpRequest, slug: str) -> HttpResponse:
    context = video_selectors.series_page(slug, request.user)
    if context is None or not context.items:
        raise Http404
    return TemplateResponse(
        request, "videothek/video_series.html", {"series": context, "videothek_url": _videothek_url()}
    )
